/**
 * Runs a code-strategy backtest in a sandbox process (workers/sandbox/, SANDBOX.md): a separate OS process
 * under Node's permission model with an empty environment, which can read nothing but the app's code and
 * write nothing. The parent (this module) keeps the limits:
 *   - memory: a heap limit for the process, and its resident memory polled (typed-array backing stores
 *     live outside the heap); over the limit it is killed;
 *   - time: the process reports its bar at most every ~100 ms; no report for `stallMs` (a runaway
 *     callback, an endless promise job) or a run longer than `maxMs` kills it;
 *   - hostile output: whatever comes back is checked before it is used (the strategy may have taken over
 *     the process it ran in).
 * When the process is stopped, the result is assembled from its last progress report: status 'error' (or
 * 'cancelled'), the reason, and everything up to that bar.
 */
import { KestrelError, ValidationError } from '../../main/core/errors.ts';
import type { OhlcvColumns } from '../../main/core/data/candles.ts';
import type { Fill } from '../../main/core/model/index.ts';
import { checkTimeframe, parseBacktestConfig, timeframeToMs } from '../../main/core/backtest/config.ts';
import { RunBook } from '../../main/core/backtest/run-book.ts';
import { netProfitAt } from '../../main/core/backtest/net-profit.ts';
import { assembleResult, certify, RESULT_SCHEMA, sourceHash, type BacktestResult, type DatasetCertificate, type RunError, type StrategyInfo } from '../../main/core/backtest/result.ts';
import { closeTimesOf, instrumentsFor, nodeSha256, selectRange } from './backtester.ts';
import { prepareSource } from './sandbox.ts';
import { prewarmSandbox, SANDBOX_MEMORY_MB, takeSandbox } from '../sandbox/spawn.ts';
import { COLUMNS, type BacktestJobMessage, type CertificatesMessage } from '../sandbox/backtest-job.ts';
import { checkDone, checkProgress, replyProblem } from '../sandbox/replies.ts';
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
  /** Heap limit of the sandbox process in MB (default 256); its resident memory may be 256 MB more plus the candles. */
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
  const memoryMb = opts.memoryMb ?? SANDBOX_MEMORY_MB;
  const child = takeSandbox({ memoryMb });
  const datasets = (() => {
    try {
      return cfg.symbols.map((s) => {
        const d = input.datasets.find((x) => x.symbol === s);
        if (!d) throw new ValidationError(`no candles for ${s}`, [{ path: 'symbols', message: `no dataset for ${s}` }]);
        return { symbol: s, columns: selectRange(d.columns, cfg.from, cfg.to), source: d.source };
      });
    } catch (e) {
      child.kill();
      throw e;
    }
  })();
  // The candles are checked against the timeframe and certified here while the child runs on them (its
  // result waits for the certificates, which are part of its hash): off the run's critical path.
  let certificates: DatasetCertificate[] | undefined;
  const certified = (): DatasetCertificate[] => (certificates ??= datasets.map((d) => certify(d.symbol, cfg.timeframe, tf, d.columns, d.source, nodeSha256, cfg.calendar)));
  let axis: Float64Array | undefined;
  const closeTimes = (): Float64Array => (axis ??= closeTimesOf(datasets.map((d) => d.columns), tf));
  const job: BacktestJobMessage = {
    type: 'backtest', config: cfg, source: input.source, fileName: input.fileName, info,
    ...(input.params ? { params: input.params } : {}), ...(input.seed !== undefined ? { seed: input.seed } : {}), ...(input.record ? { record: input.record } : {}),
    datasets: datasets.map((d) => ({ symbol: d.symbol, source: d.source, n: d.columns.ts.length })),
  };
  const rssLimit = memoryMb + 256 + datasets.reduce((a, d) => a + (d.columns.ts.length * 48) / 1048576, 0);
  const n = datasets[0]!.columns.ts.length;
  const equity = new Float64Array(n);
  let got = 0;
  const fills: Fill[] = [];
  return new Promise<{ result: BacktestResult; events: AuditEvent[] | null }>((resolve, reject) => {
    let settled = false;
    let ready = false;
    /** Past the last bar: the kernel builds the result, no strategy code runs; only maxMs applies. */
    let assembling = false;
    let lastBar = -1;
    let lastMove = Date.now();
    const started = Date.now();
    const stallMs = opts.stallMs ?? 2000;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      opts.signal?.removeEventListener('abort', onAbort);
      child.kill();
      f();
      // The next run finds a process ready; started once the caller has its result (a fork takes a while).
      setImmediate(() => prewarmSandbox({ memoryMb }));
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
          book: RunBook.of(kept, undefined, { instruments, intervalMs: tf, axis: first.columns.ts }), orders: 0, initialEquity: Number(cfg.initialCash), datasets: certified(), hasher: nodeSha256,
          netProfit: netProfitAt(cfg, instruments, kept, new Map([[first.symbol, k ? first.columns.close[k - 1]! : NaN]])),
        });
        resolve({ result, events: null });
      });
    const stopped = (message: string): void => partial('error', { code: 'strategy', message, bar: Math.max(0, lastBar) });
    const onAbort = (): void => partial('cancelled', { code: 'cancelled', message: 'backtest cancelled', bar: Math.max(0, got - 1) });
    if (opts.signal?.aborted) onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let tick = Date.now();
    const watch = setInterval(() => {
      const now = Date.now();
      // A late tick means this process was busy (certifying the candles, or whatever else the host did): the
      // child's reports of that time are still unread (timers run before I/O), so judge it on the next tick.
      const late = now - tick > 250;
      tick = now;
      if (late) return;
      const rss = child.rssMb();
      if (rss !== undefined && rss > rssLimit) stopped(`strategy exceeded its memory limit (${memoryMb} MB heap, ${Math.round(rssLimit)} MB in all); stopped`);
      else if (ready && !assembling && now - lastMove > stallMs) partial('error', { code: 'timeout', message: `strategy made no progress for ${stallMs} ms at bar ${Math.max(0, lastBar)} (endless loop?); stopped`, bar: Math.max(0, lastBar) });
      else if (now - started > (opts.maxMs ?? 600_000)) partial('error', { code: 'timeout', message: `backtest exceeded its time budget of ${opts.maxMs ?? 600_000} ms`, bar: Math.max(0, lastBar) });
    }, 50);
    child.onMessage((raw) => {
      if (settled) return;
      const m = raw as { type?: unknown };
      try {
        if (m?.type === 'ready') {
          ready = true;
          lastMove = Date.now();
        } else if (m?.type === 'progress') {
          const p = checkProgress(raw, n, got);
          lastBar = p.bar;
          lastMove = Date.now();
          if (p.final) assembling = true;
          if (p.equity) {
            equity.set(p.equity, p.from);
            got = p.from + p.equity.length;
            fills.push(...p.fills);
          }
        } else if (m?.type === 'done') {
          const certs = certified();
          const d = checkDone(raw, { schema: RESULT_SCHEMA, strategy: info, config: cfg, certificate: { ok: certs.every((x) => x.ok), datasets: certs } }, { equity, got }, closeTimes(), input.record?.sessionId);
          finish(() => resolve(d));
        } else if (m?.type === 'failed') {
          const f = raw as { code?: unknown; message?: unknown; details?: { issues?: unknown } };
          const message = typeof f.message === 'string' ? f.message.slice(0, 2000) : 'strategy failed';
          finish(() => reject(f.code === 'validation' ? new ValidationError(message, Array.isArray(f.details?.issues) ? (f.details.issues as never) : []) : new KestrelError(f.code === 'strategy' ? 'strategy' : 'internal', message)));
        } else throw new Error('unknown message');
      } catch (e) {
        stopped(`the strategy sandbox sent an invalid reply (${replyProblem(e)}); stopped`);
      }
    });
    child.onExit((code, signal, stderr) => {
      if (settled) return;
      if (/heap out of memory|Reached heap limit|allocation failed/i.test(stderr)) stopped(`strategy exceeded its memory limit (${memoryMb} MB); stopped`);
      else stopped(`the strategy sandbox ended unexpectedly (${signal ?? `exit code ${code}`})`);
    });
    child.send(job);
    // Views, not copies: the columns are only read, and every byte is written before the child can answer.
    // Once the OS has them all, this process checks and certifies the candles while the child runs.
    const views = datasets.flatMap((d) => COLUMNS.map((c) => new Uint8Array(d.columns[c].buffer, d.columns[c].byteOffset, d.columns[c].byteLength))).filter((v) => v.length > 0);
    let unwritten = views.length;
    const afterWrite = (): void => {
      if (--unwritten > 0 || settled) return;
      try {
        for (const d of datasets) checkTimeframe(d.symbol, cfg.timeframe, d.columns.ts);
        child.send({ type: 'certificates', certificates: certified() } satisfies CertificatesMessage);
        closeTimes();
      } catch (e) {
        finish(() => reject(e));
      }
    };
    if (views.length === 0) {
      unwritten = 1;
      setImmediate(afterWrite);
    }
    for (const v of views) child.write(v, afterWrite);
  });
}
