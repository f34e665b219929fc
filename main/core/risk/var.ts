/**
 * Portfolio statistics for the correlation-bucket and VaR rules: a rolling window of per-symbol returns
 * whose sums slide in O(k²) per new row (no rescan of the window), Pearson correlation, and 1-day VaR
 * (parametric: z·√(wᵀΣw); historical: the loss not exceeded in `confidence` of the window's scenarios).
 * The gate reads a RiskSnapshot (the statistics with the weights they were taken at) and prices one order's
 * change in O(1) (parametric) or O(T) (historical) — the heavy part (the matrix) is built between orders, in
 * a worker with the SIMD `cov` kernel when a window is seeded from stored candles (seed.ts).
 */

/** One-sided normal quantiles for the supported confidences. */
export const Z: Readonly<Record<number, number>> = { 0.95: 1.6448536269514722, 0.99: 2.3263478740408408 };

export class RollingReturns {
  readonly k: number;
  readonly window: number;
  /** Ring of rows: row r at data[r·k .. r·k + k). */
  private readonly data: Float64Array;
  private readonly sum: Float64Array;
  /** Σ x_a·x_b over the window, full k×k (symmetric, both halves kept for a branch-free read). */
  private readonly cross: Float64Array;
  private head = 0;
  n = 0;

  constructor(k: number, window: number) {
    this.k = k;
    this.window = window;
    this.data = new Float64Array(k * window);
    this.sum = new Float64Array(k);
    this.cross = new Float64Array(k * k);
  }

  /** Adds a row of returns (one per symbol), dropping the oldest once the window is full. */
  push(row: ArrayLike<number>): void {
    const { k, data, sum, cross } = this;
    const at = this.head * k;
    if (this.n === this.window) {
      for (let a = 0; a < k; a++) {
        const xa = data[at + a]!;
        sum[a] = sum[a]! - xa;
        for (let b = 0; b < k; b++) cross[a * k + b] = cross[a * k + b]! - xa * data[at + b]!;
      }
    } else this.n++;
    for (let a = 0; a < k; a++) data[at + a] = row[a]!;
    for (let a = 0; a < k; a++) {
      const xa = data[at + a]!;
      sum[a] = sum[a]! + xa;
      for (let b = 0; b < k; b++) cross[a * k + b] = cross[a * k + b]! + xa * data[at + b]!;
    }
    this.head = (this.head + 1) % this.window;
  }

  /**
   * Replaces the window with `n` rows (row-major, oldest first, n ≤ window) and their sums: a window seeded
   * from stored history, whose Σx·xᵀ was computed elsewhere (a worker's SIMD covariance, seedWindow()).
   */
  load(rows: Float64Array, n: number, sum: Float64Array, cross: Float64Array): void {
    const { k } = this;
    if (n > this.window || rows.length !== n * k || sum.length !== k || cross.length !== k * k) throw new RangeError('RollingReturns.load: shapes do not match the window');
    this.data.fill(0);
    this.data.set(rows);
    this.sum.set(sum);
    this.cross.set(cross);
    this.n = n;
    this.head = n % this.window;
  }

  /** Sample covariance (k×k row-major) of the window. */
  covariance(out = new Float64Array(this.k * this.k)): Float64Array {
    const { k, n, sum, cross } = this;
    if (n < 2) return out.fill(0);
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) out[a * k + b] = (cross[a * k + b]! - (sum[a]! * sum[b]!) / n) / (n - 1);
    return out;
  }

  /** The window as one series per symbol, oldest first (for a from-scratch rebuild or historical VaR). */
  series(): Float64Array[] {
    const { k, n, data } = this;
    const first = this.n === this.window ? this.head : 0;
    const out = Array.from({ length: k }, () => new Float64Array(n));
    for (let t = 0; t < n; t++) {
      const r = ((first + t) % this.window) * k;
      for (let a = 0; a < k; a++) out[a]![t] = data[r + a]!;
    }
    return out;
  }
}

