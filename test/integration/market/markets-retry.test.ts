import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CcxtVenue, resetSharedLimiters } from '../../../main/venues/ccxt/index.ts';
import { generatedSymbols, startMockExchange, type MockExchange } from '../../../main/venues/mock-exchange/index.ts';

let mock: MockExchange;
beforeAll(async () => {
  resetSharedLimiters();
  mock = await startMockExchange({ symbols: generatedSymbols({ symbols: ['BTC/USDT'], days: 1, end: Date.UTC(2024, 6, 1) }) });
});
afterAll(async () => {
  await mock.close();
});

describe('a failed market load is retried for real', () => {
  // ccxt caches its loadMarkets promise even when it rejects; without clearing it every retry (and every
  // later fetch, which loads markets internally) would replay the first 429.
  it('recovers once the exchange stops answering 429, instead of replaying the cached failure', async () => {
    const venue = new CcxtVenue({ exchange: 'binance', endpoints: { rest: mock.baseUrl }, rateLimit: { perSecond: 1000, burst: 50 }, retry: { baseMs: 20, maxMs: 60, attempts: 30 } });
    // A queued fault, not a timer: on a cold CI machine ccxt's first request can come after any timer fired.
    mock.faults.failNext('rate-limit', 3);
    try {
      const inst = await venue.loadInstruments();
      expect(inst.get('BTC/USDT')?.tickSize).toBe('0.01');
      expect(mock.faults.injected['rate-limit']).toBe(3);
      const c = await venue.fetchCandles('BTC/USDT', '1m', Date.UTC(2024, 5, 30, 12), 10);
      expect(c.ts.length).toBe(10);
    } finally {
      mock.setFaults({});
      await venue.close();
    }
  });
});
