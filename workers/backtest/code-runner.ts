/**
 * Runs a code-strategy backtest in its own worker thread, because user code may loop forever or allocate
 * without end and a vm timeout per callback costs ~300 µs (measured): instead, the worker runs at full
 * speed and the parent watches it.
 *   - memory: resourceLimits (old/young generation, stack); exceeding them ends the worker with an error;
 *   - time: a watchdog reads the per-bar heartbeat in shared memory and terminates the worker when no new
 *     bar was reached for `stallMs` (a runaway callback), or when the whole run exceeds `maxMs`;
 *   - isolation: the worker gets an empty environment (no secrets in process.env), and the strategy runs in
 *     a vm context without require/process/fetch (sandbox.ts).
 * When the worker is stopped, the result is assembled from its last checkpoint: status 'error' (or
 * 'cancelled'), the reason, and everything up to that bar.
 */
import { Worker } from 'node:worker_threads';
import { CancelledError, KestrelError, ValidationError } from '../../main/core/errors.ts';
import type { OhlcvColumns } from '../../main/core/data/candles.ts';
import type { Fill } from '../../main/core/model/index.ts';
import { parseBacktestConfig, timeframeToMs } from '../../main/core/backtest/config.ts';
import { RunBook } from '../../main/core/backtest/run-book.ts';
import { netProfitAt } from '../../main/core/backtest/net-profit.ts';
import { assembleResult, certify, sourceHash, type BacktestResult, type RunError, type StrategyInfo } from '../../main/core/backtest/result.ts';
import { instrumentsFor, nodeSha256, selectRange } from './backtester.ts';
import { prepareSource } from './sandbox.ts';
import type { AuditEvent } from '../../main/core/ports.ts';
import type { RecordSpec } from './record.ts';

export interface CodeRunInput {
  readonly config: unknown;
  readonly source: string;
  readonly fileName: string;
  readonly info: StrategyInfo;
  readonly params?: Readonly<Record<string, number>>;
  readonly seed?: number;
  readonly datasets: readonly { symbol: string; columns: OhlcvColumns; source: string }[];
  /** Record the run as an audit session (record.ts); the events come back with the result. */
  readonly record?: RecordSpec;
}

export interface CodeRunOptions {
  /** Longest time without reaching a new bar (default 2 s). */
  readonly stallMs?: number;
  /** Longest whole run (default 10 min). */
  readonly maxMs?: number;
  /** Heap limit of the worker in MB (default 256). */
  readonly memoryMb?: number;
  readonly signal?: AbortSignal;
}

export function codeStrategyInfo(source: string, fileName: string, params: Readonly<Record<string, number>> = {}): StrategyInfo {
  prepareSource(source, fileName); // syntax errors and imports are reported before a worker starts
  const name = fileName.replace(/^.*[\\/]/, '').replace(/\.[cm]?[jt]s$/, '');
  return { id: name, name, kind: 'code', version: sourceHash(source), params };
}

export async function runCodeBacktest(input: Omit<CodeRunInput, 'info' | 'record'> & { info?: StrategyInfo }, opts: CodeRunOptions = {}): Promise<BacktestResult> {
  return (await runCode(input, opts)).result;
}

/**
 * A code-strategy backtest recorded as an audit session. `events` is null when the run did not finish in
 * the worker (stopped by the watchdog, the memory limit or a cancel): a partial run is not recorded.
 */
export function recordCodeBacktest(input: Omit<CodeRunInput, 'info'> & { info?: StrategyInfo; record: RecordSpec }, opts: CodeRunOptions = {}): Promise<{ result: BacktestResult; events: AuditEvent[] | null }> {
  return runCode(input, opts);
}

