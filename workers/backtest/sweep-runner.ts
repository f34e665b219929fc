/**
 * Sweeps and walk-forward on the worker pool (main-thread side). The candles go to every task once as
 * SharedArrayBuffer-backed columns (no copy per task); the data-quality certificate is computed once here.
 * Progress counts finished backtests; aborting the signal cancels queued and running tasks.
 */
import type { OhlcvColumns } from '../../main/core/data/candles.ts';
import { CancelledError } from '../../main/core/errors.ts';
import { parseBacktestConfig, timeframeToMs } from '../../main/core/backtest/config.ts';
import { certify } from '../../main/core/backtest/result.ts';
import { paramSets, parseSweep, score, stitch, walkForwardWindows, type ParamSet, type SweepSpecInput, type WalkForwardSpec } from '../../main/core/backtest/sweep.ts';
import { sharedFloat64, type WorkerPool } from '../pool.ts';
import { nodeSha256, selectRange } from './backtester.ts';
import type { DatasetInput, SweepRow } from './types.ts';
import { certificateHandoff } from './late-certificates.ts';
import type { BacktestResult } from '../../main/core/backtest/result.ts';

export interface SweepRequest {
  readonly config: unknown;
  readonly doc: unknown;
  readonly sweep: SweepSpecInput;
  readonly datasets: readonly { symbol: string; columns: OhlcvColumns; source: string }[];
}

export interface SweepOptions {
  readonly signal?: AbortSignal;
  /** After every finished backtest. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Where the parameter sets run (default: this machine's pool; workers/queue runs them on a queue). */
  readonly executor?: SetsExecutor;
}

/** Runs parameter sets over prepared datasets; the rows come back in `sets` order. */
export type SetsExecutor = (config: unknown, doc: unknown, sets: readonly ParamSet[], datasets: DatasetInput[], opts: Pick<SweepOptions, 'signal' | 'onProgress'>) => Promise<SweepRow[]>;

export interface SweepOutcome {
  readonly objective: string;
  /** Every row, ranked best first by the objective (ties keep parameter order). */
  readonly rows: SweepRow[];
  readonly best: SweepRow | undefined;
}

/** The columns in shared memory: copied once, unless they are there already (candles read for the pool). */
function share(c: OhlcvColumns): OhlcvColumns {
  const s = (a: Float64Array): Float64Array => (a.buffer instanceof SharedArrayBuffer ? a : sharedFloat64(a));
  return { ts: s(c.ts), open: s(c.open), high: s(c.high), low: s(c.low), close: s(c.close), volume: s(c.volume) };
}

/** Range-selects, certifies once and shares the candles of every symbol of the config. */
export function prepareDatasets(config: unknown, datasets: SweepRequest['datasets']): DatasetInput[] {
  const cfg = parseBacktestConfig(config);
  return shareDatasets(config, datasets).map((d) => ({ ...d, certificate: certifyShared(cfg, d) }));
}

/** Range-selects and shares the candles of every symbol of the config (not certified yet). */
function shareDatasets(config: unknown, datasets: SweepRequest['datasets']): DatasetInput[] {
  const cfg = parseBacktestConfig(config);
  return datasets.filter((d) => cfg.symbols.includes(d.symbol)).map((d) => ({ symbol: d.symbol, columns: share(selectRange(d.columns, cfg.from, cfg.to)), source: d.source }));
}

function certifyShared(cfg: ReturnType<typeof parseBacktestConfig>, d: DatasetInput) {
  return certify(d.symbol, cfg.timeframe, timeframeToMs(cfg.timeframe), d.columns, d.source, nodeSha256, cfg.calendar);
}

/**
 * One rules backtest on the pool. The worker starts simulating at once; this thread certifies the candles
 * meanwhile and hands the certificates over before the result is assembled (late-certificates.ts).
 */
export function runRulesBacktest(pool: WorkerPool, req: { config: unknown; doc: unknown; params?: ParamSet; datasets: SweepRequest['datasets'] }, opts: { signal?: AbortSignal; onProgress?: (p: { done: number; total: number }) => void } = {}): Promise<BacktestResult> {
  const cfg = parseBacktestConfig(req.config);
  const datasets = shareDatasets(req.config, req.datasets);
  const late = certificateHandoff();
  const out = pool.run('backtest.run', { config: req.config, doc: req.doc, ...(req.params ? { params: req.params } : {}), datasets, certificates: late.handoff }, { ...opts, transfer: [late.transfer] });
  // After this turn: the task is posted first, so the worker simulates while this thread certifies.
  setImmediate(() => late.send(() => datasets.map((d) => certifyShared(cfg, d))));
  return out;
}

