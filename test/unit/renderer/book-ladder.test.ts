/** The depth ladder's grouping, cumulative depth and spread, against a brute-force model in integer ticks. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLadder, decimalsOf, flashOf, type Level } from '../../../renderer/features/book/ladder.ts';

describe('book ladder', () => {
  it('groups bids down and asks up to multiples of tick × group, summing sizes and depth', () => {
    const bids: Level[] = [[100.07, 1], [100.05, 2], [100.01, 3], [99.99, 4]];
    const asks: Level[] = [[100.11, 1], [100.12, 0.5], [100.2, 2], [100.26, 1]];
    const l = buildLadder(bids, asks, 0.01, 5, 10);
    expect(l.bids).toEqual([
      { price: 100.05, size: 3, cum: 3 },
      { price: 100, size: 3, cum: 6 },
      { price: 99.95, size: 4, cum: 10 },
    ]);
    expect(l.asks).toEqual([
      { price: 100.15, size: 1.5, cum: 1.5 },
      { price: 100.2, size: 2, cum: 3.5 },
      { price: 100.3, size: 1, cum: 4.5 },
    ]);
    expect(l.bestBid).toBe(100.07);
    expect(l.bestAsk).toBe(100.11);
    expect(l.spread).toBe(0.04);
    expect(l.spreadBps).toBeCloseTo((0.04 / 100.09) * 10_000, 9);
    expect(l.maxCum).toBe(10);
  });

  it('stops at the requested depth and skips empty or broken levels', () => {
    const bids: Level[] = [[10, 0], [9, 1], [Number.NaN, 5], [8, 1], [7, 1]];
    const l = buildLadder(bids, [], 1, 1, 2);
    expect(l.bids.map((r) => r.price)).toEqual([9, 8]);
    expect(l.bestBid).toBe(9);
    expect(l.bestAsk).toBeNull();
    expect(l.spread).toBeNull();
  });

  it('reports no spread for a crossed book and survives a zero tick', () => {
    expect(buildLadder([[101, 1]], [[100, 1]], 1, 1, 5).spread).toBeNull();
    expect(buildLadder([[1.5, 1]], [[1.6, 1]], 0, 1, 5).bids[0]!.price).toBe(1.5);
  });

  it('matches a model in integer ticks for any book and group', () => {
    const side = fc.uniqueArray(fc.record({ t: fc.integer({ min: 1, max: 5000 }), s: fc.integer({ min: 1, max: 1000 }) }), { selector: (x) => x.t, maxLength: 60 });
    fc.assert(
      fc.property(side, side, fc.constantFrom(0.01, 0.1, 0.5, 1, 0.0001), fc.constantFrom(1, 2, 5, 10, 100), fc.integer({ min: 1, max: 30 }), (b, a, tick, group, depth) => {
        const bids: Level[] = [...b].sort((x, y) => y.t - x.t).map((x) => [Number((x.t * tick).toFixed(6)), x.s / 100]);
        const asks: Level[] = [...a].sort((x, y) => x.t - y.t).map((x) => [Number((x.t * tick).toFixed(6)), x.s / 100]);
        const l = buildLadder(bids, asks, tick, group, depth);
        for (const [rows, src, bid] of [[l.bids, b, true], [l.asks, a, false]] as const) {
          const buckets = new Map<number, number>();
          for (const x of src) {
            const k = (bid ? Math.floor(x.t / group) : Math.ceil(x.t / group)) * group;
            buckets.set(k, (buckets.get(k) ?? 0) + x.s);
          }
          const keys = [...buckets.keys()].sort((p, q) => (bid ? q - p : p - q)).slice(0, depth);
          expect(rows.map((r) => Math.round(r.price / tick))).toEqual(keys);
          let cum = 0;
          rows.forEach((r, i) => {
            expect(Math.round(r.size * 100)).toBe(buckets.get(keys[i]!));
            cum += buckets.get(keys[i]!)!;
            expect(Math.round(r.cum * 100)).toBe(cum);
          });
        }
      }),
    );
  });

  it('names the decimals of a step and the direction a best price moved', () => {
    expect([0.01, 0.5, 1e-8, 5, 0.25].map(decimalsOf)).toEqual([2, 1, 8, 0, 2]);
    expect(flashOf(null, 1)).toBeNull();
    expect(flashOf(1, 1)).toBeNull();
    expect(flashOf(1, 2)).toBe('up');
    expect(flashOf(2, 1)).toBe('down');
  });
});
