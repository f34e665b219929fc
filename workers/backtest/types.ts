/** Inputs and outputs of the backtest pool tasks (plain data + typed arrays; shared buffers cross for free). */
import type { OhlcvColumns } from '../../main/core/data/candles.ts';
import type { BacktestResult, DatasetCertificate, RunError, RunStatus } from '../../main/core/backtest/result.ts';
import type { Stats } from '../../main/core/backtest/metrics.ts';
import type { ParamSet } from '../../main/core/backtest/sweep.ts';
import type { AuditEvent } from '../../main/core/ports.ts';
import type { RecordSpec } from './record.ts';

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

/** A rules backtest recorded as an audit session (see record.ts). */
export interface RecordRunInput extends RulesRunInput {
  readonly record: RecordSpec;
}

export interface RecordRunOutput {
  readonly result: BacktestResult;
  readonly events: AuditEvent[];
}

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
