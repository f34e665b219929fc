/**
 * Fault states reach the health view as clear states, and nothing crashes: a venue clock off the local one,
 * a market delisted while it streams (and one refused at subscribe), REST rate limiting during a resync
 * (and recovery), a silent stall (detected, reconnected).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VenueHealth } from '../../../main/contract/streams.ts';
import { createLogger } from '../../../main/host/log.ts';
import { MarketStreams } from '../../../main/host/market-streams/manager.ts';
import { VenuePool } from '../../../main/host/venues/pool.ts';
import { openMarket, type MarketStores } from '../../../main/storage/index.ts';
import { resetSharedLimiters } from '../../../main/venues/ccxt/index.ts';
import { generatedSymbols, SimClock, startMockExchange, type MockExchange } from '../../../main/venues/mock-exchange/index.ts';

const SKEW = 7_000;

describe('stream fault states', () => {
  let dir: string;
  let mock: MockExchange;
  let stores: MarketStores;
  let pool: VenuePool;
  let streams: MarketStreams;
  const health = async (): Promise<VenueHealth> => (await streams.health())[0]!;
  const until = async (what: string, cond: (h: VenueHealth) => boolean) => {
    for (let i = 0; i < 600; i++) {
      if (cond(await health())) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await health())}`);
  };

  beforeAll(async () => {
    resetSharedLimiters();
    dir = mkdtempSync(join(tmpdir(), 'kestrel-stream-faults-'));
    const now = Math.floor(Date.now() / 60_000) * 60_000;
    mock = await startMockExchange({
      symbols: generatedSymbols({ symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'], days: 2, end: now + 86_400_000, seed: 4 }),
      clock: new SimClock({ speed: 1, skewMs: SKEW }),
      streamIntervalMs: 50,
    });
    stores = openMarket(join(dir, 'market.db'));
    pool = new VenuePool();
    streams = new MarketStreams({
      venues: pool,
      resolve: () => Promise.resolve({ exchange: 'binance', endpoints: { rest: mock.baseUrl, ws: mock.wsUrl }, rateLimit: { perSecond: 500, burst: 50 }, retry: { baseMs: 10, maxMs: 50, attempts: 2 } }),
      candles: stores.candles,
      log: createLogger('faults', 'silent'),
      tuning: { heartbeatMs: 400, backoff: { baseMs: 50, maxMs: 300 }, resyncMaxBars: 30 },
    });
  });

  afterAll(async () => {
    await streams?.close();
    await pool?.close();
    await mock?.close();
    stores?.db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports the venue clock skew', async () => {
    await streams.subscribe('sim', 'BTC/USDT', ['ohlcv', 'ticker', 'book'], () => {});
    await until('live with a skew', (h) => h.state === 'live' && h.clockSkewMs !== null);
    const h = await health();
    expect(Math.abs(h.clockSkewMs! - SKEW)).toBeLessThan(5_000);
    expect(h.error).toMatch(/clock skew: sim's clock is [\d.]+ s ahead/);
  });

  it('a market delisted while it streams ends with the reason; subscribing to it later is refused', async () => {
    await streams.subscribe('sim', 'ETH/USDT', ['ticker'], () => {});
    await until('ETH live', (h) => h.symbols.some((s) => s.symbol === 'ETH/USDT' && s.state === 'live'));
    mock.faults.delisted.add('ETHUSDT');
    await until('ETH failed as delisted', (h) => h.symbols.some((s) => s.symbol === 'ETH/USDT' && s.state === 'failed' && /delisted/.test(s.error ?? '')));
    // The other market keeps streaming.
    expect((await health()).symbols.find((s) => s.symbol === 'BTC/USDT')!.state).toBe('live');
    await expect(streams.subscribe('sim', 'ETH/USDT', ['trades'], () => {})).rejects.toMatchObject({ code: 'validation', message: expect.stringMatching(/delisted or halted/) });
    await expect(streams.subscribe('sim', 'NOPE/USDT', ['trades'], () => {})).rejects.toMatchObject({ code: 'not_found' });
  });

  it('a resync that meets 429s says rate-limited, then recovers', async () => {
    mock.setFaults({ rateLimit: 1 });
    mock.dropStreams();
    await until('rate limited', (h) => h.symbols.some((s) => s.symbol === 'BTC/USDT' && s.state === 'rate-limited'));
    mock.setFaults({});
    await until('live again', (h) => h.symbols.find((s) => s.symbol === 'BTC/USDT')!.state === 'live');
  });

  it('a silent stall is detected and reconnected', async () => {
    const before = await health();
    mock.setFaults({ wsStallEveryMs: 1, wsStallMs: 1_500 });
    await until('stalled', (h) => h.stalls > before.stalls);
    mock.setFaults({});
    await until('live after the stall', (h) => h.state === 'live' && h.connected);
    expect((await health()).reconnects).toBeGreaterThan(before.reconnects);
  });
});
