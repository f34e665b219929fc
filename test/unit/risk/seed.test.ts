/**
 * The correlation/VaR window seeded from stored candles (risk/seed.ts): sampled like live prints, built with
 * the (SIMD) covariance, and equal to the window the stats would have slid to from the same prices.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketCloses, commonCloses, intervalReturns, windowSeed } from '../../../main/core/risk/seed.ts';
import { MIN_ROWS, PortfolioStats } from '../../../main/core/risk/stats.ts';
import { RollingReturns } from '../../../main/core/risk/var.ts';
import { covarianceMatrix } from '../../../native/kernels.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('bucketCloses', () => {
  it('takes the last close of each interval that a 1m candle has closed by, carries gaps forward, NaN before the first', () => {
    // Hour buckets 10..13. Candles open at 10:00, 10:59 (closes 11:00: still bucket 10), 11:00, then none in 12, one at 13:30.
    const ts = [10 * HOUR, 10 * HOUR + 59 * MIN, 11 * HOUR, 13 * HOUR + 30 * MIN];
    const close = [1, 2, 3, 4];
    expect(Array.from(bucketCloses(ts, close, 9, 13, HOUR))).toEqual([NaN, 2, 3, 3, 4]);
  });

  it('skips non-positive and non-finite closes', () => {
    expect(Array.from(bucketCloses([0, MIN, 2 * MIN], [5, 0, Number.NaN], 0, 0, HOUR))).toEqual([5]);
  });
});

describe('commonCloses', () => {
  it('starts where every symbol has a price and refuses a window that is too short', () => {
    const a = Float64Array.from([NaN, 1, 2, 3, 4]);
    const b = Float64Array.from([NaN, NaN, 5, 6, 7]);
    expect(commonCloses([a, b], 3)!.map((x) => Array.from(x))).toEqual([[2, 3, 4], [5, 6, 7]]);
    expect(commonCloses([a, b], 4)).toBeUndefined();
  });
});

describe('windowSeed', () => {
  it('equals the window RollingReturns slides to from the same rows (any prices)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 3, max: 40 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (k, t, seed) => {
        let s = seed;
        const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
        const closes = Array.from({ length: k }, () => {
          const c = new Float64Array(t + 1);
          c[0] = 50 + 100 * rnd();
          for (let i = 1; i <= t; i++) c[i] = c[i - 1]! * (1 + (rnd() - 0.5) * 0.1);
          return c;
        });
        const series = intervalReturns(closes);
        const w = windowSeed(series, covarianceMatrix(series));
        const slid = new RollingReturns(k, t);
        for (let i = 0; i < t; i++) slid.push(Array.from({ length: k }, (_, a) => series[a]![i]!));
        const loaded = new RollingReturns(k, t);
        loaded.load(w.rows, w.n, w.sum, w.cross);
        const x = slid.covariance(), y = loaded.covariance();
        for (let i = 0; i < k * k; i++) expect(y[i]).toBeCloseTo(x[i]!, 12);
        expect(loaded.series().map((q) => Array.from(q))).toEqual(slid.series().map((q) => Array.from(q)));
      }),
      { numRuns: 60 },
    );
  });

  it('refuses shapes that do not match the window', () => {
    const r = new RollingReturns(2, 5);
    expect(() => r.load(new Float64Array(12), 6, new Float64Array(2), new Float64Array(4))).toThrow(RangeError);
    expect(() => r.load(new Float64Array(6), 3, new Float64Array(3), new Float64Array(4))).toThrow(RangeError);
  });
});

describe('PortfolioStats.seed', () => {
  const cfg = { intervalMs: MIN, window: 40, method: 'parametric', confidence: 0.99 } as const;
  const seedOf = (symbols: string[], n: number) => {
    const closes = symbols.map((_, a) => Float64Array.from({ length: n + 1 }, (_, i) => 100 + a + Math.sin(i + a) * 2));
    const series = intervalReturns(closes);
    return { ...windowSeed(series, covarianceMatrix(series)), symbols, last: Float64Array.from(closes, (c) => c[c.length - 1]!) };
  };

  it('makes the rules ready at once, and the next live return starts from the seed’s last price', () => {
    const st = new PortfolioStats(cfg);
    expect(st.ready).toBe(false);
    const s = seedOf(['BTC/USDT', 'ETH/USDT'], MIN_ROWS + 5);
    expect(st.seed(s)).toBe(true);
    expect(st.ready).toBe(true);
    expect(st.rows).toBe(MIN_ROWS + 5);
    const snap = st.snapshotFor(['BTC/USDT', 'ETH/USDT'], Float64Array.from([1000, 0]), 10_000)!;
    expect(snap.symbols).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(snap.var).toBeGreaterThan(0);
    // Two live intervals: the first closes a row whose return is measured from the seeded last price.
    const btc = s.last[0]! * 1.01;
    st.observe('BTC/USDT', 10 * MIN, btc);
    st.observe('ETH/USDT', 10 * MIN, s.last[1]!);
    expect(st.observe('BTC/USDT', 11 * MIN, btc)).toBe(true);
    expect(st.rows).toBe(MIN_ROWS + 6);
  });

  it('keeps a longer live window, and refuses a seed missing a symbol it already samples', () => {
    const st = new PortfolioStats(cfg);
    expect(st.seed(seedOf(['BTC/USDT'], 30))).toBe(true);
    expect(st.seed(seedOf(['BTC/USDT'], 25))).toBe(false);
    expect(st.rows).toBe(30);
    const other = new PortfolioStats(cfg);
    other.observe('SOL/USDT', 0, 10);
    expect(other.seed(seedOf(['BTC/USDT', 'ETH/USDT'], 30))).toBe(false);
    expect(other.seed(seedOf(['BTC/USDT', 'SOL/USDT'], 30))).toBe(true);
  });

  it('a seed longer than the window keeps its most recent rows', () => {
    const st = new PortfolioStats(cfg);
    expect(st.seed(seedOf(['BTC/USDT', 'ETH/USDT'], 60))).toBe(true);
    expect(st.rows).toBe(40);
  });
});
