/**
 * Appends through upsertMany go to the dataset's tail and are folded into chunks every TAIL_FOLD candles;
 * whatever the mix of appends, overlapping appends and ordinary upserts, every read (range, lastTs,
 * datasets) sees exactly the candles written, last write winning, none twice.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../main/core/errors.ts';
import { openMarket, TAIL_FOLD, type CandleKey } from '../../../main/storage/index.ts';
import { tempDir } from './helpers.ts';

const KEY: CandleKey = { source: 'kestrel-sim', symbol: 'BTC/USDT', timeframe: '1m' };
const M = 60_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % M);

const bars = (ts: number[], px: number) => ({ ts, open: ts.map(() => px), high: ts.map(() => px + 1), low: ts.map(() => px - 1), close: ts.map((t) => px + (t / M) * 1e-6), volume: ts.map(() => px * 2) });

type Op = { k: 'append'; n: number; px: number } | { k: 'overlap'; back: number; n: number; px: number } | { k: 'upsert'; at: number[]; px: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ k: fc.constant('append' as const), n: fc.integer({ min: 1, max: 400 }), px: fc.integer({ min: 1, max: 1000 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('overlap' as const), back: fc.integer({ min: 0, max: 50 }), n: fc.integer({ min: 1, max: 60 }), px: fc.integer({ min: 1, max: 1000 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('upsert' as const), at: fc.array(fc.integer({ min: 0, max: 6000 }), { minLength: 1, maxLength: 40 }), px: fc.integer({ min: 1, max: 1000 }) }) },
);

describe('candle tail', () => {
  it('appends, overlapping appends and upserts read back as a plain model says (property)', () => {
    const m = openMarket(`${tempDir()}/market.db`);
    let run = 0;
    let folded = 0;
    let tailed = 0;
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 7000 }), fc.integer({ min: 0, max: 7000 }), (ops, a, b) => {
        const key = { ...KEY, symbol: `S${run++}/USDT` };
        const model = new Map<number, number>();
        let next = 0; // minutes after T0
        const write = (ts: number[], px: number, many: boolean) => {
          const c = bars(ts, px);
          if (many) expect(m.candles.upsertMany([{ key, columns: c }])).toEqual([null]);
          else m.candles.upsert(key, c);
          ts.forEach((t, i) => model.set(t, c.close[i]!));
          next = Math.max(next, ...ts.map((t) => (t - T0) / M + 1));
        };
        for (const o of ops) {
          if (o.k === 'append') write(Array.from({ length: o.n }, (_, i) => T0 + (next + i) * M), o.px, true);
          else if (o.k === 'overlap') write(Array.from({ length: o.n }, (_, i) => T0 + (Math.max(0, next - o.back) + i) * M), o.px, true);
          else write(o.at.map((x) => T0 + x * M), o.px, false);
        }
        const want = [...model.entries()].sort((x, y) => x[0] - y[0]);
        const all = m.candles.range(key);
        expect(Array.from(all.ts)).toEqual(want.map(([t]) => t));
        expect(Array.from(all.close)).toEqual(want.map(([, c]) => c));
        const [from, to] = [T0 + Math.min(a, b) * M, T0 + Math.max(a, b) * M];
        const part = m.candles.range(key, from, to);
        expect(Array.from(part.ts)).toEqual(want.filter(([t]) => t >= from && t < to).map(([t]) => t));
        expect(m.candles.lastTs(key)).toBe(want[want.length - 1]![0]);
        expect(m.candles.dataset(key)).toEqual({ ...key, firstTs: want[0]![0], lastTs: want[want.length - 1]![0], count: want.length });
        const tail = (m.db.prepare('SELECT COUNT(*) AS n FROM candle_tail t JOIN candle_sets s ON s.id = t.set_id WHERE s.symbol = ?').get(key.symbol) as { n: number }).n;
        expect(tail).toBeLessThan(TAIL_FOLD);
        if (tail < want.length) folded++;
        if (tail > 0) tailed++;
      }),
      { numRuns: 60 },
    );
    // The runs did fold tails into chunks (and kept some in the tail).
    expect(folded).toBeGreaterThan(10);
    expect(tailed).toBeGreaterThan(10);
    m.db.close();
  });

  it('appends of several datasets commit together; a bad item fails alone; remove drops the tail too', () => {
    const m = openMarket(`${tempDir()}/market.db`);
    const other = { ...KEY, symbol: 'ETH/USDT' };
    m.candles.upsert(KEY, bars([T0, T0 + M], 10));
    const res = m.candles.upsertMany([
      { key: KEY, columns: bars([T0 + 2 * M], 11) },
      { key: { ...KEY, timeframe: 'soon' }, columns: bars([T0], 1) },
      { key: other, columns: bars([T0 + 5 * M, T0 + 6 * M], 12) },
      { key: other, columns: bars([T0 + 4 * M], 13) },
    ]);
    expect(res[0]).toBeNull();
    expect(res[1]).toBeInstanceOf(ValidationError);
    expect(res[2]).toBeNull();
    expect(res[3]).toBeNull();
    expect(Array.from(m.candles.range(KEY).ts)).toEqual([T0, T0 + M, T0 + 2 * M]);
    // The later item for ETH went before its tail: it folded, then merged; nothing lost or doubled.
    expect(Array.from(m.candles.range(other).ts)).toEqual([T0 + 4 * M, T0 + 5 * M, T0 + 6 * M]);
    expect(m.candles.remove(KEY)).toBe(true);
    expect(m.candles.range(KEY).length).toBe(0);
    expect((m.db.prepare('SELECT COUNT(*) AS n FROM candle_tail').get() as { n: number }).n).toBe(0);
    expect(m.candles.datasets().map((d) => d.symbol)).toEqual(['ETH/USDT']);
    m.db.close();
  });
});
