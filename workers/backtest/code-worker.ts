/**
 * Worker entry for one code-strategy backtest (started by code-runner.ts with resourceLimits and an empty
 * environment). Writes a heartbeat (bar index) into shared memory every bar and posts checkpoints (equity
 * and fills so far) so the parent keeps partial results if it has to stop a runaway strategy.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { KestrelError } from '../../main/core/errors.ts';
import type { Fill } from '../../main/core/model/index.ts';
import { CodeStrategy } from '../../main/core/strategy/code.ts';
import { runBacktest, type BacktestJob } from './backtester.ts';
import { recordBacktest } from './record.ts';
import { sandboxedModule } from './sandbox.ts';
import type { CodeRunInput } from './code-runner.ts';

const input = workerData as CodeRunInput & { heartbeat: Int32Array };
const hb = input.heartbeat;
const port = parentPort!;
const CHECKPOINT = 2048;

try {
  const n = input.datasets[0]?.columns.ts.length ?? 0;
  const eq = new Float64Array(n);
  let sent = 0;
  let fillsSent = 0;
  const checkpoint = (to: number, fills: readonly Fill[]): void => {
    port.postMessage({ type: 'checkpoint', from: sent, equity: eq.slice(sent, to), fills: fills.slice(fillsSent) });
    sent = to;
    fillsSent = fills.length;
  };
  Atomics.store(hb, 1, 1);
  const job: BacktestJob = {
    config: input.config,
    datasets: input.datasets,
    strategy: {
      info: input.info,
      create: () => new CodeStrategy(sandboxedModule(input.source, { fileName: input.fileName, seed: input.seed ?? 1 }), { id: input.info.id, version: input.info.version, params: input.params ?? {} }),
    },
    control: {
      heartbeat: (i, ctx) => {
        Atomics.store(hb, 0, i);
        if (input.datasets.length === 1) {
          eq[i] = ctx.equity;
          if (i - sent >= CHECKPOINT) checkpoint(i, ctx.engine.portfolio.fills());
        }
      },
    },
  };
  if (input.record) {
    const { result, events } = recordBacktest(job, input.record);
    port.postMessage({ type: 'done', result, events });
  } else port.postMessage({ type: 'done', result: runBacktest(job) });
} catch (e) {
  const k = e instanceof KestrelError ? e : undefined;
  port.postMessage({ type: 'failed', code: k?.code ?? 'internal', message: e instanceof Error ? e.message : String(e), details: k?.details ?? {} });
}
