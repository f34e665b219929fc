/**
 * LiveBars against a scripted venue: finals stored at once when they continue the series, everything else
 * through REST, never the forming bar, never a gap or a duplicate.
 */
import { describe, expect, it } from 'vitest';
import type { OhlcvColumns } from '../../../main/core/data/index.ts';
import { LiveBars } from '../../../main/host/market-streams/live-bars.ts';
import type { Bar } from '../../../main/contract/streams.ts';

const M = 60_000;
const bar = (i: number, close = 100 + i): Bar => ({ ts: i * M, open: 100, high: 200, low: 50, close, volume: 1 + i });

/** A venue whose minutes 0..closed-1 are closed and `closed` is forming (served partial, as Binance does). */
function venue(closedRef: { n: number }) {
  const calls: (number | undefined)[] = [];
  const fetch = async (since: number | undefined, limit: number): Promise<OhlcvColumns> => {
    calls.push(since);
    const from = since === undefined ? Math.max(0, closedRef.n - limit + 1) : since / M;
    const rows: Bar[] = [];
    for (let i = from; i <= closedRef.n && rows.length < limit; i++) rows.push(i === closedRef.n ? bar(i, 60) : bar(i));
    const col = (k: keyof Bar) => Float64Array.from(rows.map((r) => r[k]));
    return { ts: col('ts'), open: col('open'), high: col('high'), low: col('low'), close: col('close'), volume: col('volume') } as OhlcvColumns;
  };
  return { fetch, calls };
}

function store() {
  const rows = new Map<number, number>();
  let writes = 0;
  return {
    rows,
    get writes() {
      return writes;
    },
    candles: {
      lastTs: () => (rows.size ? Math.max(...rows.keys()) : undefined),
      upsert: (_k: unknown, c: { ts: ArrayLike<number>; close: ArrayLike<number> }) => {
        writes++;
        for (let i = 0; i < c.ts.length; i++) rows.set(c.ts[i]!, c.close[i]!);
        return { candles: c.ts.length, chunks: 1 };
      },
    },
  };
}

describe('LiveBars', () => {
  it('first resync stores the closed bars up to the forming one, never the forming one', async () => {
    const closed = { n: 30 };
    const v = venue(closed);
    const s = store();
    const lb = new LiveBars({ key: { source: 'v', symbol: 'X/Y', timeframe: '1m' }, candles: s.candles, fetch: v.fetch, emit: () => {}, maxBars: 10, pageSize: 4 });
    lb.update(bar(30, 60));
    lb.resync();
    await lb.idle();
    expect([...s.rows.keys()].map((t) => t / M)).toEqual([20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    expect([...s.rows.values()].includes(60)).toBe(false);
    expect(lb.storedThrough).toBe(29 * M);
  });

  it('a final that continues the series is stored at once; one after a gap waits for REST to fill the gap', async () => {
    const closed = { n: 10 };
    const v = venue(closed);
    const s = store();
    s.rows.set(9 * M, 109);
    const emitted: number[] = [];
    const lb = new LiveBars({ key: { source: 'v', symbol: 'X/Y', timeframe: '1m' }, candles: s.candles, fetch: v.fetch, emit: (b) => emitted.push(...b.filter((x) => x.closed).map((x) => x.ts / M)), retry: { baseMs: 5, maxMs: 20 } });
    closed.n = 11;
    lb.final(bar(10));
    expect(s.rows.get(10 * M)).toBe(110);
    expect(v.calls).toHaveLength(0);
    // 11 and 12 missed (a disconnect); 13's final arrives first.
    closed.n = 14;
    lb.final(bar(13));
    await lb.idle();
    expect([...s.rows.keys()].sort((a, b) => a - b).map((t) => t / M)).toEqual([9, 10, 11, 12, 13]);
    expect(emitted).toEqual([10, 11, 12, 13]);
    expect(lb.storedThrough).toBe(13 * M);
  });

  it('a bar that closed without its final (dropped) is fetched from REST when the next one starts', async () => {
    const closed = { n: 5 };
    const v = venue(closed);
    const s = store();
    s.rows.set(4 * M, 104);
    const lb = new LiveBars({ key: { source: 'v', symbol: 'X/Y', timeframe: '1m' }, candles: s.candles, fetch: v.fetch, emit: () => {} });
    lb.update(bar(5, 60));
    closed.n = 6;
    lb.update(bar(6, 60));
    await lb.idle();
    expect(s.rows.get(5 * M)).toBe(105);
    expect(s.rows.has(6 * M)).toBe(false);
  });

  it('a failing resync is retried with backoff and reported, then clears', async () => {
    let fail = 2;
    const closed = { n: 3 };
    const v = venue(closed);
    const errors: (string | null)[] = [];
    const s = store();
    s.rows.set(0, 100);
    const lb = new LiveBars({
      key: { source: 'v', symbol: 'X/Y', timeframe: '1m' }, candles: s.candles, emit: () => {}, retry: { baseMs: 5, maxMs: 10 },
      fetch: (since, limit) => (fail-- > 0 ? Promise.reject(Object.assign(new Error('429'), { retryable: true })) : v.fetch(since, limit)),
      onError: (e) => errors.push(e ? e.message : null),
    });
    lb.update(bar(3, 60));
    lb.resync();
    for (let i = 0; i < 200 && s.rows.size < 3; i++) await new Promise((r) => setTimeout(r, 10));
    await lb.idle();
    expect([...s.rows.keys()].map((t) => t / M)).toEqual([0, 1, 2]);
    expect(errors[0]).toMatch(/429/);
    expect(errors.at(-1)).toBeNull();
    lb.close();
  });
});