export async function runSweep(pool: WorkerPool, req: SweepRequest, opts: SweepOptions = {}): Promise<SweepOutcome> {
  const spec = parseSweep(req.sweep);
  const sets = paramSets(spec);
  const datasets = prepareDatasets(req.config, req.datasets);
  const rows = await (opts.executor ?? localExecutor(pool))(req.config, req.doc, sets, datasets, opts);
  const ranked = rows.map((r, k) => ({ r, k, s: score(r.stats, spec.objective) })).sort((a, b) => b.s - a.s || a.k - b.k).map((x) => x.r);
  return { objective: spec.objective, rows: ranked, best: ranked[0] };
}

export const localExecutor = (pool: WorkerPool): SetsExecutor => (config, doc, sets, datasets, opts) => runSets(pool, config, doc, sets, datasets, opts);

/**
 * One task per thread, each claiming the next parameter set from a shared counter until none is left
 * (self-scheduling): no thread idles while another still has a queue of sets, whatever each set costs, and
 * no set waits for the main thread to hand it out.
 */
async function runSets(pool: WorkerPool, config: unknown, doc: unknown, sets: readonly ParamSet[], datasets: DatasetInput[], opts: Pick<SweepOptions, 'signal' | 'onProgress'>): Promise<SweepRow[]> {
  const next = new Int32Array(new SharedArrayBuffer(4));
  const tasks = Math.max(1, Math.min(pool.threads, sets.length));
  const doneBy = new Array<number>(tasks).fill(0);
  const report = opts.onProgress;
  const inner = new AbortController();
  const onAbort = (): void => inner.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const rows: SweepRow[] = new Array(sets.length);
    await Promise.all(
      doneBy.map(async (_, j) => {
        const progress = report
          ? (p: { done: number }): void => {
            doneBy[j] = p.done;
            report(doneBy.reduce((a, b) => a + b, 0), sets.length);
          }
          : undefined;
        const r = await pool.run('backtest.sweep', { config, doc, sets, next, datasets }, { signal: inner.signal, ...(progress ? { onProgress: progress } : {}) });
        r.index.forEach((k, i) => (rows[k] = r.rows[i]!));
      }),
    );
    return rows;
  } catch (e) {
    inner.abort();
    if (opts.signal?.aborted) throw new CancelledError('sweep cancelled');
    throw e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

export interface WalkForwardRequest extends SweepRequest {
  readonly walkForward: WalkForwardSpec;
}

export interface WalkForwardOutcome {
  readonly objective: string;
  readonly windows: { index: number; isFrom: number; isTo: number; oosFrom: number; oosTo: number; best: ParamSet; inSample: SweepRow; outOfSample: SweepRow }[];
  /** Out-of-sample equity, chained window after window. */
  readonly equity: { ts: Float64Array; value: Float64Array };
}

/** Rolling walk-forward on the first symbol's time axis: optimise in-sample, test the winner out-of-sample. */
export async function runWalkForward(pool: WorkerPool, req: WalkForwardRequest, opts: SweepOptions = {}): Promise<WalkForwardOutcome> {
  const spec = parseSweep(req.sweep);
  const sets = paramSets(spec);
  const cfg = parseBacktestConfig(req.config);
  const datasets = prepareDatasets(req.config, req.datasets);
  const axis = datasets[0]!.columns.ts;
  const windows = walkForwardWindows(axis.length, req.walkForward);
  const total = windows.length * (sets.length + 1);
  let done = 0;
  const tick = (n: number): void => {
    done += n;
    opts.onProgress?.(done, total);
  };
  const at = (i: number): number => axis[Math.min(i, axis.length - 1)]!;
  const out: WalkForwardOutcome['windows'][number][] = [];
  const segments: { ts: Float64Array; equity: Float64Array; initial: number }[] = [];
  for (const w of windows) {
    if (opts.signal?.aborted) throw new CancelledError('walk-forward cancelled');
    const isCfg = { ...cfg, from: at(w.isFrom), to: at(w.isTo - 1) };
    const rows = await (opts.executor ?? localExecutor(pool))(isCfg, req.doc, sets, datasets, opts.signal ? { signal: opts.signal } : {});
    tick(sets.length);
    const best = rows.map((r, k) => ({ r, k, s: score(r.stats, spec.objective) })).sort((a, b) => b.s - a.s || a.k - b.k)[0]!.r;
    const oosCfg = { ...cfg, from: at(w.oosFrom), to: at(w.oosTo - 1) };
    const res: BacktestResult = await pool.run('backtest.run', { config: oosCfg, doc: req.doc, params: best.params, datasets }, opts.signal ? { signal: opts.signal } : {});
    tick(1);
    segments.push({ ts: res.equity.ts, equity: res.equity.value, initial: res.stats.initialEquity });
    out.push({ ...w, best: best.params, inSample: best, outOfSample: { params: best.params, status: res.status, ...(res.error ? { error: res.error } : {}), stats: res.stats, determinismHash: res.determinismHash } });
  }
  const st = stitch(segments, Number(cfg.initialCash));
  return { objective: spec.objective, windows: out, equity: { ts: st.ts, value: st.equity } };
}
