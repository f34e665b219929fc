/**
 * A code-strategy backtest inside the sandbox process: the whole kernel runs here next to the strategy, so
 * callbacks never cross a process boundary (one process hop per bar would cost more than the bar). The
 * job arrives as a message, the candle columns as raw bytes on stdin (read synchronously into one buffer);
 * the parent checks and certifies the same candles meanwhile, and its certificates (part of the result and
 * its hash) arrive as a second message, awaited only when the kernel is done. A checkpoint goes back every
 * 2048 bars (equity and fills since the last one: the partial result the parent keeps if it has to stop the
 * process) and a heartbeat (the bar reached) at least every ~100 ms: the parent's watchdog reads both.
 * The result goes back without the time axis and the drawdown curve, which the parent derives from the
 * candles and the equity curve exactly as the kernel does (replies.ts), and without the part of the equity
 * curve the checkpoints carried already: 24 MB less per 1M candles.
 */
import { readSync } from 'node:fs';
import { KestrelError } from '../../main/core/errors.ts';
import type { DatasetCertificate } from '../../main/core/backtest/result.ts';
import type { BacktestConfig } from '../../main/core/backtest/config.ts';
import type { StrategyInfo } from '../../main/core/backtest/result.ts';
import type { OhlcvColumns } from '../../main/core/data/candles.ts';
import type { Fill } from '../../main/core/model/index.ts';
import { CodeStrategy } from '../../main/core/strategy/code.ts';
import { executeUncertified, RunScratch, type BacktestJob } from '../backtest/backtester.ts';
import { recordBacktest, type RecordSpec } from '../backtest/record.ts';
import { sandboxedModule } from '../backtest/sandbox.ts';
import { serialize } from 'node:v8';
import { generateDemoCandles } from '../../main/core/data/demo.ts';
import { parseBacktestConfig } from '../../main/core/backtest/config.ts';
import { assembleResult, certify, type BacktestResult } from '../../main/core/backtest/result.ts';
import { nodeSha256 } from '../backtest/backtester.ts';

export const COLUMNS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;

export interface BacktestJobMessage {
  readonly type: 'backtest';
  readonly config: BacktestConfig;
  readonly source: string;
  readonly fileName: string;
  readonly info: StrategyInfo;
  readonly params?: Readonly<Record<string, number>>;
  readonly seed?: number;
  readonly record?: RecordSpec;
  /** Candles follow on stdin: per dataset, `n` float64 of each column in COLUMNS order. */
  readonly datasets: readonly { symbol: string; source: string; n: number }[];
}

/** The parent's certificates of the job's datasets, in their order (sent once it has made them). */
export interface CertificatesMessage {
  readonly type: 'certificates';
  readonly certificates: readonly DatasetCertificate[];
}

/**
 * A finished run as it crosses: the result without `equity.ts` and `equity.drawdown` (the parent derives them),
 * and of the equity curve only the values from `from` on (the ones before went with the checkpoints).
 */
export type DoneMessage = { readonly type: 'done'; readonly result: Omit<BacktestResult, 'equity'> & { readonly equity: { readonly from: number; readonly value: Float64Array } }; readonly events?: unknown[] };

const PROGRESS_MS = 100;
/** Bars between progress reports at most (the partial result a stopped run keeps). */
const CHECKPOINT = 2048;
/** Most bars between two reads of the clock. */
const STRIDE = 8;

/**
 * `total` bytes from stdin (fd 0, which a child's stdio pipe leaves blocking and this process never opens as a
 * stream): straight into one buffer, in reads as large as the pipe gives, with no chunk objects.
 */
