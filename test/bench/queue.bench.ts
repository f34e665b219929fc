/**
 * Sweeps on the queue (workers/queue) against the local pool, on this machine: the same 64-combination sweep
 * over 100k candles on 1 local pool thread vs 2 `kestrel worker` processes (one thread each) behind a local
 * redis-server. The queue path includes everything the user waits for: publishing the dataset, jobs through
 * Redis, results validated, and the sample rows re-run locally to verify their hashes. Also the queue's own
 * overhead per task: enqueue → result read, minus the worker's compute time, on one-set jobs.
 * Needs redis-server (bash .ci/setup installs it).
 */
import { generateDemoCandles } from '../../main/core/data/demo.ts';
import { getTemplate } from '../../main/core/strategy/templates.ts';
import { paramSets, parseSweep, type SweepSpecInput } from '../../main/core/backtest/sweep.ts';
import { sliceForBench } from '../../workers/backtest/backtester.ts';
import { prepareDatasets, runSweep } from '../../workers/backtest/sweep-runner.ts';
import { WorkerPool } from '../../workers/pool.ts';
import { runSetsOnQueue, type QueueRunStats } from '../../workers/queue/client.ts';
import { startRedis } from '../integration/queue/redis.ts';
import { startWorker, stopWorkers } from '../integration/queue/workers.ts';
import { figure, interleavedAsync, ratio } from './harness.ts';

const SYMBOL = 'BTC/USDT';
const N = 100_000;
const cols = sliceForBench(generateDemoCandles({ seed: 42, days: Math.ceil(N / 1440), symbols: [{ symbol: SYMBOL, start: 42_000, priceDecimals: 2, qtyDecimals: 5, rho: 0.9, volScale: 1, volume: 25 }] }).get(SYMBOL)!, N);
const doc = getTemplate('sma-crossover')!.doc;
const config = { symbols: [SYMBOL], timeframe: '1m', instruments: { [SYMBOL]: { tickSize: '0.01', lotSize: '0.00001' } } };
const sweep = { params: { fast: [4, 6, 8, 10, 12, 14, 16, 18], slow: [20, 30, 40, 50, 60, 70, 80, 90] } } as unknown as SweepSpecInput;
const req = { config, doc, sweep, datasets: [{ symbol: SYMBOL, columns: cols, source: 'demo' }] };

const redis = await startRedis();
const workers = [startWorker(redis.url), startWorker(redis.url)];
const pool = new WorkerPool({ threads: 1 });
try {
  await Promise.all(workers.map((w) => w.ready));
  const target = { url: redis.url };
  const key = (x: unknown): string => (x as Awaited<ReturnType<typeof runSweep>>).rows.map((r) => `${JSON.stringify(r.params)}:${r.determinismHash}`).join('|');
  const res = await interleavedAsync([
    { name: 'local', run: () => runSweep(pool, req) },
    { name: 'queue', run: () => runSweep(pool, req, { executor: (c, d, s, ds, o) => runSetsOnQueue(target, pool, c, d, s, ds, o) }) },
  ], { rounds: 9, warmup: 2 });
  const local = res.get('local')!;
  const queue = res.get('queue')!;
  if (key(local.last) !== key(queue.last)) {
    console.error('bench queue: rows differ between the local pool and the queue');
    process.exit(1);
  }

  // Overhead: one-task sweeps, one after the other (a task never waits for a busy worker), over 2,000
  // candles: wall time of the whole call minus the worker's compute time. It includes connecting, the
  // worker check, publishing (already there: one EXISTS) and collecting.
  const tiny = [{ symbol: SYMBOL, columns: sliceForBench(cols, 2_000), source: 'demo' }];
  const one = paramSets(parseSweep({ params: { fast: [4], slow: [20] } } as unknown as SweepSpecInput));
  const overhead: number[] = [];
  for (let r = 0; r < 40; r++) {
    let compute = 0;
    const t0 = performance.now();
    await runSetsOnQueue({ ...target, verify: 0 }, pool, config, doc, one, prepareDatasets(config, tiny), {}, (s: QueueRunStats) => (compute = s.computeMs));
    if (r >= 5) overhead.push(performance.now() - t0 - compute);
  }
  overhead.sort((a, b) => a - b);

  figure('queue sweep 64 combinations x 100k candles, 1 local pool thread', local.medianMs, `ms (min ${local.minMs.toFixed(0)})`);
  figure('queue sweep 64 combinations x 100k candles, 2 queue workers (publish, jobs, validation, 2 rows re-verified locally)', queue.medianMs, `ms (min ${queue.minMs.toFixed(0)})`);
  figure('queue overhead per task, a one-task sweep end to end minus compute, median of 35', overhead[overhead.length >> 1]!, `ms (min ${overhead[0]!.toFixed(1)}, p90 ${overhead[Math.floor(overhead.length * 0.9)]!.toFixed(1)} ms)`);
  ratio('queue sweep 2 queue workers', '1 local thread', queue.medianMs, local.medianMs, 'ms', false);
} finally {
  await stopWorkers(workers);
  await pool.close();
  await redis.stop();
}
