/**
 * Run-time selection between the wasm SIMD kernels and their JS references. A kernel is used from wasm only
 * when (1) kernels were installed with useNativeKernels() and (2) it is listed in SHIPPED, i.e. it beat the
 * fused JS path by at least 1.4x side by side in `npm run bench -- indicators` (figures in native/README.md).
 * Both paths return identical values, so the choice never changes a result.
 */
import type { NativeKernels } from './loader.ts';
import { covMatrixJs, emaManyJs, portfolioPnlJs, smaManyJs } from './reference.ts';

/** Kernels that earned their place in the bench (>= 1.4x the fused JS path). */
export const SHIPPED = { ema8: true, sma8: true, covMatrix: true, portfolioPnl: false } as const satisfies Record<'ema8' | 'sma8' | 'covMatrix' | 'portfolioPnl', boolean>;

let active: NativeKernels | null = null;

/** Installs (or with null removes) the wasm kernels for this thread. */
export function useNativeKernels(k: NativeKernels | null): void {
  active = k;
}

export function nativeActive(): boolean {
  return active !== null;
}

/** Groups periods by 8 for the SIMD kernel; a short last group is padded with its last period and trimmed. */
function byEight(src: Float64Array, periods: readonly number[], fn: (s: Float64Array, p: readonly number[]) => Float64Array[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (let g = 0; g < periods.length; g += 8) {
    const group = periods.slice(g, g + 8);
    const padded = [...group, ...Array<number>(8 - group.length).fill(group[group.length - 1]!)];
    out.push(...fn(src, padded).slice(0, group.length));
  }
  return out;
}

function checkPeriods(periods: readonly number[]): void {
  for (const p of periods) if (!Number.isInteger(p) || p < 1) throw new RangeError(`period must be an integer >= 1, got ${p}`);
}

/** EMAs (SMA-seeded, same values as core's ema()) for many periods in one pass over src. */
export function multiEma(src: Float64Array, periods: readonly number[]): Float64Array[] {
  checkPeriods(periods);
  return active && SHIPPED.ema8 && periods.length >= 4 ? byEight(src, periods, (s, p) => active!.ema8(s, p)) : emaManyJs(src, periods);
}

/**
 * Sweep path: calls visit(k, series) for each period's EMA without keeping the series (wasm: views of the
 * kernel memory, no output copy; JS: one reused set of buffers). Do not retain `series` after visit returns.
 */
export function visitMultiEma(src: Float64Array, periods: readonly number[], visit: (k: number, series: Float64Array) => void): void {
  checkPeriods(periods);
  const wasm = active && SHIPPED.ema8 ? active : null;
  // Stage the input in kernel memory once for all groups of 8 periods.
  const input = wasm ? wasm.input(src.length) : src;
  if (wasm) input.set(src);
  for (let g = 0; g < periods.length; g += 8) {
    const group = periods.slice(g, g + 8);
    const padded = [...group, ...Array<number>(8 - group.length).fill(group[group.length - 1]!)];
    const series = wasm ? wasm.ema8Scratch(input, padded) : emaManyJs(src, padded, scratchJs(src.length));
    for (let k = 0; k < group.length; k++) visit(g + k, series[k]!);
  }
}

let jsScratch: Float64Array[] = [];
function scratchJs(n: number): Float64Array[] {
  if (jsScratch[0]?.length !== n) jsScratch = Array.from({ length: 8 }, () => new Float64Array(n));
  return jsScratch;
}

/** SMAs (same values as core's sma()) for many periods in one pass over src. */
export function multiSma(src: Float64Array, periods: readonly number[]): Float64Array[] {
  checkPeriods(periods);
  return active && SHIPPED.sma8 && periods.length >= 4 ? byEight(src, periods, (s, p) => active!.sma8(s, p)) : smaManyJs(src, periods);
}

export function covarianceMatrix(series: readonly Float64Array[]): Float64Array {
  const t = series[0]?.length ?? 0;
  if (series.some((s) => s.length !== t)) throw new RangeError('covarianceMatrix: series lengths differ');
  if (t < 2) throw new RangeError('covarianceMatrix: need at least 2 observations');
  return active && SHIPPED.covMatrix ? active.covMatrix(series) : covMatrixJs(series);
}

/** Correlation matrix from the covariance matrix (k×k row-major); zero-variance series correlate 0. */
export function correlationMatrix(series: readonly Float64Array[]): Float64Array {
  const k = series.length;
  const c = covarianceMatrix(series);
  const out = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      const d = Math.sqrt(c[a * k + a]! * c[b * k + b]!);
      out[a * k + b] = a === b ? 1 : d > 0 ? c[a * k + b]! / d : 0;
    }
  }
  return out;
}

/**
 * Historical VaR of a weighted portfolio: the loss not exceeded in `confidence` of the scenarios, as a
 * positive number (lower empirical quantile of scenario P&L, no interpolation).
 */
export function historicalVar(returns: readonly Float64Array[], weights: ArrayLike<number>, confidence = 0.99): number {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError('confidence must be in (0, 1)');
  if (weights.length !== returns.length) throw new RangeError('one weight per asset');
  const t = returns[0]?.length ?? 0;
  if (t === 0 || returns.some((r) => r.length !== t)) throw new RangeError('historicalVar: need equally long, non-empty return series');
  const pnl = active && SHIPPED.portfolioPnl ? active.portfolioPnl(returns, weights) : portfolioPnlJs(returns, weights);
  const sorted = Float64Array.from(pnl).sort();
  return -sorted[Math.floor((1 - confidence) * t)]!;
}