function readCandleBytes(total: number): ArrayBuffer {
  const buf = new ArrayBuffer(total);
  const view = new Uint8Array(buf);
  for (let got = 0; got < total; ) {
    let k: number;
    try {
      k = readSync(0, view, got, total - got, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue; // never seen: fd 0 is blocking
      throw e;
    }
    if (k === 0) throw new Error(`the candles ended after ${got} of ${total} bytes`);
    got += k;
  }
  return buf;
}

/** `certificates`: resolves with the parent's certificates message (the next message after the job). */
export async function runBacktestJob(job: BacktestJobMessage, certificates: Promise<unknown>, send: (m: unknown) => void): Promise<void> {
  try {
    const buf = readCandleBytes(job.datasets.reduce((a, d) => a + d.n * 8 * COLUMNS.length, 0));
    let at = 0;
    const datasets = job.datasets.map((d) => {
      const col = (): Float64Array => {
        const a = new Float64Array(buf, at, d.n);
        at += d.n * 8;
        return a;
      };
      const columns: OhlcvColumns = { ts: col(), open: col(), high: col(), low: col(), close: col(), volume: col() };
      return { symbol: d.symbol, columns, source: d.source };
    });
    const certs = certificates.then((m) => {
      const c = m as Partial<CertificatesMessage> | undefined;
      if (c?.type !== 'certificates' || !Array.isArray(c.certificates) || c.certificates.length !== datasets.length) throw new Error('expected the certificates of the candles');
      return c.certificates;
    });
    await run(job, datasets, certs, send);
  } catch (e) {
    const k = e instanceof KestrelError ? e : undefined;
    send({ type: 'failed', code: k?.code ?? 'internal', message: e instanceof Error ? e.message : String(e), details: k?.details ?? {} });
  }
}

async function run(job: BacktestJobMessage, datasets: BacktestJob['datasets'], certificates: Promise<readonly DatasetCertificate[]>, send: (m: unknown) => void): Promise<void> {
  const n = datasets[0]?.columns.ts.length ?? 0;
  // One symbol, not recorded: the kernel writes its equity curve here, each bar before the strategy sees it,
  // so a checkpoint reads what the kernel wrote. Otherwise the heartbeat copies the equity each bar.
  const scratch = job.record || datasets.length !== 1 ? undefined : new RunScratch();
  const eq = scratch ? scratch.equity(n) : new Float64Array(n);
  let sent = 0;
  let last = performance.now();
  // The clock is read every bar while bars are slow and every few bars while they are fast (a read costs
  // ~50 ns, a fast bar ~600): a report is late by at most STRIDE bars that together took under ~1 ms
  // before, so a slow bar still never looks like a stuck one.
  let stride = 1;
  let lookAt = 0;
  let looked = last;
  // The fills since the last checkpoint, as the kernel's bus announces them (the portfolio's accepted,
  // deduplicated fills, in order): a checkpoint never copies the whole ledger.
  let fresh: Fill[] = [];
  let listening = false;
  const progress = (to: number): void => {
    send({ type: 'progress', bar: to, from: sent, equity: eq.slice(sent, to), fills: fresh });
    sent = to;
    fresh = [];
  };
  const backtest: BacktestJob = {
    config: job.config,
    datasets,
    strategy: {
      info: job.info,
      create: () => new CodeStrategy(sandboxedModule(job.source, { fileName: job.fileName, seed: job.seed ?? 1 }), { id: job.info.id, version: job.info.version, params: job.params ?? {} }),
    },
    control: {
      // Called once more after the last strategy callback: what follows is the kernel assembling the result
      // (no strategy code), which the parent times by maxMs only.
      onProgress: (done, total) => {
        if (done === total) send({ type: 'progress', bar: Math.max(0, done - 1), final: true });
      },
      heartbeat: (i, ctx) => {
        if (!listening) {
          listening = true;
          if (datasets.length === 1) ctx.engine.bus.on('fill', (e) => fresh.push(e.fill));
        }
        if (!scratch && datasets.length === 1) eq[i] = ctx.equity;
        if (i - sent >= CHECKPOINT && datasets.length === 1) {
          progress(i);
          last = performance.now();
          return;
        }
        // The parent's stall limit is per callback: a slow bar must not look like a stuck one.
        if (i < lookAt) return;
        const now = performance.now();
        stride = now - looked < 1 ? Math.min(stride * 2, STRIDE) : 1;
        looked = now;
        lookAt = i + stride;
        if (now - last < PROGRESS_MS) return;
        send({ type: 'progress', bar: i });
        last = now;
      },
    },
  };
  let result: BacktestResult;
  let events: unknown[] | undefined;
  if (job.record) {
    // A recorded run is short (record.ts: RECORD_MAX_BARS); its audit events carry the result's hash.
    const certs = await certificates;
    ({ result, events } = recordBacktest({ ...backtest, datasets: datasets.map((d, k) => ({ ...d, certificate: certs[k]! })) }, job.record));
  } else {
    const x = executeUncertified(backtest, scratch);
    result = assembleResult({ ...x, datasets: await certificates });
  }
  // The checkpoints sent the curve's first `sent` values as the heartbeat read them; the kernel's curve is the
  // same bar by bar (the portfolio's equity at the close, before the strategy), except where the run
  // changed it after (the last bar, when closeAtEnd closed a position) or took the live path. Only what differs
  // from what the parent holds crosses again.
  const value = result.equity.value;
  const from = sent <= value.length && sameBits(eq, value, sent) ? sent : 0;
  const done: DoneMessage = { type: 'done', result: { ...result, equity: { from, value: value.slice(from) } }, ...(events ? { events } : {}) };
  send(done);
}

/** Whether the first `k` values of `a` and `b` are bit for bit the same. */
function sameBits(a: Float64Array, b: Float64Array, k: number): boolean {
  const x = new BigUint64Array(a.buffer, a.byteOffset, k);
  const y = new BigUint64Array(b.buffer, b.byteOffset, k);
  for (let i = 0; i < k; i++) if (x[i] !== y[i]) return false;
  return true;
}

const WARM_SOURCE = `export default {
  params: { fast: 8, slow: 21 },
  onCandle(ctx, bar) {
    const f = ctx.indicator('sma:' + ctx.params.fast), s = ctx.indicator('ema:' + ctx.params.slow);
    if (f > s && ctx.position() <= 0) ctx.target(0.01, 'in');
    else if (f < s && ctx.position() >= 0) ctx.target(-0.01, 'out');
  },
  onFill(ctx, fill) {},
  onTrade(ctx, trade) {},
};`;

/**
 * A spare process runs one small backtest of its own before it says it is ready: a new process's code is
 * cold (interpreted, then compiled as it gets hot), and a 1M-candle run spent ~0.4 s of its time on that.
 * Everything here is the application's own code and data, run before any job is accepted; nothing of it
 * stays (the kernel keeps no state between runs, and each run's strategy gets a fresh vm context).
 */
export async function warmUp(): Promise<void> {
  const symbol = 'WARM/USDT';
  const columns = generateDemoCandles({ seed: 7, days: 70, symbols: [{ symbol, start: 100, priceDecimals: 2, qtyDecimals: 5, rho: 0.9, volScale: 1, volume: 25 }] }).get(symbol)!;
  const config = parseBacktestConfig({ symbols: [symbol], timeframe: '1m', instruments: { [symbol]: { tickSize: '0.01', lotSize: '0.00001' } } });
  const certificate = certify(symbol, '1m', 60_000, columns, 'warm-up', nodeSha256);
  const info: StrategyInfo = { id: 'warm-up', name: 'warm-up', kind: 'code', version: 'warm-up', params: {} };
  const job: BacktestJobMessage = { type: 'backtest', config, source: WARM_SOURCE, fileName: 'warm-up.js', info, datasets: [{ symbol, source: 'warm-up', n: columns.ts.length }] };
  await run(job, [{ symbol, columns, source: 'warm-up' }], Promise.resolve([certificate]), (m) => void serialize(m));
}
