/**
 * Backtests recorded as audit sessions, and their re-run. A recorded backtest is an audit session of kind
 * `backtest`: its `session-start` carries the validated config (as the venue's settings), the strategy's
 * catalog id, content hash and parameters, and a pinned reference to the candles it read; then every
 * decision bar, signal, risk verdict, order event and fill, as paper sessions record them; `session-stop`
 * carries the result's determinism hash.
 *
 * A re-run loads the same candles again, looks the strategy up by its hash, runs the same backtester with the
 * same recording, and compares the two sessions trade by trade (core compareSessions).
 *
 * Recording is opt-in and bounded (RECORD_MAX_BARS): every decision bar becomes an entry of an append-only log.
 */
import { canonicalJson } from '../../main/core/audit/canonical.ts';
import type { RecordedEvent } from '../../main/core/audit/replay.ts';
import { compareSessions, sessionConfig, type RerunReport } from '../../main/core/audit/rerun.ts';
import { auditSessionStart, auditSessionStop, SessionAuditSink, type SessionStartConfig } from '../../main/core/audit/session.ts';
import { parseBacktestConfig } from '../../main/core/backtest/config.ts';
import { ENGINE_VERSION } from '../../main/core/engine/version.ts';
import type { BacktestResult } from '../../main/core/backtest/result.ts';
import { ValidationError } from '../../main/core/errors.ts';
import { MemoryAuditSink, type AuditEvent } from '../../main/core/ports.ts';
import { instrumentSpecs, runBacktest, selectRange, type BacktestJob, type Dataset } from './backtester.ts';

/** Most bars a recorded backtest may have (all symbols together). */
export const RECORD_MAX_BARS = 50_000;

export interface RecordSpec {
  /** The audit session id (the host uses the run id). */
  readonly sessionId: string;
  /** Catalog id of the strategy: a re-run looks its version up by the content hash the run recorded. */
  readonly strategyId: string;
  /** Where the candles came from (exchange id or 'demo'); the reference also pins symbols, timeframe and range. */
  readonly source: string;
}

/** The candles a recorded backtest read, pinned to the first and last bar it saw. */
export interface DataRef {
  readonly source: string;
  readonly timeframe: string;
  readonly symbols: readonly string[];
  readonly from: number;
  readonly to: number;
}

export function recordBacktest(job: BacktestJob, spec: RecordSpec): { result: BacktestResult; events: AuditEvent[] } {
  const cfg = parseBacktestConfig(job.config);
  let bars = 0;
  let from = Infinity;
  let to = -Infinity;
  for (const d of job.datasets) {
    if (!cfg.symbols.includes(d.symbol)) continue;
    const ts = selectRange(d.columns, cfg.from, cfg.to).ts;
    bars += ts.length;
    if (ts.length > 0) {
      from = Math.min(from, ts[0]!);
      to = Math.max(to, ts[ts.length - 1]!);
    }
  }
  if (bars === 0) throw new ValidationError('no candles in the backtest range: nothing to record', [{ path: 'config', message: 'empty range' }]);
  if (bars > RECORD_MAX_BARS) {
    throw new ValidationError(`a recorded backtest has at most ${RECORD_MAX_BARS} bars; this one has ${bars}. Every decision bar becomes an entry of the append-only audit log: narrow the range or use a longer timeframe`, [{ path: 'record', message: `at most ${RECORD_MAX_BARS} bars` }]);
  }
  const info = job.strategy.info;
  const data: DataRef = { source: spec.source, timeframe: cfg.timeframe, symbols: cfg.symbols, from, to };
  const config: SessionStartConfig = {
    instruments: instrumentSpecs(cfg),
    portfolio: { baseCurrency: cfg.currency, cash: { [cfg.currency]: cfg.initialCash } },
    venue: { id: cfg.venue, kind: 'backtest', config: cfg },
    strategy: { id: spec.strategyId, version: info.version, params: info.params },
    data: { ...data },
    engine: ENGINE_VERSION,
  };
  const mem = new MemoryAuditSink();
  const sink = new SessionAuditSink(mem, { sessionId: spec.sessionId, kind: 'backtest', strategyId: spec.strategyId, strategyVersion: info.version });
  auditSessionStart(sink, from, config);
  const result = runBacktest({ ...job, audit: sink });
  const last = result.equity.ts.length > 0 ? result.equity.ts[result.equity.ts.length - 1]! : from;
  auditSessionStop(sink, last, { reason: result.status, summary: { determinismHash: result.determinismHash, engine: ENGINE_VERSION, trades: result.stats.trades, netProfit: result.stats.netProfit } });
  return { result, events: mem.events };
}

/** True for a session recorded by recordBacktest. */
export function isRecordedBacktest(events: readonly RecordedEvent[]): boolean {
  const start = events.find((e) => e.type === 'session-start');
  return ((start?.payload as { config?: { venue?: { kind?: unknown } } } | undefined)?.config?.venue?.kind ?? null) === 'backtest';
}

export interface BacktestRerunDeps {
  /**
   * Runs the recorded backtest again with the same recording (recordBacktest, or its code-strategy worker),
   * the strategy looked up by catalog id and content hash; throws when that version is not available.
   */
  record(strategy: { readonly id: string; readonly version: string; readonly params: Readonly<Record<string, number>> }, job: { readonly config: unknown; readonly datasets: Dataset[] }, spec: RecordSpec): AuditEvent[] | Promise<AuditEvent[]>;
  /** The candles of a data reference, loaded again. */
  datasets(ref: DataRef): Dataset[];
}

export async function rerunRecordedBacktest(recorded: readonly RecordedEvent[], deps: BacktestRerunDeps): Promise<RerunReport> {
  const cfg = sessionConfig(recorded);
  const s = cfg.strategy;
  const ref = cfg.data as DataRef | undefined;
  if (!isRecordedBacktest(recorded) || !s || !ref) throw new ValidationError('not a recorded backtest session (no backtest config, strategy or data reference in its session-start)');
  const params: Record<string, number> = {};
  for (const [k, v] of Object.entries(s.params ?? {})) if (typeof v === 'number') params[k] = v;
  const sessionId = recorded.find((e) => e.type === 'session-start')!.session ?? 'rerun';
  const events = await deps.record({ id: s.id, version: s.version, params }, { config: cfg.venue.config, datasets: deps.datasets(ref) }, { sessionId, strategyId: s.id, source: ref.source });
  // Compared in the stored form (canonical JSON round trip: bigints as decimal strings, undefined dropped).
  return compareSessions(recorded, events.map((e) => JSON.parse(canonicalJson(e)) as RecordedEvent));
}
