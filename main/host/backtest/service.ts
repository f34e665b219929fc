/**
 * The backtest host service: strategy CRUD with immutable versions (identified by content hash) and
 * rollback; backtests, sweeps and walk-forward on the worker pool (code strategies in their own limited
 * worker) with progress events and cancellation; results stored in the ledger database.
 *
 * Storage: strategies/strategy_versions/backtest_results of the ledger (main/storage Catalog). A stored
 * result keeps everything but the curves in `stats` (JSON) and the curves in `equity` as one Float64Array
 * [ts₀…tsₙ₋₁, value₀…valueₙ₋₁]; the drawdown is recomputed on load.
 */
import { randomUUID } from 'node:crypto';
import { KestrelError, NotFoundError, ValidationError } from '../../core/errors.ts';
import type { OhlcvColumns } from '../../core/data/candles.ts';
import { parseBacktestConfig } from '../../core/backtest/config.ts';
import { drawdown } from '../../core/backtest/metrics.ts';
import { sourceHash, type BacktestResult } from '../../core/backtest/result.ts';
import { parseRules } from '../../core/strategy/dsl.ts';
import { TEMPLATES } from '../../core/strategy/templates.ts';
import type { Catalog, LedgerStores, StrategyVersion } from '../../storage/index.ts';
import type { WorkerPool } from '../../../workers/pool.ts';
import { recordCodeBacktest, runCodeBacktest } from '../../../workers/backtest/code-runner.ts';
import { prepareSource } from '../../../workers/backtest/sandbox.ts';
import { SandboxedStrategy } from '../../../workers/sandbox/remote-strategy.ts';
import { ReloadableStrategy } from '../../core/strategy/code.ts';
import { compileRules } from '../../core/strategy/rules.ts';
import type { Strategy } from '../../core/engine/strategy.ts';
import type { AuditEvent } from '../../core/ports.ts';
import { prepareDatasets, runRulesBacktest, runSweep, runWalkForward, type SetsExecutor, type SweepOutcome, type WalkForwardOutcome } from '../../../workers/backtest/sweep-runner.ts';
import { storedResultJson } from './stored-json.ts';
import { runSetsOnQueue, type QueueTarget } from '../../../workers/queue/client.ts';
import type { SweepSpecInput, WalkForwardSpec } from '../../core/backtest/sweep.ts';

export type StrategyKind = 'rules' | 'code';

export interface ProgressEvent {
  readonly runId: string;
  readonly kind: 'backtest' | 'sweep' | 'walk-forward';
  readonly done: number;
  readonly total: number;
  readonly status: 'running' | 'ok' | 'error' | 'cancelled';
  readonly message?: string;
}

export interface BacktestServiceDeps {
  readonly ledger: LedgerStores;
  readonly candles: (q: { source: string; symbol: string; timeframe: string; from?: number; to?: number }) => OhlcvColumns;
  readonly pool: () => WorkerPool;
  readonly emit: (e: ProgressEvent) => void;
  readonly now?: () => number;
  /** Appends a recorded backtest's audit session to the audit log (absent: recording is refused). */
  readonly recordAudit?: (events: readonly AuditEvent[]) => void;
  /** The queue of a sweep cluster named in the settings (absent: sweeps run on this machine only). */
  readonly cluster?: (id: string) => QueueTarget;
}

export interface StrategyRef {
  readonly strategyId?: string;
  readonly version?: number;
  /** Unsaved source (studio "run"): kind + source instead of an id. */
  readonly kind?: StrategyKind;
  readonly source?: string;
}

export interface RunRequest extends StrategyRef {
  readonly params?: Readonly<Record<string, number>>;
  readonly config: unknown;
  /** Market data source (exchange id or 'demo'). */
  readonly dataSource?: string;
  /** Record the run as an audit session (saved strategies; at most RECORD_MAX_BARS bars), re-runnable from the audit view. */
  readonly record?: boolean;
}

interface Job {
  readonly kind: ProgressEvent['kind'];
  readonly abort: AbortController;
  status: ProgressEvent['status'];
  result?: BacktestResult;
  sweep?: SweepOutcome | WalkForwardOutcome;
  error?: string;
}

export function validateSource(kind: StrategyKind, source: string): void {
  if (kind === 'rules') parseRules(source);
  else prepareSource(source, 'strategy.ts');
}

