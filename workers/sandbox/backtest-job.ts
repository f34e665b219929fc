/**
 * A code-strategy backtest inside the sandbox process: the whole kernel runs here next to the strategy, so
 * callbacks never cross a process boundary (one process hop per bar would cost more than the bar). The
 * job arrives as a message, the candle columns as raw bytes on stdin. Progress goes back every ~100 ms
 * or 2048 bars, whichever comes first (bar reached, equity and fills since the last one): the parent's watchdog reads it as the
 * heartbeat and keeps the partial result if it has to stop the process.
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
  let fillsSent = 0;
  let last = performance.now();
  const progress = (to: number, fills: readonly Fill[]): void => {
    send({ type: 'progress', bar: to, from: sent, equity: eq.slice(sent, to), fills: fills.slice(fillsSent) });
    sent = to;
    fillsSent = fills.length;
  };
  const backtest: BacktestJob = {
    config: job.config,
    datasets,
    strategy: {
      info: job.info,
      create: () => new CodeStrategy(sandboxedModule(job.source, { fileName: job.fileName, seed: job.seed ?? 1 }), { id: job.info.id, version: job.info.version, params: job.params ?? {} }),
    },
    control: {
      heartbeat: (i, ctx) => {
        if (datasets.length === 1) eq[i] = ctx.equity;
        if ((i & 255) !== 0) return;
        const now = performance.now();
        if (now - last < PROGRESS_MS && i - sent < CHECKPOINT) return;
        last = now;
        if (datasets.length === 1) progress(i, ctx.engine.portfolio.fills());
        else send({ type: 'progress', bar: i });
      },
    },
  };
  if (job.record) {
    const { result, events } = recordBacktest(backtest, job.record);
    send({ type: 'done', result, events });
  } else send({ type: 'done', result: runBacktest(backtest) });
}
