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
  /** What is out of line: the close-to-close move, or a wick reaching far past the bar's body (a bad print). */
  readonly kind: 'close' | 'wick';
}

/** Open, high and low beside the closes: wicks are checked too (a print 80 % away leaves the close alone). */
export interface OutlierBars {
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
}

export function findOutliers(ts: Float64Array, close: Float64Array, opts: OutlierOptions = {}, limit = 1000, bars?: OutlierBars): { outliers: Outlier[]; count: number; median: number; mad: number } {
  const threshold = opts.threshold ?? 10;
  const n = close.length;
  if (n < 3) return { outliers: [], count: 0, median: 0, mad: 0 };
  const r = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) r[i - 1] = Math.log(close[i]! / close[i - 1]!);
  const work = r.slice();
  const med = medianInPlace(work);
  for (let i = 0; i < r.length; i++) work[i] = Math.abs(r[i]! - med);
  const mad = medianInPlace(work);
  // A flat series has MAD 0: then any move at all is an outlier, which is right for a stuck feed's first tick.
  const scale = mad > 0 ? 0.6745 / mad : Number.POSITIVE_INFINITY;
  const wick = bars ? wickScores(bars, close, scale) : null;
  const outliers: Outlier[] = [];
  let count = 0;
  for (let row = 0; row < n; row++) {
    const d = row > 0 ? r[row - 1]! - med : 0;
    const zc = d === 0 ? 0 : d * scale;
    const zw = wick ? wick[row]! : 0;
    const useWick = zw > Math.abs(zc);
    const z = useWick ? zw : zc;
    if (Math.abs(z) > threshold) {
      count++;
      if (outliers.length < limit) outliers.push({ row, ts: ts[row]!, z, kind: useWick ? 'wick' : 'close' });
    }
  }
  return { outliers, count, median: med, mad };
}

/**
 * Each bar's longest wick past its body, as a log move, in robust z against the wicks' own median and MAD (or,
 * when most bars have none, the close moves' scale): a wick is judged against what wicks usually are.
 */
function wickScores(b: OutlierBars, close: Float64Array, closeScale: number): Float64Array {
  const n = close.length;
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const top = Math.max(b.open[i]!, close[i]!);
    const bottom = Math.min(b.open[i]!, close[i]!);
    const up = b.high[i]! > top ? Math.log(b.high[i]! / top) : 0;
    const down = b.low[i]! < bottom && b.low[i]! > 0 ? Math.log(bottom / b.low[i]!) : 0;
    e[i] = up > down ? up : down;
  }
  const work = e.slice();
  const med = medianInPlace(work);
  for (let i = 0; i < n; i++) work[i] = Math.abs(e[i]! - med);
  const mad = medianInPlace(work);
  const scale = mad > 0 ? 0.6745 / mad : closeScale;
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = e[i]! - med;
    z[i] = d > 0 && Number.isFinite(scale) ? d * scale : d > 0 ? Number.POSITIVE_INFINITY : 0;
  }
  return z;
}
