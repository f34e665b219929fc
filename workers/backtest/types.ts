/** Inputs and outputs of the backtest pool tasks (plain data + typed arrays; shared buffers cross for free). */
import type { OhlcvColumns } from '../../main/core/data/candles.ts';
import type { BacktestResult, DatasetCertificate, RunError, RunStatus } from '../../main/core/backtest/result.ts';
import type { Stats } from '../../main/core/backtest/metrics.ts';
import type { ParamSet } from '../../main/core/backtest/sweep.ts';

export interface DatasetInput {
  readonly symbol: string;
  readonly columns: OhlcvColumns;
  readonly source: string;
  readonly certificate?: DatasetCertificate;
}

export interface RulesRunInput {
  readonly config: unknown;
  /** Rules document (JSON text or value). */
  readonly doc: unknown;
  readonly params?: ParamSet;
  readonly datasets: readonly DatasetInput[];
}

export type RulesRunOutput = BacktestResult;

export interface SweepChunkInput {
  readonly config: unknown;
  readonly doc: unknown;
  readonly sets: readonly ParamSet[];
  readonly datasets: readonly DatasetInput[];
}

export interface SweepRow {
  readonly params: ParamSet;
  readonly status: RunStatus;
  readonly error?: RunError;
  readonly stats: Stats;
  readonly determinismHash: string;
}

export interface SweepChunkOutput {
  readonly rows: SweepRow[];
}
