import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VenueNetworkError, VenueRejectedError } from '../../../main/core/errors.ts';
import { CcxtVenue, exchangeCatalogue, openStream, RateLimiter, resetSharedLimiters, type StreamStatus } from '../../../main/venues/ccxt/index.ts';
import { generatedSymbols, startMockExchange, type MockExchange } from '../../../main/venues/mock-exchange/index.ts';

let mock: MockExchange;
let venue: CcxtVenue;
const END = Date.UTC(2024, 6, 1);

beforeAll(async () => {
  resetSharedLimiters();
  mock = await startMockExchange({ symbols: generatedSymbols({ symbols: ['BTC/USDT', 'ETH/USDT'], days: 3, end: END }), streamIntervalMs: 10 });
  venue = new CcxtVenue({ exchange: 'binance', endpoints: { rest: mock.baseUrl, ws: mock.wsUrl }, rateLimit: { perSecond: 1000, burst: 50 }, retry: { baseMs: 5, maxMs: 40, attempts: 8 } });
});
afterAll(async () => {
  await venue.close();
  await mock.close();
});

describe('every reply of the mock parses through ccxt binance + the wrapper', () => {
  it('markets → instruments with exact tick, lot, min notional, fees', async () => {
    const inst = await venue.loadInstruments();
    const btc = inst.get('BTC/USDT')!;
    expect([btc.tickSize, btc.lotSize, btc.minNotional, btc.kind, btc.venue]).toEqual(['0.01', '0.00001', '5', 'spot', 'binance']);
    expect(inst.get('ETH/USDT')!.lotSize).toBe('0.0001');
  });

  it('klines at 1m equal the ground truth bit for bit; longer intervals aggregate it', async () => {
    const truth = mock.symbol('BTCUSDT')!.candles;
    const since = truth.ts[100]!;
    const c = await venue.fetchCandles('BTC/USDT', '1m', since, 1000);
    expect(c.ts.length).toBe(1000);
    for (let i = 0; i < 1000; i++) {
      expect([c.ts[i], c.open[i], c.high[i], c.low[i], c.close[i], c.volume[i]]).toEqual([truth.ts[100 + i], truth.open[100 + i], truth.high[100 + i], truth.low[100 + i], truth.close[100 + i], truth.volume[100 + i]]);
    }
    for (const tf of ['5m', '1h', '1d']) {
      const a = await venue.fetchCandles('BTC/USDT', tf, truth.ts[0]!, 10);
      expect(a.ts.length).toBeGreaterThan(0);
      const ms = { '5m': 300_000, '1h': 3_600_000, '1d': 86_400_000 }[tf]!;
      const n = Math.min(ms / 60_000, truth.ts.length);
      expect(a.high[0]).toBe(Math.max(...truth.high.subarray(0, n)));
      expect(a.close[0]).toBe(truth.close[n - 1]);
    }
    const latest = await venue.fetchCandles('BTC/USDT', '1m', undefined, 5);
    expect(latest.ts[4]).toBe(truth.ts[truth.ts.length - 1]);
  });

  it('trades, order book and ticker', async () => {
    const trades = await venue.fetchTrades('BTC/USDT', undefined, 10);
    expect(trades).toHaveLength(10);
    for (const t of trades) expect(Number.isFinite(t.price) && t.qty > 0 && typeof t.id === 'string').toBe(true);
    const since = await venue.fetchTrades('ETH/USDT', END - 3_600_000, 20);
    expect(since[0]!.ts).toBeGreaterThanOrEqual(END - 3_600_000);
    const ob = await venue.fetchOrderBook('BTC/USDT', 5);
    expect(ob.bids).toHaveLength(5);
    expect(ob.bids[0]![0]).toBeLessThan(ob.asks[0]![0]);
    const tk = await venue.fetchTicker('ETH/USDT');
    expect(tk.last).toBe(mock.symbol('ETHUSDT')!.candles.close.at(-1));
  });
});

