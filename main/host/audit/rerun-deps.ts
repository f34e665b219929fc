/**
 * What a re-run needs that core cannot build, from the running host: the strategy of a recorded version
 * hash (the strategy catalog, through the backtest service that compiles rules and sandboxes code), a
 * paper venue with the recorded settings, the stored bars of a backtest's data reference (market store).
 * Paper sessions are re-enacted by paper-rerun.ts (feed + recorded commands) instead.
 *
 * The host hands these the services they read (RerunSources); nothing is opened here.
 */
import type { RecordedEvent } from '../../core/audit/replay.ts';
import type { RerunDeps, RerunReport } from '../../core/audit/rerun.ts';
import type { TradingState } from '../../contract/trading.ts';
import type { Strategy } from '../../core/engine/strategy.ts';
import { PaperVenue } from '../../venues/paper/paper-venue.ts';
import type { BacktestService } from '../backtest/service.ts';
import type { MarketService } from '../data/market-service.ts';
import type { Logger } from '../log.ts';
import { isPaperSession, rerunPaperSession } from './paper-rerun.ts';
import { rulesSource } from '../../../workers/backtest/backtester.ts';
import { isRecordedBacktest, recordBacktest, rerunRecordedBacktest, type BacktestRerunDeps } from '../../../workers/backtest/record.ts';
import { recordCodeBacktest } from '../../../workers/backtest/code-runner.ts';
import { ValidationError } from '../../core/errors.ts';
import { AdjustableRiskGate } from '../trading/risk.ts';

type Risk = { limits?: ConstructorParameters<typeof AdjustableRiskGate>[0]; tradingState?: TradingState; reason?: string };

/** What a re-run reads from the running host. */
export interface RerunSources {
  readonly backtest: BacktestService;
  readonly market: MarketService;
  readonly log: Logger;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The number of the saved version of strategy `id` whose content hash is `hash` (undefined: none here). */
function versionByHash(src: RerunSources, id: string, hash: string): number | undefined {
  try {
    return src.backtest.versions(id).find((x) => x.hash === hash)?.version;
  } catch {
    return undefined; // strategy deleted or never saved here
  }
}

/** The saved version of strategy `id` whose content hash is `hash`, compiled with `params`. */
export function strategyByHash(src: RerunSources, id: string, hash: string, params: Readonly<Record<string, unknown>> | undefined): Strategy | undefined {
  const v = versionByHash(src, id, hash);
  if (v === undefined) return undefined;
  const p: Record<string, number> = {};
  for (const [k, x] of Object.entries(params ?? {})) if (typeof x === 'number') p[k] = x;
  return src.backtest.strategyFor(id, v, p);
}

export function hostRerunDeps(src: RerunSources): RerunDeps {
  return {
    strategy: (id, version, params) => strategyByHash(src, id, version, params),
    venue: (cfg, instruments, clock) => new PaperVenue({ id: cfg.id, instruments, clock, seed: num(cfg.seed) ?? 1, latencyMs: num(cfg.latencyMs) ?? 0 }),
    bars: (data) => {
      const d = (data ?? {}) as Record<string, unknown>;
      const symbol = String(d.symbol ?? '');
      const from = num(d.from);
      const to = num(d.to);
      const cols = src.market.candles({ source: String(d.source ?? d.venue ?? 'demo'), symbol, timeframe: String(d.timeframe ?? '1m'), ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to: to + 1 } : {}) }).columns;
      const intervalMs = cols.ts.length > 1 ? cols.ts[1]! - cols.ts[0]! : 60_000;
      return { symbol, bars: { ...cols, length: cols.ts.length, intervalMs } };
    },
    risk: (cfg) => new AdjustableRiskGate(((cfg.venue.risk ?? {}) as Risk).limits),
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
export function hostSessionRerun(src: RerunSources): (events: RecordedEvent[]) => RerunReport | Promise<RerunReport> | undefined {
  return (events) => {
    if (isRecordedBacktest(events)) return rerunRecordedBacktest(events, backtestRerunDeps(src));
    return isPaperSession(events) ? rerunPaperSession(src, events, () => src.backtest) : undefined;
  };
}

function backtestRerunDeps(src: RerunSources): BacktestRerunDeps {
  return {
    record: async (strategy, job, spec) => {
      const v = versionByHash(src, strategy.id, strategy.version);
      if (v === undefined) throw new ValidationError(`strategy ${strategy.id} version ${strategy.version.slice(0, 12)}… is not available for a re-run (deleted, or never saved here)`);
      const saved = src.backtest.get(strategy.id, v);
      if (saved.kind === 'rules') return recordBacktest({ ...job, strategy: rulesSource(saved.version.source, strategy.params) }, spec).events;
      // Code runs in its own limited worker, as the recorded run did.
      const out = await recordCodeBacktest({ ...job, source: saved.version.source, fileName: `${saved.name}.ts`, params: strategy.params, record: spec });
      if (!out.events) throw new ValidationError(`the re-run did not finish: ${out.result.error?.message ?? out.result.status}`);
      return out.events;
    },
    datasets: (ref) => src.backtest.datasets(ref),
  };
}
