/**
 * The backtest result: statistics, trade list, equity and drawdown curves, the data-quality certificate of
 * every dataset used, and a determinism hash. Same data + same strategy version + same config + same seed
 * must give the same hash; the golden tests and `kestrel backtest --json` rely on it.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalJson } from '../audit/canonical.ts';
import type { OhlcvColumns } from '../data/candles.ts';
import { qualityReport } from '../data/quality.ts';
import type { Instrument } from '../model/index.ts';
import type { RiskRunLog } from '../risk/log.ts';
import type { BacktestConfig } from './config.ts';
import { computeStats, drawdown, type Stats } from './metrics.ts';
import type { RunBook } from './run-book.ts';
import { describeTrade, type OpenTrade, type TradeRecord } from './trades.ts';

export const RESULT_SCHEMA = 'kestrel.backtest/2';

export interface DatasetCertificate {
  readonly symbol: string;
  readonly timeframe: string;
  /** SHA-256 of the exact candle columns the run used (main/core/data/hash.ts). */
  readonly contentHash: string;
  readonly count: number;
  readonly first: number | null;
  readonly last: number | null;
  readonly expected: number;
  readonly coverage: number;
  readonly gaps: { readonly count: number; readonly missing: number; readonly list: readonly { from: number; to: number; missing: number }[] };
  readonly outliers: number;
  readonly synthetic: number;
  readonly ok: boolean;
  /** Where the data came from (store, CSV file name, demo generator label). */
  readonly source: string;
}

export interface StrategyInfo {
  readonly id: string;
  readonly name: string;
  readonly kind: 'rules' | 'code' | 'native';
  /** Content hash of the strategy source (its version identity). */
  readonly version: string;
  readonly params: Readonly<Record<string, number>>;
}

export type RunStatus = 'ok' | 'error' | 'cancelled';

export interface RunError {
  readonly code: string;
  readonly message: string;
  /** Bar (index into the time axis) and time at which the run stopped; results cover everything before. */
  readonly bar?: number;
  readonly ts?: number;
}

export interface BacktestResult {
  readonly schema: typeof RESULT_SCHEMA;
  readonly status: RunStatus;
  readonly error?: RunError;
  readonly strategy: StrategyInfo;
  readonly config: BacktestConfig;
  readonly stats: Stats;
  readonly trades: readonly TradeRecord[];
  readonly openPositions: readonly OpenTrade[];
  /** Bar close times (epoch ms) and equity at each close; drawdown as a fraction of the running peak. */
  readonly equity: { readonly ts: Float64Array; readonly value: Float64Array; readonly drawdown: Float64Array };
  readonly certificate: { readonly ok: boolean; readonly datasets: readonly DatasetCertificate[] };
  readonly counts: { readonly fills: number; readonly orders: number };
  /** Every risk refusal, monitor alert and trading-state change of the run (not part of the hash: a function of it). */
  readonly risk?: RiskRunLog;
  readonly determinismHash: string;
}

export function certify(symbol: string, timeframe: string, tfMs: number, c: OhlcvColumns, source: string, hasher?: HasherFactory): DatasetCertificate {
  const q = qualityReport(c, { tfMs, listLimit: 20, ...(hasher ? { hasher } : {}) });
  let synthetic = 0;
  if (c.synthetic) for (let i = 0; i < c.synthetic.length; i++) synthetic += c.synthetic[i]!;
  return {
    symbol, timeframe, contentHash: q.contentHash, count: q.count, first: q.first, last: q.last, expected: q.expected,
    coverage: q.coverage, gaps: { count: q.gaps.count, missing: q.gaps.missing, list: q.gaps.list.map((g) => ({ from: g.from, to: g.to, missing: g.missing })) },
    outliers: q.outliers.count, synthetic, ok: q.ok, source,
  };
}

