/** Inputs and outputs of the indicator tasks (see workers/tasks.ts). */
import type { CandleColumns } from '../../main/core/indicators/index.ts';

export interface ComputeInput {
  /** Prefer SharedArrayBuffer-backed arrays (sharedFloat64) when the same candles go to several tasks. */
  readonly candles: CandleColumns;
  /** Registry specs, e.g. ['rsi:14', 'bb:20:2']. */
  readonly specs: readonly string[];
}

export interface ComputedSeries {
  readonly key: string;
  readonly warmup: number;
  readonly outputs: Record<string, Float64Array>;
}

export interface ComputeOutput {
  readonly results: ComputedSeries[];
}

export interface SweepInput {
  readonly candles: CandleColumns;
  readonly specs: readonly string[];
  /**
   * The sender ran checkColumns on these columns (sweepIndicators does, once for all tasks), so the worker
   * skips the per-combination finiteness scan.
   */
  readonly checked?: boolean;
}

/**
 * Per spec and output: a summary that identifies the whole series: count and sum of the ready (non-NaN)
 * values, and the last value. `sum` adds the values at j ≡ 0, 1, 2, 3 (mod 4) in four running sums,
 * combined as (s0 + s1) + (s2 + s3): one running sum made the summary cost more than the indicator itself.
 */
export interface SweepSummary {
  readonly key: string;
  readonly outputs: Record<string, { readonly last: number; readonly sum: number; readonly count: number }>;
}

export interface SweepOutput {
  readonly results: SweepSummary[];
}
