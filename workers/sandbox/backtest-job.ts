/**
 * A code-strategy backtest inside the sandbox process: the whole kernel runs here next to the strategy, so
 * callbacks never cross a process boundary (one process hop per bar would cost more than the bar). The
 * job arrives as a message, the candle columns as raw bytes on stdin. A checkpoint goes back every 2048
 * bars (equity and fills since the last one: the partial result the parent keeps if it has to stop the
 * process) and a heartbeat (the bar reached) at least every ~100 ms: the parent's watchdog reads both.
 */
import type { Readable } from 'node:stream';
import { KestrelError } from '../../main/core/errors.ts';
import type { DatasetCertificate } from '../../main/core/backtest/result.ts';
import type { BacktestConfig } from '../../main/core/backtest/config.ts';
import type { StrategyInfo } from '../../main/core/backtest/result.ts';
import type { OhlcvColumns } from '../../main/core/data/candles.ts';
import type { Fill } from '../../main/core/model/index.ts';
import { CodeStrategy } from '../../main/core/strategy/code.ts';
import { runBacktest, type BacktestJob } from '../backtest/backtester.ts';
import { recordBacktest, type RecordSpec } from '../backtest/record.ts';
import { sandboxedModule } from '../backtest/sandbox.ts';

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
  readonly datasets: readonly { symbol: string; source: string; certificate: DatasetCertificate; n: number }[];
}

const PROGRESS_MS = 100;
/** Bars between progress reports at most (the partial result a stopped run keeps). */
const CHECKPOINT = 2048;

function readBytes(stdin: Readable, total: number, then: (buf: ArrayBuffer) => void): void {
  const buf = new ArrayBuffer(total);
  const view = new Uint8Array(buf);
  let got = 0;
  if (total === 0) return then(buf);
  stdin.on('data', (chunk: Buffer) => {
    const take = Math.min(chunk.length, total - got);
    view.set(chunk.subarray(0, take), got);
    got += take;
    if (got === total) {
      stdin.pause();
      then(buf);
    }
  });
  stdin.resume();
}

export function runBacktestJob(job: BacktestJobMessage, stdin: Readable, send: (m: unknown) => void): void {
  const total = job.datasets.reduce((a, d) => a + d.n * 8 * COLUMNS.length, 0);
  readBytes(stdin, total, (buf) => {
    let at = 0;
    const datasets = job.datasets.map((d) => {
      const col = (): Float64Array => {
        const a = new Float64Array(buf, at, d.n);
        at += d.n * 8;
        return a;
      };
      const columns: OhlcvColumns = { ts: col(), open: col(), high: col(), low: col(), close: col(), volume: col() };
      return { symbol: d.symbol, columns, source: d.source, certificate: d.certificate };
    });
    try {
      run(job, datasets, send);
    } catch (e) {
      const k = e instanceof KestrelError ? e : undefined;
      send({ type: 'failed', code: k?.code ?? 'internal', message: e instanceof Error ? e.message : String(e), details: k?.details ?? {} });
    }
  });
}

function run(job: BacktestJobMessage, datasets: BacktestJob['datasets'], send: (m: unknown) => void): void {
  const n = datasets[0]?.columns.ts.length ?? 0;
  const eq = new Float64Array(n);
  let sent = 0;
  let last = performance.now();
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
        if (datasets.length === 1) eq[i] = ctx.equity;
        // Every bar: the parent's stall limit is per callback, so a slow bar must not look like a stuck one.
        const now = performance.now();
        if (i - sent >= CHECKPOINT && datasets.length === 1) progress(i);
        else if (now - last >= PROGRESS_MS) send({ type: 'progress', bar: i });
        else return;
        last = now;
      },
    },
  };
  if (job.record) {
    const { result, events } = recordBacktest(backtest, job.record);
    send({ type: 'done', result, events });
  } else send({ type: 'done', result: runBacktest(backtest) });
}
