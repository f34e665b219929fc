/**
 * The typed request protocol of the SQL worker: long reads (big candle ranges, audit verification,
 * ledger scans) run on a read-only connection in a worker thread so the main thread's event loop stays
 * responsive. One entry per method: request params → result.
 */
import type { ChainHead, ChainedEntry } from '../../main/core/audit/chain.ts';
import type { VerifyResult } from '../../main/core/audit/verify.ts';
import type { ErrorCode } from '../../main/core/errors.ts';
import type { StoredCandles, CandleKey, DatasetInfo, PositionCheck, StoredFill } from '../../main/storage/index.ts';

export interface SqlMethods {
  /** Candles with from <= ts < to; the six Float64Array buffers are transferred, not copied. */
  'candles.range': { params: { key: CandleKey; from?: number; to?: number }; result: StoredCandles };
  'candles.datasets': { params: Record<string, never>; result: DatasetInfo[] };
  /** Walks the whole audit chain (or from a trusted head) and names the first broken link. */
  'audit.verify': { params: { from?: ChainHead }; result: VerifyResult };
  'audit.read': { params: { fromSeq?: number; limit?: number; kind?: string }; result: ChainedEntry[] };
  'ledger.fills': { params: { afterSeq?: number; limit?: number }; result: StoredFill[] };
  /** Rebuilds positions from all fills and compares with the stored snapshot. */
  'ledger.checkPositions': { params: Record<string, never>; result: PositionCheck };
  /** PRAGMA integrity_check of one database. */
  'db.integrityCheck': { params: { db: 'market' | 'ledger' }; result: string[] };
}

export type SqlMethod = keyof SqlMethods;
export type SqlParams<M extends SqlMethod> = SqlMethods[M]['params'];
export type SqlResult<M extends SqlMethod> = SqlMethods[M]['result'];

export const SQL_METHODS: readonly SqlMethod[] = ['candles.range', 'candles.datasets', 'audit.verify', 'audit.read', 'ledger.fills', 'ledger.checkPositions', 'db.integrityCheck'];

export interface SqlWorkerData {
  readonly marketPath: string;
  readonly ledgerPath: string;
}

export interface SqlRequest {
  readonly id: number;
  readonly method: string;
  readonly params: unknown;
}

export interface WireError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: Record<string, unknown>;
}

export type SqlResponse = { readonly id: number; readonly ok: true; readonly result: unknown } | { readonly id: number; readonly ok: false; readonly error: WireError };
