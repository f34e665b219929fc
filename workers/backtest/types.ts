/** Inputs and outputs of the backtest pool tasks (plain data + typed arrays; shared buffers cross for free). */
import type { OhlcvColumns } from '../../main/core/data/candles.ts';
import type { BacktestResult, DatasetCertificate, RunError, RunStatus } from '../../main/core/backtest/result.ts';
import type { Stats } from '../../main/core/backtest/metrics.ts';
import type { ParamSet } from '../../main/core/backtest/sweep.ts';
import type { AuditEvent } from '../../main/core/ports.ts';
import type { RecordSpec } from './record.ts';
import type { CertificateHandoff } from './late-certificates.ts';

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
  /** The certificates of datasets given without one, sent while the run simulates (late-certificates.ts). */
  readonly certificates?: CertificateHandoff;
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

/**
 * One thread's share of a sweep. Every task gets every parameter set and claims them one at a time from the
 * shared counter, so the threads stay busy until the last set whatever each set costs.
 */
export interface SweepChunkInput {
  readonly config: unknown;
  readonly doc: unknown;
  readonly sets: readonly ParamSet[];
  /** Shared (SharedArrayBuffer) claim counter: [0] is the index of the next unclaimed parameter set. */
  readonly next: Int32Array;
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
  /** The rows this task ran, and the index in `sets` of each. */
  readonly rows: SweepRow[];
  readonly index: number[];
}
