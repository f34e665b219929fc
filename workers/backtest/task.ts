/** Pool tasks: one rules backtest (optionally recorded as an audit session), or one thread's share of a parameter sweep. Trusted code only (rules documents). */
import { defineTask, type TaskContext } from '../pool.ts';
import { CancelledError } from '../../main/core/errors.ts';
import { PreparedRun, runBacktest, rulesSource, RunScratch, type RunControl } from './backtester.ts';
import { recordBacktest } from './record.ts';
import { IndicatorMemo } from '../../main/core/strategy/series.ts';
import type { SweepRow } from './types.ts';
import { receiveCertificates } from './late-certificates.ts';

/** Progress out, cancellation in (polled by the backtest every 4,096 bars). */
const controlOf = (ctx: TaskContext): RunControl => ({ onProgress: (d, t) => ctx.progress(d, t), aborted: () => ctx.cancelled });

export const run = defineTask<'backtest.run'>((input, ctx) => {
  const h = input.certificates;
  return runBacktest({ config: input.config, strategy: rulesSource(input.doc, input.params), datasets: input.datasets, control: controlOf(ctx), ...(h ? { lateCertificates: () => receiveCertificates(h) } : {}) });
});

export const sweep = defineTask<'backtest.sweep'>((input, ctx) => {
  const rows: SweepRow[] = [];
  const index: number[] = [];
  const { sets, next } = input;
  if (Atomics.load(next, 0) >= sets.length) return { rows, index };
  // The task's backtests run over the same candles: the config is parsed and the candles certified once,
  // each distinct indicator computed once, and the curves written to buffers lent run after run.
  const prepared = new PreparedRun(input.config, input.datasets);
  const memo = new IndicatorMemo();
  const scratch = new RunScratch();
  const control = { aborted: () => ctx.cancelled };
  for (let k = Atomics.add(next, 0, 1); k < sets.length; k = Atomics.add(next, 0, 1)) {
    if (ctx.cancelled) throw new CancelledError('sweep cancelled');
    const params = sets[k]!;
    const r = prepared.summarize(rulesSource(input.doc, params, memo), control, scratch);
    rows.push({ params, status: r.status, ...(r.error ? { error: r.error } : {}), stats: r.stats, determinismHash: r.determinismHash });
    index.push(k);
    ctx.progress(rows.length, sets.length);
  }
  return { rows, index };
});

export const record = defineTask<'backtest.record'>((input, ctx) =>
  recordBacktest({ config: input.config, strategy: rulesSource(input.doc, input.params), datasets: input.datasets, control: controlOf(ctx) }, input.record),
);
