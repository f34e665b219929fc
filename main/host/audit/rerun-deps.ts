/**
 * What a re-run needs that core cannot build, from the running host: the strategy of a recorded version
 * hash (the strategy catalog, through the backtest service that compiles rules and sandboxes code), a
 * paper venue with the recorded settings, the stored bars of a backtest's data reference (market store).
 * Paper sessions are re-enacted by paper-rerun.ts (feed + recorded commands) instead.
 *
 * Everything is resolved lazily per call: composing the audit service must not start the backtest service
 * or the market store.
 */
import type { RecordedEvent } from '../../core/audit/replay.ts';
import type { RerunDeps, RerunReport } from '../../core/audit/rerun.ts';
import type { TradingState } from '../../contract/trading.ts';
import type { Strategy } from '../../core/engine/strategy.ts';
import { PaperVenue } from '../../venues/paper/paper-venue.ts';
import type { HostContext } from '../context.ts';
import { backtestFor } from '../backtest/for-host.ts';
import { marketFor } from '../data/for-host.ts';
import { isPaperSession, rerunPaperSession } from './paper-rerun.ts';
import { rulesSource } from '../../../workers/backtest/backtester.ts';
import { isRecordedBacktest, recordBacktest, rerunRecordedBacktest, type BacktestRerunDeps } from '../../../workers/backtest/record.ts';
import { recordCodeBacktest } from '../../../workers/backtest/code-runner.ts';
import { ValidationError } from '../../core/errors.ts';
import { recordedGate, type AdjustableRiskGate } from '../trading/risk.ts';

type Risk = { limits?: ConstructorParameters<typeof AdjustableRiskGate>[0]; profile?: unknown; tradingState?: TradingState; reason?: string };

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The number of the saved version of strategy `id` whose content hash is `hash` (undefined: none here). */
function versionByHash(ctx: HostContext, id: string, hash: string): number | undefined {
  try {
    return backtestFor(ctx).versions(id).find((x) => x.hash === hash)?.version;
  } catch {
    return undefined; // strategy deleted or never saved here
  }
}

/** The saved version of strategy `id` whose content hash is `hash`, compiled with `params`. */
export function strategyByHash(ctx: HostContext, id: string, hash: string, params: Readonly<Record<string, unknown>> | undefined): Strategy | undefined {
  const v = versionByHash(ctx, id, hash);
  if (v === undefined) return undefined;
  const p: Record<string, number> = {};
  for (const [k, x] of Object.entries(params ?? {})) if (typeof x === 'number') p[k] = x;
  return backtestFor(ctx).strategyFor(id, v, p);
}

export function hostRerunDeps(ctx: HostContext): RerunDeps {
  return {
    strategy: (id, version, params) => strategyByHash(ctx, id, version, params),
    venue: (cfg, instruments, clock) => new PaperVenue({ id: cfg.id, instruments, clock, seed: num(cfg.seed) ?? 1, latencyMs: num(cfg.latencyMs) ?? 0 }),
    bars: (data) => {
      const d = (data ?? {}) as Record<string, unknown>;
      const symbol = String(d.symbol ?? '');
      const from = num(d.from);
      const to = num(d.to);
      const cols = marketFor(ctx).candles({ source: String(d.source ?? d.venue ?? 'demo'), symbol, timeframe: String(d.timeframe ?? '1m'), ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to: to + 1 } : {}) }).columns;
      const intervalMs = cols.ts.length > 1 ? cols.ts[1]! - cols.ts[0]! : 60_000;
      return { symbol, bars: { ...cols, length: cols.ts.length, intervalMs } };
    },
    risk: (cfg) => recordedGate((cfg.venue.risk ?? {}) as Risk),
    prepare: (engine, cfg) => {
      const r = (cfg.venue.risk ?? {}) as Risk;
      if (r.tradingState && r.tradingState !== 'active') engine.setTradingState(r.tradingState, r.reason ?? 'recorded');
    },
  };
}

/**
 * Recorded backtests: run again by the same backtester from their pinned candles (record.ts). Paper sessions:
 * re-enacted (paper-rerun.ts). Other sessions go to the generic re-run.
 */
export function hostSessionRerun(ctx: HostContext): (events: RecordedEvent[]) => RerunReport | Promise<RerunReport> | undefined {
  return (events) => {
    if (isRecordedBacktest(events)) return rerunRecordedBacktest(events, backtestRerunDeps(ctx));
    return isPaperSession(events) ? rerunPaperSession(ctx, events, () => backtestFor(ctx)) : undefined;
  };
}

function backtestRerunDeps(ctx: HostContext): BacktestRerunDeps {
  return {
    record: async (strategy, job, spec) => {
      const v = versionByHash(ctx, strategy.id, strategy.version);
      if (v === undefined) throw new ValidationError(`strategy ${strategy.id} version ${strategy.version.slice(0, 12)}… is not available for a re-run (deleted, or never saved here)`);
      const saved = backtestFor(ctx).get(strategy.id, v);
      if (saved.kind === 'rules') return recordBacktest({ ...job, strategy: rulesSource(saved.version.source, strategy.params) }, spec).events;
      // Code runs in its own limited worker, as the recorded run did.
      const out = await recordCodeBacktest({ ...job, source: saved.version.source, fileName: `${saved.name}.ts`, params: strategy.params, record: spec });
      if (!out.events) throw new ValidationError(`the re-run did not finish: ${out.result.error?.message ?? out.result.status}`);
      return out.events;
    },
    datasets: (ref) => backtestFor(ctx).datasets(ref),
  };
}
