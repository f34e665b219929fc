import { ValidationError } from '../../core/errors.ts';
import type { SweepSpecInput } from '../../core/backtest/sweep.ts';
import type { RiskProfile } from '../../core/risk/profile.ts';
import { validateSource, type BacktestService, type RunRequest } from '../backtest/service.ts';
import type { HandlersFor } from '../ipc/handlers.ts';
import { renderReport } from '../reports/backtest-report.ts';
import type { SweepClusters } from '../backtest/clusters.ts';
import { displayIndices, pick, type Curves, type OwnCurves } from '../../core/backtest/downsample.ts';

type Names =
  | 'strategy.list' | 'strategy.get' | 'strategy.save' | 'strategy.validate' | 'strategy.duplicate' | 'strategy.delete' | 'strategy.versions' | 'strategy.rollback' | 'strategy.templates'
  | 'backtest.run' | 'backtest.cancel' | 'backtest.get' | 'backtest.list' | 'backtest.report' | 'sweep.run' | 'sweep.get' | 'sweep.clusters';

function runRequest(r: { strategyId?: string | undefined; version?: number | undefined; kind?: 'rules' | 'code' | undefined; source?: string | undefined; params?: Record<string, number> | undefined; config: Record<string, unknown>; dataSource?: string | undefined }): RunRequest {
  return {
    config: r.config,
    ...(r.strategyId !== undefined ? { strategyId: r.strategyId } : {}),
    ...(r.version !== undefined ? { version: r.version } : {}),
    ...(r.kind !== undefined ? { kind: r.kind } : {}),
    ...(r.source !== undefined ? { source: r.source } : {}),
    ...(r.params !== undefined ? { params: r.params } : {}),
    ...(r.dataSource !== undefined ? { dataSource: r.dataSource } : {}),
  };
}

/** `accountRisk`: the selected account's risk profile as its gate enforces it (the default limits of a run). */
/**
 * A result's curves for the wire, in buffers of their own (a result's may be shared): the display points when
 * `points` is given and the curve is longer (a chart shows no more; the full curves are one call away).
 */
function wireCurves(c: Curves, points: number | undefined): OwnCurves & { bars?: number } {
  const bars = c.ts.length;
  if (points !== undefined && bars > points) return { ...pick(c, displayIndices(c.value, c.drawdown, points)), bars };
  const f = (a: Float64Array): Float64Array<ArrayBuffer> => new Float64Array(a);
  return { ts: f(c.ts), value: f(c.value), drawdown: f(c.drawdown) };
}

export function strategyHandlers(backtest: BacktestService, clusters?: SweepClusters, accountRisk?: () => RiskProfile): HandlersFor<Names> {
  const svc = () => backtest;
  const withRisk = <T extends { config: Record<string, unknown>; risk?: 'account' | 'config' | undefined }>(r: T): T => {
    if ((r.risk ?? 'account') !== 'account' || r.config.riskProfile !== undefined || !accountRisk) return r;
    return { ...r, config: { ...r.config, riskProfile: accountRisk() } };
  };
  return {
    'strategy.list': () => svc().list(),
    'strategy.get': (r) => {
      const s = svc().get(r.id, r.version);
      return { id: s.id, name: s.name, kind: s.kind, version: s.version.version, hash: s.version.hash, source: s.version.source, note: s.version.note, createdAt: s.version.createdAt };
    },
    'strategy.save': (r) => svc().save({ name: r.name, kind: r.kind, source: r.source, ...(r.id !== undefined ? { id: r.id } : {}), ...(r.note !== undefined ? { note: r.note } : {}) }),
    'strategy.validate': (r) => {
      try {
        validateSource(r.kind, r.source);
        return { ok: true, issues: [] };
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        return { ok: false, message: e.message, issues: e.issues.map((i) => ({ path: i.path, message: i.message })) };
      }
    },
    'strategy.duplicate': (r) => svc().duplicate(r.id, r.name),
    'strategy.delete': (r) => {
      svc().delete(r.id);
      return { ok: true as const };
    },
    'strategy.versions': (r) => svc().versions(r.id),
    'strategy.rollback': (r) => svc().rollback(r.id, r.version),
    'strategy.templates': () => svc().templates(),
    'backtest.run': (q) => {
      const r = withRisk(q);
      return { runId: svc().run({ ...runRequest(r), ...(r.record !== undefined ? { record: r.record } : {}) }).runId };
    },
    'backtest.cancel': (r) => ({ cancelled: svc().cancel(r.runId) }),
    'backtest.get': (r) => {
      const res = svc().result(r.runId);
      return { ...res, equity: wireCurves(res.equity, r.points), config: { ...res.config }, certificate: { ok: res.certificate.ok, datasets: res.certificate.datasets.map((d) => ({ ...d })) }, trades: [...res.trades], openPositions: [...res.openPositions], strategy: { ...res.strategy, params: { ...res.strategy.params } }, risk: res.risk && { ...res.risk, refusals: res.risk.refusals.map((x) => ({ ...x, reasons: x.reasons.map((y) => ({ ...y })) })), events: res.risk.events.map((e) => ({ ...e })), byRule: { ...res.risk.byRule } } };
    },
    'backtest.list': (r) => svc().results(r.strategyId, r.limit),
    'backtest.report': (r) => {
      const res = svc().result(r.runId);
      const out = renderReport(res, r.format);
      const base = r.format === 'trades-csv' ? 'trades' : r.format === 'equity-csv' ? 'equity' : 'backtest';
      return { content: out.content, mime: out.mime, fileName: `${base}-${r.runId}.${out.extension}` };
    },
    'sweep.run': (q) => {
      const { sweep, walkForward, cluster, ...rest } = withRisk(q);
      return { runId: svc().sweep({ ...runRequest(rest), sweep: sweep as SweepSpecInput, ...(walkForward ? { walkForward } : {}), ...(cluster ? { cluster } : {}) }).runId };
    },
    'sweep.clusters': () => clusters?.list() ?? [],
    'sweep.get': (r) => {
      const out = svc().sweepResult(r.runId);
      return { ...out, equity: out.equity ? { ts: new Float64Array(out.equity.ts), value: new Float64Array(out.equity.value) } : null };
    },
  };
}
