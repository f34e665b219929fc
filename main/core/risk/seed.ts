/**
 * Seeding the correlation and VaR window from stored history. Sampled live, a window of hourly returns needs
 * MIN_ROWS hours before those rules say anything, so a session that has just started would trade a day
 * without them; the stored candles already hold the returns. The host samples them the way PortfolioStats
 * samples prints (the last price of each interval), a pool thread builds the window with the SIMD covariance
 * kernel, and the gate's stats take it over (PortfolioStats.seed) and slide it incrementally from then on.
 */

/** A window ready for RollingReturns.load: `n` rows of `k` returns, oldest first, with Σx and Σx·xᵀ. */
export interface WindowSeed {
  readonly n: number;
  readonly rows: Float64Array;
  readonly sum: Float64Array;
  readonly cross: Float64Array;
}

/** What the host hands the stats: the window and the symbols' last sampled prices, in the window's column order. */
export interface StatsSeed extends WindowSeed {
  readonly symbols: readonly string[];
  readonly last: Float64Array;
}

/** Per-symbol simple returns between consecutive interval closes (closeRow's l / p − 1). */
export function intervalReturns(closes: readonly Float64Array[]): Float64Array[] {
  return closes.map((c) => {
    const r = new Float64Array(Math.max(0, c.length - 1));
    for (let t = 1; t < c.length; t++) r[t - 1] = c[t]! / c[t - 1]! - 1;
    return r;
  });
}

/** Rows (row-major, oldest first) and Σx of the window of return series `series` (one per symbol, equal lengths). */
export function windowRows(series: readonly Float64Array[]): { n: number; rows: Float64Array; sum: Float64Array } {
  const k = series.length;
  const n = series[0]?.length ?? 0;
  const rows = new Float64Array(n * k);
  const sum = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    const s = series[a]!;
    let acc = 0;
    for (let t = 0; t < n; t++) {
      rows[t * k + a] = s[t]!;
      acc += s[t]!;
    }
    sum[a] = acc;
  }
  return { n, rows, sum };
}

/** The window given the series' sample covariance `cov` (k×k): Σx·xᵀ = (n − 1)·cov + Σx·Σxᵀ / n, what RollingReturns.covariance() inverts. */
export function windowSeed(series: readonly Float64Array[], cov: Float64Array): WindowSeed {
  const { n, rows, sum } = windowRows(series);
  const k = series.length;
  const cross = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) cross[a * k + b] = (n - 1) * cov[a * k + b]! + (sum[a]! * sum[b]!) / n;
  return { n, rows, sum, cross };
}

/**
 * The seed again from what the audit log keeps of it (the interval closes and Σx·xᵀ): a re-run of the session
 * hands its gate the identical window.
 */
export function seedFromRecord(symbols: readonly string[], closes: readonly Float64Array[], cross: Float64Array): StatsSeed {
  return { ...windowRows(intervalReturns(closes)), cross, symbols, last: Float64Array.from(closes, (c) => c[c.length - 1]!) };
}

/**
 * The last close of each interval bucket `from..to` (inclusive bucket numbers, bucket = ⌊ts / intervalMs⌋) from
 * one symbol's 1m candles (open times `ts`, ascending). A bucket without a candle keeps the previous close;
 * buckets before the first candle are NaN.
 */
export function bucketCloses(ts: ArrayLike<number>, close: ArrayLike<number>, from: number, to: number, intervalMs: number): Float64Array {
  const out = new Float64Array(Math.max(0, to - from + 1)).fill(Number.NaN);
  let j = 0;
  let lastPrice = Number.NaN;
  for (let b = from; b <= to; b++) {
    // A 1m candle opening at t is the bucket's last print when it closes by the bucket's end.
    const end = (b + 1) * intervalMs;
    while (j < ts.length && ts[j]! + 60_000 <= end) {
      const c = close[j]!;
      if (c > 0 && Number.isFinite(c)) lastPrice = c;
      j++;
    }
    out[b - from] = lastPrice;
  }
  return out;
}

/** Drops the leading buckets where any symbol has no price yet; undefined when fewer than `minCloses` remain. */
export function commonCloses(closes: readonly Float64Array[], minCloses: number): Float64Array[] | undefined {
  const len = closes[0]?.length ?? 0;
  let start = 0;
  for (const c of closes) {
    let i = 0;
    while (i < len && !(c[i]! > 0)) i++;
    start = Math.max(start, i);
  }
  if (len - start < minCloses) return undefined;
  return closes.map((c) => c.slice(start));
}