/**
 * Wall-clock budget per strategy callback in paper sessions, the hop to the sandbox process included:
 * generous for real work, short enough to keep the UI live (the host's thread waits for the reply).
 */
export const PAPER_CALL_BUDGET_MS = 1000;

export class BacktestService {
  private readonly deps: BacktestServiceDeps;
  private readonly catalog: Catalog;
  private readonly jobs = new Map<string, Job>();

  constructor(deps: BacktestServiceDeps) {
    this.deps = deps;
    this.catalog = deps.ledger.catalog;
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  // ───────────── strategies ─────────────

  list(): { id: string; name: string; kind: string; latestVersion: number; createdAt: number }[] {
    return this.catalog.strategies().filter((s) => !s.archived).map((s) => ({ id: s.id, name: s.name, kind: s.kind, latestVersion: s.latestVersion, createdAt: s.createdAt }));
  }

  get(id: string, version?: number): { id: string; name: string; kind: string; version: StrategyVersion } {
    const s = this.catalog.strategies().find((x) => x.id === id && !x.archived);
    if (!s) throw new NotFoundError('strategy', id);
    const v = this.catalog.strategyVersion(id, version);
    if (!v) throw new NotFoundError('strategy version', `${id}@${version ?? 'latest'}`);
    return { id, name: s.name, kind: s.kind, version: v };
  }

  /** Validates and stores the source as the next version (unchanged source keeps the latest version). */
  save(r: { id?: string; name: string; kind: StrategyKind; source: string; note?: string }): { id: string; version: number; hash: string } {
    validateSource(r.kind, r.source);
    let id = r.id;
    if (id === undefined) {
      if (this.catalog.strategies().some((s) => s.name === r.name)) throw new KestrelError('conflict', `a strategy named "${r.name}" exists`, { details: { name: r.name } });
      id = `st-${randomUUID()}`;
      this.catalog.createStrategy({ id, name: r.name, kind: r.kind, createdAt: this.now() });
    } else this.get(id);
    const v = this.catalog.saveStrategyVersion(id, r.source, this.now(), r.note ?? null);
    return { id, version: v.version, hash: v.hash };
  }

  duplicate(id: string, name: string): { id: string; version: number; hash: string } {
    const s = this.get(id);
    return this.save({ name, kind: s.kind as StrategyKind, source: s.version.source, note: `copy of ${s.name} v${s.version.version}` });
  }

  /** Archives (strategies are never erased: stored results cite them). */
  delete(id: string): void {
    this.get(id);
    this.deps.ledger.db.prepare('UPDATE strategies SET archived = 1, name = name || ? WHERE id = ?').run(` (deleted ${id})`, id);
  }

  versions(id: string): { version: number; hash: string; note: string | null; createdAt: number }[] {
    this.get(id);
    const rows = this.deps.ledger.db.prepare('SELECT version, hash, note, created_at FROM strategy_versions WHERE strategy_id = ? ORDER BY version').all(id) as { version: number; hash: string; note: string | null; created_at: number }[];
    return rows.map((r) => ({ version: r.version, hash: r.hash, note: r.note, createdAt: r.created_at }));
  }

  /** Makes an earlier version current again, as a new version with the same content hash. */
  rollback(id: string, version: number): { id: string; version: number; hash: string } {
    const old = this.get(id, version);
    const v = this.catalog.saveStrategyVersion(id, old.version.source, this.now(), `rollback to v${version}`);
    return { id, version: v.version, hash: v.hash };
  }

  templates(): { id: string; title: string; description: string; source: string }[] {
    return TEMPLATES.map((t) => ({ id: t.id, title: t.title, description: t.description, source: JSON.stringify(t.doc, null, 2) }));
  }

  // ───────────── live use (paper sessions) ─────────────

  /**
   * A kernel Strategy for a saved version, for paper sessions (the trading service attaches it with
   * Engine.attach) and re-runs. Code strategies run in a sandbox process (workers/sandbox/SANDBOX.md), never
   * on this thread: each callback is one request to it, answered within PAPER_CALL_BUDGET_MS or the process
   * is killed and the strategy stops with a StrategyError. The caller closes it (`release`) when done.
   */
  strategyFor(id: string, version?: number, params: Readonly<Record<string, number>> = {}): Strategy {
    const s = this.get(id, version);
    const v = s.version;
    if (s.kind === 'rules') return compileRules(parseRules(v.source, params), { id, version: v.hash });
    return new SandboxedStrategy(v.source, { fileName: `${s.name}.ts`, id, version: v.hash, params, callBudgetMs: PAPER_CALL_BUDGET_MS });
  }

  /** Wraps a strategy so hotReload can swap its version while the session runs. */
  reloadable(id: string, version?: number, params?: Readonly<Record<string, number>>): ReloadableStrategy {
    return new ReloadableStrategy(this.strategyFor(id, version, params));
  }

  /** Hot reload (paper mode): swap in another saved version (newer, or an earlier one to roll back). */
  hotReload(target: ReloadableStrategy, id: string, version?: number, params?: Readonly<Record<string, number>>): string | undefined {
    target.swap(this.strategyFor(id, version, params));
    return target.version;
  }

  // ───────────── runs ─────────────

  private resolve(r: StrategyRef): { kind: StrategyKind; source: string; strategyId: string | null; version: number | null; name: string } {
    if (r.strategyId !== undefined) {
      const s = this.get(r.strategyId, r.version);
      return { kind: s.kind as StrategyKind, source: s.version.source, strategyId: s.id, version: s.version.version, name: s.name };
    }
    if (r.kind === undefined || r.source === undefined) throw new ValidationError('give strategyId, or kind and source', [{ path: 'strategyId', message: 'required' }]);
    validateSource(r.kind, r.source);
    return { kind: r.kind, source: r.source, strategyId: null, version: null, name: 'unsaved' };
  }

  private data(config: unknown, dataSource = 'demo'): { symbol: string; columns: OhlcvColumns; source: string }[] {
    const cfg = parseBacktestConfig(config);
    return this.datasets({ source: dataSource, symbols: cfg.symbols, timeframe: cfg.timeframe, from: cfg.from, to: cfg.to });
  }

  /** The candles a backtest reads (closed bars, [from, to] by open time): for runs and for re-runs of recorded ones. */
  datasets(ref: { source: string; symbols: readonly string[]; timeframe: string; from?: number | undefined; to?: number | undefined }): { symbol: string; columns: OhlcvColumns; source: string }[] {
    return ref.symbols.map((symbol) => ({
      symbol, source: `${ref.source} ${symbol} ${ref.timeframe}`,
      columns: this.deps.candles({ source: ref.source, symbol, timeframe: ref.timeframe, ...(ref.from !== undefined ? { from: ref.from } : {}), ...(ref.to !== undefined ? { to: ref.to + 1 } : {}) }),
    }));
  }

  private start(kind: Job['kind']): [string, Job] {
    const id = `${kind === 'backtest' ? 'bt' : kind === 'sweep' ? 'sw' : 'wf'}-${randomUUID()}`;
    const job: Job = { kind, abort: new AbortController(), status: 'running' };
    this.jobs.set(id, job);
    return [id, job];
  }

  private progress(runId: string, job: Job, done: number, total: number, message?: string): void {
    this.deps.emit({ runId, kind: job.kind, done, total, status: job.status, ...(message ? { message } : {}) });
  }

  /** Starts a backtest; progress and the end arrive as events; the result is stored and returned by result(). */
  run(r: RunRequest): { runId: string; done: Promise<BacktestResult> } {
    const s = this.resolve(r);
    const record = r.record ? this.recorder(s) : undefined;
    const datasets = this.data(r.config, r.dataSource);
    const [runId, job] = this.start('backtest');
    const signal = job.abort.signal;
    const exec = async (): Promise<BacktestResult> => {
      if (record && s.kind === 'code') {
        const out = await recordCodeBacktest({ config: r.config, source: s.source, fileName: `${s.name}.ts`, datasets, record: { sessionId: runId, strategyId: record.strategyId, source: r.dataSource ?? 'demo' }, ...(r.params ? { params: r.params } : {}) }, { signal });
        // A run the watchdog or a cancel stopped has no complete session: its partial result is kept, unrecorded.
        if (out.events) record.append(out.events);
        return out.result;
      }
      if (record) {
        const prepared = prepareDatasets(r.config, datasets);
        const out = await this.deps.pool().run('backtest.record', { config: r.config, doc: s.source, ...(r.params ? { params: r.params } : {}), datasets: prepared, record: { sessionId: runId, strategyId: record.strategyId, source: r.dataSource ?? 'demo' } }, { signal, onProgress: (p) => this.progress(runId, job, p.done, p.total) });
        record.append(out.events);
        return out.result;
      }
      if (s.kind === 'code') {
        return runCodeBacktest({ config: r.config, source: s.source, fileName: `${s.name}.ts`, datasets, ...(r.params ? { params: r.params } : {}) }, { signal });
      }
      return runRulesBacktest(this.deps.pool(), { config: r.config, doc: s.source, ...(r.params ? { params: r.params } : {}), datasets }, { signal, onProgress: (p) => this.progress(runId, job, p.done, p.total) });
    };
    const done = exec().then(
      (res) => {
        const named = s.strategyId ? { ...res, strategy: { ...res.strategy, id: s.strategyId, name: s.name } } : res;
        job.result = named;
        job.status = res.status;
        this.store(runId, s.strategyId, s.version, r, named);
        this.progress(runId, job, res.stats.bars, res.stats.bars, res.error?.message);
        return named;
      },
      (e: unknown) => {
        job.status = signal.aborted ? 'cancelled' : 'error';
        job.error = e instanceof Error ? e.message : String(e);
        this.progress(runId, job, 0, 0, job.error);
        throw e;
      },
    );
    done.catch(() => {}); // the failure is reported as an event and by result()
    return { runId, done };
  }

  /** Checked before the run starts: what can be recorded, and where to. */
  private recorder(s: { kind: StrategyKind; strategyId: string | null }): { strategyId: string; append: (events: readonly AuditEvent[]) => void } {
    if (s.strategyId === null) {
      throw new ValidationError('only saved strategies can be recorded: a re-run looks the strategy up by its saved version', [{ path: 'record', message: 'save the strategy first' }]);
    }
    const append = this.deps.recordAudit;
    if (!append) throw new KestrelError('conflict', 'this host has no audit log to record backtests into');
    return { strategyId: s.strategyId, append };
  }

  cancel(runId: string): boolean {
    const j = this.jobs.get(runId);
    if (!j || j.status !== 'running') return false;
    j.abort.abort();
    return true;
  }

  private store(runId: string, strategyId: string | null, version: number | null, r: RunRequest, res: BacktestResult): void {
    const n = res.equity.ts.length;
    const curves = new Float64Array(2 * n);
    curves.set(res.equity.ts, 0);
    curves.set(res.equity.value, n);
    const { equity: _e, ...rest } = res;
    this.catalog.putBacktest({
      id: runId, strategyId, strategyVersion: version, sessionId: null, createdAt: this.now(),
      params: { params: r.params ?? {}, config: res.config, dataSource: r.dataSource ?? 'demo' }, stats: rest, statsJson: storedResultJson(rest), equity: curves, resultHash: res.determinismHash,
    });
  }

  result(runId: string): BacktestResult {
    const j = this.jobs.get(runId);
    if (j?.result) return j.result;
    if (j && j.status === 'running') throw new KestrelError('conflict', `run ${runId} is still running`, { details: { runId } });
    if (j?.error) throw new KestrelError('internal', `run ${runId} failed: ${j.error}`, { details: { runId } });
    const rec = this.catalog.backtest(runId);
    if (!rec || !rec.stats || typeof rec.stats !== 'object' || !('schema' in (rec.stats as object))) throw new NotFoundError('backtest result', runId);
    const eq = rec.equity ?? new Float64Array(0);
    const n = eq.length / 2;
    const value = eq.slice(n);
    return { ...(rec.stats as Omit<BacktestResult, 'equity'>), equity: { ts: eq.slice(0, n), value, drawdown: drawdown(value).curve } };
  }

  results(strategyId?: string, limit = 100): { runId: string; strategyId: string | null; version: number | null; createdAt: number; status: string; netProfit: string; sharpe: number | null; trades: number; determinismHash: string | null }[] {
    return this.catalog.backtests(strategyId, limit)
      .filter((b) => b.stats && typeof b.stats === 'object' && 'schema' in (b.stats as object))
      .map((b) => {
        const st = b.stats as BacktestResult;
        return { runId: b.id, strategyId: b.strategyId, version: b.strategyVersion, createdAt: b.createdAt, status: st.status, netProfit: st.stats.netProfit, sharpe: st.stats.sharpe, trades: st.stats.trades, determinismHash: b.resultHash };
      });
  }

  /** Grid/random sweep, or walk-forward when `walkForward` is given; rules strategies only. */
  sweep(r: RunRequest & { sweep: SweepSpecInput; walkForward?: WalkForwardSpec; cluster?: string }): { runId: string; done: Promise<SweepOutcome | WalkForwardOutcome> } {
    const s = this.resolve(r);
    if (s.kind !== 'rules') throw new ValidationError('sweeps run rules strategies (code strategies: run them one by one)', [{ path: 'kind', message: 'rules only' }]);
    let executor: SetsExecutor | undefined;
    if (r.cluster) {
      if (!this.deps.cluster) throw new ValidationError('no sweep clusters are configured', [{ path: 'cluster', message: 'unknown cluster' }]);
      const target = this.deps.cluster(r.cluster);
      // On a cluster, this machine's pool only re-runs the rows that verify the workers' hashes.
      executor = (cfg, doc, sets, ds, o) => runSetsOnQueue(target, this.deps.pool(), cfg, doc, sets, ds, o);
    }
    const datasets = this.data(r.config, r.dataSource);
    const [runId, job] = this.start(r.walkForward ? 'walk-forward' : 'sweep');
    // The last count reported, so the closing event says how many backtests ran (not a bare 1 of 1).
    let total = 0;
    const opts = { signal: job.abort.signal, onProgress: (d: number, t: number) => this.progress(runId, job, d, (total = t)), ...(executor ? { executor } : {}) };
    const doc = r.params ? parseRules(s.source, r.params) : s.source;
    const p = r.walkForward
      ? runWalkForward(this.deps.pool(), { config: r.config, doc, sweep: r.sweep, walkForward: r.walkForward, datasets }, opts)
      : runSweep(this.deps.pool(), { config: r.config, doc, sweep: r.sweep, datasets }, opts);
    const done = p.then(
      (out) => {
        job.sweep = out;
        job.status = 'ok';
        const eq = 'equity' in out ? Float64Array.from([...out.equity.ts, ...out.equity.value]) : null;
        const stats = 'windows' in out ? { kind: 'walk-forward', objective: out.objective, windows: out.windows } : { kind: 'sweep', objective: out.objective, rows: out.rows };
        this.catalog.putBacktest({ id: runId, strategyId: s.strategyId, strategyVersion: s.version, sessionId: null, createdAt: this.now(), params: { sweep: r.sweep, walkForward: r.walkForward ?? null, config: r.config, cluster: r.cluster ?? null }, stats, equity: eq, resultHash: sourceHash(JSON.stringify(stats)) });
        const n = total || ('rows' in out ? out.rows.length : out.windows.length);
        this.progress(runId, job, n, n);
        return out;
      },
      (e: unknown) => {
        job.status = job.abort.signal.aborted ? 'cancelled' : 'error';
        job.error = e instanceof Error ? e.message : String(e);
        this.progress(runId, job, 0, 0, job.error);
        throw e;
      },
    );
    done.catch(() => {});
    return { runId, done };
  }

  sweepResult(runId: string): { status: string; kind: string; objective: string; rows: unknown[]; windows: unknown[]; equity: { ts: Float64Array; value: Float64Array } | null } {
    const j = this.jobs.get(runId);
    let out: SweepOutcome | WalkForwardOutcome | undefined = j?.sweep;
    if (j && !out) return { status: j.status, kind: j.kind, objective: '', rows: [], windows: [], equity: null };
    if (!out) {
      const rec = this.catalog.backtest(runId);
      const st = rec?.stats as { kind?: string; objective: string; rows?: SweepOutcome['rows']; windows?: WalkForwardOutcome['windows'] } | undefined;
      if (!rec || !st || (st.kind !== 'sweep' && st.kind !== 'walk-forward')) throw new NotFoundError('sweep result', runId);
      const eq = rec.equity;
      out = st.kind === 'sweep' ? { objective: st.objective, rows: st.rows ?? [], best: st.rows?.[0] } : { objective: st.objective, windows: st.windows ?? [], equity: eq ? { ts: eq.slice(0, eq.length / 2), value: eq.slice(eq.length / 2) } : { ts: new Float64Array(0), value: new Float64Array(0) } };
    }
    if ('rows' in out) return { status: 'ok', kind: 'sweep', objective: out.objective, rows: out.rows, windows: [], equity: null };
    return { status: 'ok', kind: 'walk-forward', objective: out.objective, rows: [], windows: out.windows, equity: out.equity };
  }
}
