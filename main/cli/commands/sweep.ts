/**
 * `kestrel sweep --strategy FILE.json --symbol S --timeframe T --param fast=5:30:5 --param slow=20,40,60
 * [--random N] [--objective sharpe] [--threads N] [--walk-forward IN:OUT] [--queue redis://HOST:PORT] [--data FILE.csv | --demo DAYS] [--json]`
 * With --queue, the backtests run on queue workers (`kestrel worker`) on any machine; see workers/queue/README.md.
 * Grid (default) or seeded random sweep of a rules strategy's parameters on the worker pool; with
 * --walk-forward IN:OUT (bars), a rolling walk-forward with the stitched out-of-sample equity.
 */
import { WorkerPool } from '../../../workers/pool.ts';
import { runSweep, runWalkForward, type SetsExecutor } from '../../../workers/backtest/sweep-runner.ts';
import type { SweepSpecInput } from '../../core/backtest/sweep.ts';
import { parseOptions, type CliCommand, UsageError } from '../command.ts';
import { assumedLine, COMMON_OPTIONS, configFrom, loadCandles, readStrategy, type Assumed, type CommonValues } from './backtest-shared.ts';

function ranges(list: readonly string[] | undefined): Record<string, number[] | { from: number; to: number; step: number }> {
  const out: Record<string, number[] | { from: number; to: number; step: number }> = {};
  for (const p of list ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(p);
    if (!m) throw new UsageError(`--param must be name=a,b,c or name=from:to:step, got ${p}`);
    const spec = m[2]!;
    const parts = spec.split(':');
    if (parts.length === 3) {
      const [from, to, step] = parts.map(Number);
      if (![from, to, step].every((x) => Number.isFinite(x))) throw new UsageError(`bad range ${spec}`);
      out[m[1]!] = { from: from!, to: to!, step: step! };
    } else {
      const vals = spec.split(',').map(Number);
      if (!vals.every(Number.isFinite)) throw new UsageError(`bad values ${spec}`);
      out[m[1]!] = vals;
    }
  }
  if (Object.keys(out).length === 0) throw new UsageError('give at least one --param name=values to sweep');
  return out;
}

export const sweep: CliCommand = {
  name: 'sweep',
  summary: 'Grid / random parameter sweep or rolling walk-forward of a rules strategy on the worker pool.',
  usage: 'kestrel sweep --strategy FILE.json --symbol BASE/QUOTE --param fast=5:30:5 --param slow=20,40 [--data FILE.csv | --demo DAYS | --source NAME] [--queue redis://HOST:PORT [--password-file F]] [options]',
  options: {
    ...COMMON_OPTIONS,
    param: { type: 'string', multiple: true, value: 'NAME=A,B,C|NAME=FROM:TO:STEP', help: 'a parameter to sweep: a list of values or a range; at least one' },
    random: { type: 'string', value: 'N', help: 'seeded random sweep of N samples instead of the full grid' },
    objective: { type: 'string', default: 'sharpe', value: 'STAT', help: 'statistic to rank runs by' },
    threads: { type: 'string', value: 'N', help: 'worker threads', defaultHelp: 'every core' },
    'walk-forward': { type: 'string', value: 'IN:OUT', help: 'rolling walk-forward, in-sample and out-of-sample lengths in bars' },
    queue: { type: 'string', value: 'redis://HOST:PORT', help: 'run the parameter sets on a distributed queue (kestrel worker --queue) instead of this machine' },
    'password-file': { type: 'string', value: 'FILE', help: "the queue's password, read from this file" },
  },
  async run(argv) {
    const { values } = parseOptions(argv, sweep.options);
    const v = values as CommonValues & { random?: string; objective?: string; threads?: string; 'walk-forward'?: string; queue?: string; 'password-file'?: string };
    const strat = readStrategy(v.strategy);
    if (strat.kind !== 'rules') throw new UsageError('sweeps take a rules strategy (.json)');
    const assumed: Assumed[] = [];
    // Made before the data is read: its threads load the sweep's modules meanwhile, and are ready when it is.
    const pool = new WorkerPool({ ...(v.threads ? { threads: Number(v.threads) } : {}), preload: ['backtest.sweep'] });
    try {
      const data = await loadCandles(v, assumed);
      const config = await configFrom(v, data.timeframe, assumed);
      console.error(assumedLine(assumed));
      // Validated by the core sweep schema (objective names, sizes) with path-named errors.
      const spec = { mode: v.random ? 'random' : 'grid', params: ranges(v.param), objective: v.objective, ...(v.random ? { samples: Number(v.random) } : {}) } as unknown as SweepSpecInput;
      const onProgress = (d: number, t: number): void => {
        if (!v.json) process.stderr.write(`\r${d}/${t}`);
      };
      // The queue client (BullMQ, Redis) is loaded only for --queue: a local sweep starts without it.
      const queue = v.queue ? await import('../../../workers/queue/client.ts') : undefined;
      const password = v.queue ? (await import('./worker.ts')).queuePassword(v['password-file']) : undefined;
      // On a queue, this machine's pool only re-runs the rows that verify the workers' hashes.
      const executor: SetsExecutor | undefined = queue ? (cfg, doc, sets, ds, o) => queue.runSetsOnQueue({ url: v.queue!, ...(password ? { password } : {}) }, pool, cfg, doc, sets, ds, o) : undefined;
      const req = { config, doc: strat.source, sweep: spec, datasets: [{ symbol: v.symbol!, columns: data.columns, source: data.source }] };
      if (v['walk-forward']) {
        const m = /^(\d+):(\d+)$/.exec(v['walk-forward']);
        if (!m) throw new UsageError('--walk-forward must be IN:OUT bar counts, e.g. 10000:2000');
        const wf = await runWalkForward(pool, { ...req, walkForward: { inSampleBars: Number(m[1]), outOfSampleBars: Number(m[2]) } }, { onProgress, ...(executor ? { executor } : {}) });
        if (v.json) process.stdout.write(`${JSON.stringify({ objective: wf.objective, windows: wf.windows, equity: { ts: Array.from(wf.equity.ts), value: Array.from(wf.equity.value) } })}\n`);
        else {
          process.stderr.write('\n');
          for (const w of wf.windows) console.log(`window ${w.index}: best ${JSON.stringify(w.best)} in-sample ${wf.objective} ${w.inSample.stats[wf.objective as 'sharpe'] ?? '—'} → out-of-sample net ${w.outOfSample.stats.netProfit}`);
          const eq = wf.equity.value;
          console.log(`stitched out-of-sample equity: ${eq.length ? eq[eq.length - 1]!.toFixed(2) : '—'}`);
        }
      } else {
        const out = await runSweep(pool, req, { onProgress, ...(executor ? { executor } : {}) });
        if (v.json) process.stdout.write(`${JSON.stringify(out)}\n`);
        else {
          process.stderr.write('\n');
          for (const r of out.rows.slice(0, 20)) console.log(`${JSON.stringify(r.params)}  ${out.objective} ${r.stats[out.objective as 'sharpe'] ?? '—'}  net ${r.stats.netProfit}  trades ${r.stats.trades}  maxDD ${(r.stats.maxDrawdown * 100).toFixed(2)}%`);
          if (out.rows.length > 20) console.log(`… ${out.rows.length - 20} more (--json for all)`);
        }
      }
    } finally {
      await pool.close();
    }
    return 0;
  },
};
