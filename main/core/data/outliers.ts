/**
 * Outliers by robust z-score of log returns (close to close): z = 0.6745·(r − median)/MAD. Median and MAD
 * ignore the fat tails that wreck a mean/stdev test, so one bad print does not hide another.
 */
import { medianInPlace } from './select.ts';

export interface OutlierOptions {
  /** |z| above this flags the row. 3.5 is the usual Iglewicz–Hoaglin cut; crypto minute data needs more. */
  readonly threshold?: number;
}

export interface Outlier {
  readonly row: number;
  readonly ts: number;
  readonly z: number;
}

export function findOutliers(ts: Float64Array, close: Float64Array, opts: OutlierOptions = {}, limit = 1000): { outliers: Outlier[]; count: number; median: number; mad: number } {
  const threshold = opts.threshold ?? 10;
  const n = close.length;
  if (n < 3) return { outliers: [], count: 0, median: 0, mad: 0 };
  const r = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) r[i - 1] = Math.log(close[i]! / close[i - 1]!);
  const work = r.slice();
  const med = medianInPlace(work);
  for (let i = 0; i < r.length; i++) work[i] = Math.abs(r[i]! - med);
  const mad = medianInPlace(work);
  const outliers: Outlier[] = [];
  let count = 0;
  // A flat series has MAD 0: then any move at all is an outlier, which is right for a stuck feed's first tick.
  const scale = mad > 0 ? 0.6745 / mad : Number.POSITIVE_INFINITY;
  for (let i = 0; i < r.length; i++) {
    const d = r[i]! - med;
    if (d === 0) continue;
    const z = d * scale;
    if (Math.abs(z) > threshold) {
      count++;
      if (outliers.length < limit) outliers.push({ row: i + 1, ts: ts[i + 1]!, z });
    }
  }
  return { outliers, count, median: med, mad };
}