describe('error mapping', () => {
  it('an unknown symbol and a bad request are VenueRejectedError (not retryable)', async () => {
    await expect(venue.fetchCandles('NOPE/USDT', '1m', 0, 10)).rejects.toBeInstanceOf(VenueRejectedError);
    await expect(venue.call('raw', () => (venue.ex as unknown as { publicGetKlines(p: object): Promise<unknown> }).publicGetKlines({ symbol: 'BTCUSDT', interval: '7x' }))).rejects.toMatchObject({ code: 'venue_rejected', retryable: false });
  });

  it('429, 418, 5xx, dropped sockets and garbled bodies are retried; persistent ones surface as VenueNetworkError (retryable)', async () => {
    for (const f of ['rate-limit', 'ban', 'server-error', 'disconnect', 'malformed'] as const) mock.faults.failNext(f);
    const c = await venue.fetchCandles('BTC/USDT', '1m', mock.symbol('BTCUSDT')!.candles.ts[0]!, 10);
    expect(c.ts.length).toBe(10);
    mock.faults.failNext('server-error', 8);
    const err = await venue.fetchCandles('BTC/USDT', '1m', 0, 10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VenueNetworkError);
    expect((err as VenueNetworkError).retryable).toBe(true);
  });
});

describe('streams', () => {
  it('candles, trades, book and ticker stream; duplicates and late messages are filtered; a dropped socket reconnects', async () => {
    const candles: number[] = [];
    const tradeIds: string[] = [];
    const statuses: StreamStatus['state'][] = [];
    let books = 0;
    let tickers = 0;
    mock.setFaults({ wsDuplicate: 0.2, wsReorder: 0.1 });
    const hs = [
      openStream(venue, 'candles', 'BTC/USDT', { onCandle: (c) => candles.push(c.ts), onStatus: (s) => statuses.push(s.state) }, { backoff: { baseMs: 10, maxMs: 50 } }),
      openStream(venue, 'trades', 'BTC/USDT', { onTrade: (t) => tradeIds.push(t.id!) }, { backoff: { baseMs: 10, maxMs: 50 } }),
      openStream(venue, 'book', 'ETH/USDT', { onBook: (b) => { if (b.bids[0]![0] < b.asks[0]![0]) books++; } }, { backoff: { baseMs: 10, maxMs: 50 } }),
      openStream(venue, 'ticker', 'ETH/USDT', { onTicker: (t) => { if (Number.isFinite(t.last)) tickers++; } }, { backoff: { baseMs: 10, maxMs: 50 } }),
    ];
    const until = async (cond: () => boolean) => {
      for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(cond()).toBe(true);
    };
    await until(() => candles.length >= 5 && tradeIds.length >= 10 && books >= 3 && tickers >= 3);
    const before = candles.length;
    mock.dropStreams();
    await until(() => statuses.includes('reconnecting') && candles.length >= before + 5);
    for (let i = 1; i < candles.length; i++) expect(candles[i]!).toBeGreaterThanOrEqual(candles[i - 1]!);
    expect(new Set(tradeIds).size).toBe(tradeIds.length);
    expect(mock.faults.injected['ws-duplicate']).toBeGreaterThan(0);
    mock.setFaults({});
    await Promise.all(hs.map((h) => h.close()));
    expect(hs[0]!.status().state).toBe('stopped');
  });

  it('a stream for an unknown symbol fails with a reason instead of retrying forever', async () => {
    const h = openStream(venue, 'candles', 'NOPE/USDT', {});
    await h.done;
    expect(h.status().state).toBe('failed');
    expect(h.status().error).toMatch(/NOPE/);
  });
});

describe('rate limiter and catalogue', () => {
  it('one limiter per exchange+key, shared: two venues on the same key pace together', async () => {
    const a = new CcxtVenue({ exchange: 'binance', endpoints: { rest: mock.baseUrl }, rateLimit: { perSecond: 50, burst: 1 } });
    const b = new CcxtVenue({ exchange: 'binance', endpoints: { rest: mock.baseUrl }, rateLimit: { perSecond: 50, burst: 1 } });
    expect(a.limiter).toBe(b.limiter);
    const l = new RateLimiter({ perSecond: 100, burst: 1 });
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 21 }, () => l.take()));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(180);
  });

  it('lists every ccxt exchange with market-data capabilities', () => {
    const all = exchangeCatalogue();
    expect(all.length).toBeGreaterThan(50);
    const b = all.find((e) => e.id === 'binance')!;
    expect(b.pro).toBe(true);
    expect(b.has.fetchOHLCV).toBe(true);
    expect(b.timeframes).toContain('1m');
  });
});
