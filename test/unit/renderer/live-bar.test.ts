/** The live bar of a timeframe above 1m: closed minutes (the base) plus the forming minute, as the host would aggregate them. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateColumns } from '../../../main/core/data/aggregate.ts';
import { mergeMinute } from '../../../renderer/features/chart/live-bar.ts';
import { TIMEFRAME_MS } from '../../../renderer/state/chart.ts';

const T0 = Date.UTC(2026, 0, 1);

describe('live higher-timeframe bar', () => {
  it('equals the host aggregation of the closed minutes plus the forming one', () => {
    fc.assert(
      fc.property(fc.constantFrom('5m' as const, '15m' as const, '1h' as const), fc.array(fc.record({ o: fc.integer({ min: 100, max: 200 }), h: fc.integer({ min: 0, max: 9 }), l: fc.integer({ min: 0, max: 9 }), c: fc.integer({ min: 100, max: 200 }), v: fc.integer({ min: 0, max: 50 }) }), { minLength: 1, maxLength: 90 }), fc.integer({ min: 0, max: 59 }), (tf, rows, skew) => {
        const tfMs = TIMEFRAME_MS[tf]!;
        const mins = rows.map((r, i) => ({ ts: T0 + (skew + i) * 60_000, open: r.o, high: Math.max(r.o, r.c) + r.h, low: Math.min(r.o, r.c) - r.l, close: r.c, volume: r.v }));
        const col = (k: 'ts' | 'open' | 'high' | 'low' | 'close' | 'volume') => Float64Array.from(mins.map((m) => m[k]));
        const all = aggregateColumns({ ts: col('ts'), open: col('open'), high: col('high'), low: col('low'), close: col('close'), volume: col('volume') }, tfMs);
        const closed = mins.slice(0, -1);
        const ccol = (k: 'ts' | 'open' | 'high' | 'low' | 'close' | 'volume') => Float64Array.from(closed.map((m) => m[k]));
        const agg = closed.length ? aggregateColumns({ ts: ccol('ts'), open: ccol('open'), high: ccol('high'), low: ccol('low'), close: ccol('close'), volume: ccol('volume') }, tfMs) : undefined;
        const n = agg ? agg.ts.length - 1 : -1;
        const base = agg && n >= 0 ? { ts: agg.ts[n]!, open: agg.open[n]!, high: agg.high[n]!, low: agg.low[n]!, close: agg.close[n]!, volume: agg.volume[n]! } : undefined;
        const live = mergeMinute(base, mins.at(-1)!, tfMs);
        const k = all.ts.length - 1;
        expect(live).toEqual({ ts: all.ts[k], open: all.open[k], high: all.high[k], low: all.low[k], close: all.close[k], volume: all.volume[k] });
      }),
      { numRuns: 300 },
    );
  });
});