async function runCode(input: Omit<CodeRunInput, 'info'> & { info?: StrategyInfo }, opts: CodeRunOptions): Promise<{ result: BacktestResult; events: AuditEvent[] | null }> {
  const info = input.info ?? codeStrategyInfo(input.source, input.fileName, input.params);
  const cfg = parseBacktestConfig(input.config);
  const tf = timeframeToMs(cfg.timeframe);
  const datasets = cfg.symbols.map((s) => {
    const d = input.datasets.find((x) => x.symbol === s);
    if (!d) throw new ValidationError(`no candles for ${s}`, [{ path: 'symbols', message: `no dataset for ${s}` }]);
    const cols = selectRange(d.columns, cfg.from, cfg.to);
    return { symbol: s, columns: cols, source: d.source, certificate: certify(s, cfg.timeframe, tf, cols, d.source, nodeSha256, cfg.calendar) };
  });
  const heartbeat = new Int32Array(new SharedArrayBuffer(8));
  heartbeat[0] = -1;
  const url = new URL(`./code-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  const worker = new Worker(url, {
    workerData: { ...input, config: cfg, info, datasets, heartbeat },
    env: {},
    resourceLimits: { maxOldGenerationSizeMb: opts.memoryMb ?? 256, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
    stderr: true,
    stdout: true,
  });
  const n = datasets[0]!.columns.ts.length;
  const equity = new Float64Array(n);
  let got = 0;
  const fills: Fill[] = [];
  return new Promise<{ result: BacktestResult; events: AuditEvent[] | null }>((resolve, reject) => {
    let settled = false;
    let exited = false;
    let lastBar = -1;
    let lastMove = Date.now();
    const started = Date.now();
    const stallMs = opts.stallMs ?? 2000;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      opts.signal?.removeEventListener('abort', onAbort);
      stopWorker();
      f();
    };
    // Terminating a worker while it still loads its modules can abort the whole process (Node 22.23; see
    // workers/pool.ts): a worker cancelled that early is stopped once its entry module runs (heartbeat[1]).
    const stopWorker = (): void => {
      if (exited) return;
      if (Atomics.load(heartbeat, 1) === 1) void worker.terminate();
      else setTimeout(stopWorker, 20).unref();
    };
    const partial = (status: 'error' | 'cancelled', error: RunError): void =>
      finish(() => {
        const k = Math.min(got, n);
        const ts = new Float64Array(k);
        for (let i = 0; i < k; i++) ts[i] = datasets[0]!.columns.ts[i]! + tf;
        const stop = k ? ts[k - 1]! : 0;
        const instruments = instrumentsFor(cfg);
        const kept = fills.filter((f) => f.ts < stop);
        const first = datasets[0]!;
        const result = assembleResult({
          status, error, strategy: info, config: cfg, intervalMs: tf, instruments, ts, equity: equity.slice(0, k),
          book: RunBook.of(kept, undefined, { instruments, intervalMs: tf, axis: first.columns.ts }), orders: 0, initialEquity: Number(cfg.initialCash), datasets: datasets.map((d) => d.certificate), hasher: nodeSha256,
          netProfit: netProfitAt(cfg, instruments, kept, new Map([[first.symbol, k ? first.columns.close[k - 1]! : NaN]])),
        });
        resolve({ result, events: null });
      });
    const onAbort = (): void => partial('cancelled', { code: 'cancelled', message: 'backtest cancelled', bar: Math.max(0, got - 1) });
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const watch = setInterval(() => {
      const bar = Atomics.load(heartbeat, 0);
      const now = Date.now();
      if (bar !== lastBar) {
        lastBar = bar;
        lastMove = now;
      } else if (Atomics.load(heartbeat, 1) === 1 && now - lastMove > stallMs) {
        partial('error', { code: 'timeout', message: `strategy made no progress for ${stallMs} ms at bar ${Math.max(0, bar)} (endless loop?); stopped`, bar: Math.max(0, bar) });
      }
      if (now - started > (opts.maxMs ?? 600_000)) partial('error', { code: 'timeout', message: `backtest exceeded its time budget of ${opts.maxMs ?? 600_000} ms`, bar: Math.max(0, bar) });
    }, 50);
    worker.on('message', (m: { type: string; from?: number; equity?: Float64Array; fills?: Fill[]; result?: BacktestResult; events?: AuditEvent[]; code?: string; message?: string; details?: Record<string, unknown> }) => {
      if (m.type === 'checkpoint') {
        equity.set(m.equity!, m.from!);
        got = m.from! + m.equity!.length;
        fills.push(...m.fills!);
      } else if (m.type === 'done') finish(() => resolve({ result: m.result!, events: m.events ?? null }));
      else if (m.type === 'failed') finish(() => reject(m.code === 'validation' ? new ValidationError(m.message!, (m.details?.issues as never) ?? []) : new KestrelError((m.code as never) ?? 'internal', m.message!)));
    });
    worker.on('error', (e: Error & { code?: string }) => {
      const oom = e.code === 'ERR_WORKER_OUT_OF_MEMORY';
      partial('error', { code: oom ? 'strategy' : 'internal', message: oom ? `strategy exceeded its memory limit (${opts.memoryMb ?? 256} MB); stopped` : `strategy worker failed: ${e.message}`, bar: Math.max(0, lastBar) });
    });
    worker.on('exit', (code) => {
      exited = true;
      if (!settled) finish(() => reject(code === 0 ? new CancelledError('strategy worker ended without a result') : new KestrelError('internal', `strategy worker exited with code ${code}`)));
    });
  });
}
