/** Pool tasks: one rules backtest (optionally recorded as an audit session), or a chunk of a parameter sweep. Trusted code only (rules documents). */
import { defineTask, type TaskContext } from '../pool.ts';
import { CancelledError } from '../../main/core/errors.ts';
import { runBacktest, rulesSource, RunScratch, summarizeBacktest, type RunControl } from './backtester.ts';
import { recordBacktest } from './record.ts';
import { IndicatorMemo } from '../../main/core/strategy/series.ts';
import type { SweepRow } from './types.ts';

/** Progress out, cancellation in (polled by the backtest every 4,096 bars). */
const controlOf = (ctx: TaskContext): RunControl => ({ onProgress: (d, t) => ctx.progress(d, t), aborted: () => ctx.cancelled });

export const run = defineTask<'backtest.run'>((input, ctx) =>
  runBacktest({ config: input.config, strategy: rulesSource(input.doc, input.params), datasets: input.datasets, control: controlOf(ctx) }),
);

export const sweep = defineTask<'backtest.sweep'>((input, ctx) => {
  const rows: SweepRow[] = [];
  // The task's backtests run over the same candles: each distinct indicator is computed once.
  const memo = new IndicatorMemo();
  const scratch = new RunScratch();
  const control = { aborted: () => ctx.cancelled };
  input.sets.forEach((params, k) => {
    if (ctx.cancelled) throw new CancelledError('sweep cancelled');
    const r = summarizeBacktest({ config: input.config, strategy: rulesSource(input.doc, params, memo), datasets: input.datasets, control }, scratch);
    rows.push({ params, status: r.status, ...(r.error ? { error: r.error } : {}), stats: r.stats, determinismHash: r.determinismHash });
    ctx.progress(k + 1, input.sets.length);
  });
  return { rows };
});

export const record = defineTask<'backtest.record'>((input, ctx) =>
  recordBacktest({ config: input.config, strategy: rulesSource(input.doc, input.params), datasets: input.datasets, control: controlOf(ctx) }, input.record),
);