/** Pearson correlation from a covariance matrix; a zero-variance series correlates 0 (1 with itself). */
export function correlation(cov: Float64Array, k: number, out = new Float64Array(k * k)): Float64Array {
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      const d = Math.sqrt(cov[a * k + a]! * cov[b * k + b]!);
      out[a * k + b] = a === b ? 1 : d > 0 ? cov[a * k + b]! / d : 0;
    }
  }
  return out;
}

export interface RiskSnapshot {
  readonly symbols: readonly string[];
  readonly cov: Float64Array;
  readonly corr: Float64Array;
  /** Weights (signed position values, settlement currency) the figures below were taken at. */
  readonly weights: Float64Array;
  /** Σw and wᵀΣw: what makes one order's VaR change O(1). */
  readonly sigmaW: Float64Array;
  readonly variance: number;
  readonly method: 'historical' | 'parametric';
  readonly confidence: 0.95 | 0.99;
  /** Scenario P&L of the weights over the window (historical method). */
  readonly scenarios: Float64Array;
  /** The return series (historical method: an order's symbol column is added to the scenarios). */
  readonly returns: readonly Float64Array[];
  /** Multiplies every VaR figure to its 1-day horizon (√ intervals per day; 1 for daily returns). */
  readonly scale: number;
  readonly var: number;
}

/** Builds a snapshot from a covariance matrix (from RollingReturns or the SIMD kernel) and the window. */
export function snapshot(symbols: readonly string[], cov: Float64Array, returns: readonly Float64Array[], weights: Float64Array, method: 'historical' | 'parametric', confidence: 0.95 | 0.99, scale = 1): RiskSnapshot {
  const k = symbols.length;
  const sigmaW = new Float64Array(k);
  let variance = 0;
  for (let a = 0; a < k; a++) {
    let s = 0;
    for (let b = 0; b < k; b++) s += cov[a * k + b]! * weights[b]!;
    sigmaW[a] = s;
    variance += weights[a]! * s;
  }
  const t = returns[0]?.length ?? 0;
  const scenarios = new Float64Array(t);
  for (let a = 0; a < k; a++) {
    const w = weights[a]!, r = returns[a]!;
    if (w !== 0) for (let i = 0; i < t; i++) scenarios[i] = scenarios[i]! + w * r[i]!;
  }
  const v = scale * (method === 'parametric' ? Z[confidence]! * Math.sqrt(Math.max(0, variance)) : historicalLoss(scenarios, confidence));
  return { symbols, cov, corr: correlation(cov, k), weights, sigmaW, variance, method, confidence, scenarios, returns, scale, var: v };
}

/** The loss not exceeded in `confidence` of the scenarios (lower empirical quantile, no interpolation). */
export function historicalLoss(pnl: Float64Array, confidence: number, scratch?: Float64Array): number {
  const t = pnl.length;
  if (t === 0) return 0;
  const a = scratch && scratch.length >= t ? scratch.subarray(0, t) : new Float64Array(t);
  a.set(pnl);
  return -select(a, Math.floor((1 - confidence) * t));
}

/** VaR after adding `delta` (currency) to symbol index i's weight. */
export function varAfter(s: RiskSnapshot, i: number, delta: number, scratch?: Float64Array): number {
  if (s.method === 'parametric') {
    const k = s.symbols.length;
    const v = s.variance + 2 * delta * s.sigmaW[i]! + delta * delta * s.cov[i * k + i]!;
    return s.scale * Z[s.confidence]! * Math.sqrt(Math.max(0, v));
  }
  const t = s.scenarios.length;
  const a = scratch && scratch.length >= t ? scratch.subarray(0, t) : new Float64Array(t);
  const r = s.returns[i]!;
  for (let x = 0; x < t; x++) a[x] = s.scenarios[x]! + delta * r[x]!;
  return -s.scale * select(a, Math.floor((1 - s.confidence) * t));
}

/** k-th smallest (0-based) by quickselect, in place: O(n) on average. */
function select(a: Float64Array, k: number): number {
  let lo = 0, hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const x = a[i]!;
        a[i] = a[j]!;
        a[j] = x;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}
