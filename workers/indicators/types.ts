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
}

/** Per spec and output: a summary that identifies the whole series (sum and count of ready values, last value). */
export interface SweepSummary {
  readonly key: string;
  readonly outputs: Record<string, { readonly last: number; readonly sum: number; readonly count: number }>;
}

export interface SweepOutput {
  readonly results: SweepSummary[];
}