export interface AssembleInput {
  readonly status: RunStatus;
  readonly error?: RunError;
  readonly strategy: StrategyInfo;
  readonly config: BacktestConfig;
  readonly intervalMs: number;
  readonly instruments: ReadonlyMap<string, Instrument>;
  readonly ts: Float64Array;
  readonly equity: Float64Array;
  /** The run's fills as round trips and hash lines (trade objects only when the result lists trades). */
  readonly book: RunBook;
  readonly orders: number;
  readonly initialEquity: number;
  readonly netProfit?: string;
  readonly fees?: string;
  readonly datasets: readonly DatasetCertificate[];
  readonly hasher?: HasherFactory;
  readonly risk?: RiskRunLog;
}

/** What a sweep keeps of each run: everything but the trade list and the curves, which stay in the worker. */
export interface RunSummary {
  readonly status: RunStatus;
  readonly error?: RunError;
  readonly stats: Stats;
  readonly determinismHash: string;
}

export function assembleResult(x: AssembleInput): BacktestResult {
  const s = summarize(x, true);
  const trades = s.trips.closed.map((t) => describeTrade(t, x.instruments.get(t.symbol)!));
  return { ...s.body, trades, equity: { ts: x.ts, value: x.equity, drawdown: s.drawdown }, ...(x.risk ? { risk: x.risk } : {}), determinismHash: s.determinismHash };
}

/** The statistics and determinism hash of a run without making its readable trade list or drawdown curve. */
export function summarizeResult(x: AssembleInput): RunSummary {
  const { body, determinismHash } = summarize(x, false);
  return { status: body.status, ...(body.error ? { error: body.error } : {}), stats: body.stats, determinismHash };
}

/** `full`: also the trade records and the drawdown curve (a sweep row needs neither). */
function summarize(x: AssembleInput, full: boolean) {
  const trips = x.book.trips.result();
  const n = x.equity.length;
  const spanMs = n ? x.ts[n - 1]! - x.ts[0]! + x.intervalMs : 0;
  const dd = drawdown(x.equity, full);
  const stats = computeStats({ equity: x.equity, initialEquity: x.initialEquity, intervalMs: x.intervalMs, trades: trips.figures, drawdown: dd, spanMs, ...(x.netProfit ? { netProfit: x.netProfit } : {}), ...(x.fees ? { fees: x.fees } : {}) });
  const body = {
    schema: RESULT_SCHEMA,
    status: x.status,
    ...(x.error ? { error: x.error } : {}),
    strategy: x.strategy,
    config: x.config,
    stats,
    openPositions: trips.open,
    certificate: { ok: x.datasets.every((d) => d.ok), datasets: x.datasets },
    counts: { fills: x.book.fills, orders: x.orders },
  } as const;
  const determinismHash = hashResult(body, x.book.lines.bytes(), x.ts, x.equity, x.hasher);
  return { body, trips, drawdown: dd.curve, determinismHash };
}

/** Incremental SHA-256 (the host passes node:crypto's, several times faster than the pure default). */
export interface Hasher {
  update(bytes: Uint8Array): unknown;
  digest(): Uint8Array;
}
export type HasherFactory = () => Hasher;

/**
 * SHA-256 over: canonical JSON of the result without trades and curves; one line per fill with the tag of its
 * order (see fill-lines.ts); then the raw little-endian bytes of the time and equity curves. The trade list is
 * not hashed separately: it is a function of the fills, their tags and the instruments in the config.
 */
export function hashResult(body: unknown, fillLines: Uint8Array, ts: Float64Array, equity: Float64Array, hasher: HasherFactory = () => sha256.create()): string {
  const h = hasher();
  h.update(utf8ToBytes(canonicalJson(body)));
  h.update(fillLines);
  h.update(new Uint8Array(ts.buffer, ts.byteOffset, ts.byteLength));
  h.update(new Uint8Array(equity.buffer, equity.byteOffset, equity.byteLength));
  return bytesToHex(h.digest());
}

/** Content hash of a strategy source (what versions are identified by). */
export function sourceHash(source: string): string {
  return bytesToHex(sha256(utf8ToBytes(source)));
}

/** The result as plain JSON (curves as number arrays), for `--json`, reports and storage. */
export function resultToJson(r: BacktestResult): Record<string, unknown> {
  return { ...r, equity: { ts: Array.from(r.equity.ts), value: Array.from(r.equity.value), drawdown: Array.from(r.equity.drawdown) } };
}
