/**
 * Closed stream bars are committed once per turn for every market (BarWriter), emitted only after their
 * commit with the forming updates that came meanwhile behind them, and a failed commit loses no bar: it is
 * pending again, the series is rewound to what the store holds and a REST resync fills the rest.
 */
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../../main/contract/streams.ts';
import type { OhlcvColumns } from '../../../main/core/data/index.ts';
import { StorageError } from '../../../main/core/errors.ts';
import { BarWriter } from '../../../main/host/market-streams/bar-writer.ts';
import { LiveBars } from '../../../main/host/market-streams/live-bars.ts';
import { openMarket } from '../../../main/storage/index.ts';
import { tempDir } from '../storage/helpers.ts';

const M = 60_000;
const bar = (i: number, close = 100 + i): Bar => ({ ts: i * M, open: 100, high: 200, low: 50, close, volume: 1 + i });
const key = (symbol: string) => ({ source: 'sim', symbol, timeframe: '1m' });

/** A venue whose minutes 0..n-1 are closed (REST), the newest row being the one still forming. */
function rest(n: { closed: number }) {
  return async (since: number | undefined, limit: number): Promise<OhlcvColumns> => {
    const from = since === undefined ? Math.max(0, n.closed - limit + 1) : since / M;
    const rows: Bar[] = [];
    for (let i = from; i <= n.closed && rows.length < limit; i++) rows.push(bar(i));
    const col = (k: keyof Bar) => Float64Array.from(rows.map((r) => r[k]));
    return { ts: col('ts'), open: col('open'), high: col('high'), low: col('low'), close: col('close'), volume: col('volume') } as OhlcvColumns;
  };
}

describe('BarWriter and LiveBars', () => {
  it('commits the finals of several markets together, then emits each closed bar before the forming one that followed it', () => {
    const m = openMarket(`${tempDir()}/market.db`);
    let turn: (() => void) | undefined;
    const writer = new BarWriter(m.candles, (run) => (turn = run));
    const emitted: string[] = [];
    const lives = ['BTC/USDT', 'ETH/USDT'].map((s) => {
      m.candles.upsert(key(s), { ts: [9 * M], open: [1], high: [1], low: [1], close: [1], volume: [1] });
      return new LiveBars({
        key: key(s), candles: m.candles, writer, fetch: () => Promise.reject(new Error('no REST here')),
        emit: (bars) => {
          // What is emitted closed is already in the store.
          for (const b of bars) if (b.closed) expect(m.candles.lastTs(key(s))).toBeGreaterThanOrEqual(b.ts);
          emitted.push(`${s} ${bars.map((b) => `${b.ts / M}${b.closed ? 'c' : 'f'}`).join(',')}`);
        },
      });
    });
    lives[0]!.final(bar(10));
    lives[1]!.final(bar(10));
    lives[0]!.update(bar(11, 60));
    lives[0]!.update(bar(11, 61));
    expect(lives[0]!.storedThrough).toBe(10 * M);
    // Nothing written or emitted before the end of the turn.
    expect(m.candles.lastTs(key('BTC/USDT'))).toBe(9 * M);
    expect(emitted).toEqual([]);
    turn!();
    expect(emitted).toEqual(['BTC/USDT 10c,11f', 'ETH/USDT 10c']);
    expect(Array.from(m.candles.range(key('BTC/USDT')).close)).toEqual([1, 110]);
    expect(Array.from(m.candles.range(key('ETH/USDT')).ts)).toEqual([9 * M, 10 * M]);
    // With nothing queued, forming updates go out at once.
    lives[0]!.update(bar(11, 62));
    expect(emitted.at(-1)).toBe('BTC/USDT 11f');
    m.db.close();
  });

  it('a failed commit puts the bar back: the series is rewound, resynced from REST, and has no gap', async () => {
    const m = openMarket(`${tempDir()}/market.db`);
    m.candles.upsert(key('BTC/USDT'), { ts: [9 * M], open: [1], high: [1], low: [1], close: [1], volume: [1] });
    let fail = true;
    const failing = { upsertMany: (items: Parameters<typeof m.candles.upsertMany>[0]) => {
      if (fail) throw new Error('SQLITE_FULL: database or disk is full');
      return m.candles.upsertMany(items);
    } };
    let turn: (() => void) | undefined;
    const writer = new BarWriter(failing, (run) => (turn = run));
    const errors: unknown[] = [];
    const closed: number[] = [];
    const venue = { closed: 12 };
    const lb = new LiveBars({
      key: key('BTC/USDT'), candles: m.candles, writer, fetch: rest(venue), retry: { baseMs: 5, maxMs: 10 },
      emit: (bars) => closed.push(...bars.filter((b) => b.closed).map((b) => b.ts / M)),
      onError: (e) => errors.push(e),
    });
    lb.final(bar(10));
    turn!();
    expect(errors[0]).toBeInstanceOf(StorageError);
    expect((errors[0] as Error).message).toMatch(/disk is full/);
    expect(lb.storedThrough).toBe(9 * M);
    fail = false;
    await lb.idle();
    // REST had 10 and 11 closed (12 forming): stored once each, in order, nothing lost.
    expect(Array.from(m.candles.range(key('BTC/USDT')).ts).map((t) => t / M)).toEqual([9, 10, 11]);
    expect(closed).toEqual([10, 11]);
    expect(errors.at(-1)).toBeNull();
    lb.close();
    m.db.close();
  });
});
