/**
 * `npm run bench -- cli`: what a user waits for around a 1M-candle backtest, each figure against the
 * implementation it replaced (kept under test/bench/baseline/ as the named peer):
 * 1. CSV parse of a 1M-row one-minute OHLCV file (≈58 MB, generated into the OS temp dir): streaming columnar
 *    parser from bytes vs the string parser (v1), output allocation included, columns checked bit-identical.
 * 2. CLI cold start, a child process each: `kestrel --help` vs the eager entry; and time to the first line
 *    of `kestrel backtest --data 1M.csv --json` vs the old command's first output.
 * 3. The complete backtest end to end as a child process (wall time): `kestrel backtest --data 1M.csv --json`
 *    vs the old path (backtest-v1.ts); same determinism hash required.
 * 4. Writing that run's result: the streamed writer (display curves + binary sidecar) vs
 *    JSON.stringify(resultToJson(r)).
 * 5. A 64-combination grid over the 1M candles on 2 threads vs 1 (warm pools; data certified once, shared).
 * 6. Worker start-up in the pool: from `new WorkerPool({ threads: 2 })` to a first task done on each thread
 *    (a small rules backtest: ~100 modules per thread; an indicator: the wasm kernels), with the threads'
 *    boot (compile + stripped-TypeScript caches, pool-boot.ts) vs bare piscina threads (`boot: false`).
 * Set KESTREL_BENCH_ONLY=parse,cli,e2e,write,sweep,pool to run some of them.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resultToJson } from '../../main/core/backtest/result.ts';
import { parseCandlesCsvBytes } from '../../main/core/data/csv.ts';
import { getTemplate } from '../../main/core/strategy/templates.ts';
import { configFrom } from '../../main/cli/commands/backtest-shared.ts';
import { equityF64, writeResultJson } from '../../main/host/reports/result-json.ts';
import { runBacktest, rulesSource } from '../../workers/backtest/backtester.ts';
import { runSweep } from '../../workers/backtest/sweep-runner.ts';
import { WorkerPool } from '../../workers/pool.ts';
import { parseCandlesCsvV1 } from './baseline/csv-v1.ts';
import { BENCH_SYMBOL, benchCandles, benchCsv } from './csv-fixture.ts';
import { figure, interleavedAsync, ratio } from './harness.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const KESTREL = join(ROOT, 'main/cli/kestrel.ts');
const only = new Set((process.env.KESTREL_BENCH_ONLY ?? 'parse,cli,e2e,write,sweep,pool').split(','));
const csv = benchCsv(1_000_000);
const strategy = join(tmpdir(), 'kestrel-bench', 'sma-crossover.json');
writeFileSync(strategy, JSON.stringify(getTemplate('sma-crossover')!.doc));
const FEE = '0.001';
const N = 1_000_000;

/** Wall time of a child process and of its first output byte (stdout or stderr); stdout kept when asked. */
function child(args: readonly string[], keep = false): Promise<{ ms: number; firstMs: number; out: string; code: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let firstMs = 0;
    const parts: Buffer[] = [];
    const c = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const first = (): void => void (firstMs ||= performance.now() - t0);
    c.stdout.on('data', (b: Buffer) => (first(), keep && parts.push(b)));
    c.stderr.on('data', first);
    c.on('error', reject);
    c.on('close', (code) => resolve({ ms: performance.now() - t0, firstMs, out: Buffer.concat(parts).toString('utf8'), code: code ?? -1 }));
  });
}

const hashOf = (json: string): string => (JSON.parse(json) as { determinismHash: string }).determinismHash;

if (only.has('parse')) {
  const bytes = readFileSync(csv);
  const text = bytes.toString('utf8');
  const a = parseCandlesCsvBytes(bytes).columns;
  const b = parseCandlesCsvV1(text).columns;
  for (const f of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) {
    if (a[f].length !== b[f].length || a[f].some((x, i) => !Object.is(x, b[f][i]))) throw new Error(`bench cli: parsers disagree on ${f}`);
  }
  const r = await interleavedAsync([
    { name: 'ours', run: async () => parseCandlesCsvBytes(bytes) },
    { name: 'v1', run: async () => parseCandlesCsvV1(text) },
  ]);
  const rate = (ms: number): number => N / ms / 1000;
  figure('csv parse 1M rows, fastest round', rate(r.get('ours')!.minMs), 'M rows/s');
  ratio('csv parse 1M rows', 'string parser v1', rate(r.get('ours')!.medianMs), rate(r.get('v1')!.medianMs), 'M rows/s', true);
}

if (only.has('cli')) {
  const help = await interleavedAsync([
    { name: 'ours', run: () => child([KESTREL, '--help']) },
    { name: 'eager', run: () => child([join(ROOT, 'test/bench/baseline/cli-eager.ts')]) },
  ]);
  ratio('cli cold start (kestrel --help, child process)', 'eager entry', help.get('ours')!.medianMs, help.get('eager')!.medianMs, 'ms', false);
  const firsts = { ours: [] as number[], v1: [] as number[] };
  await interleavedAsync([
    { name: 'ours', run: async () => firsts.ours.push((await child([KESTREL, 'backtest', '--strategy', strategy, '--symbol', BENCH_SYMBOL, '--data', csv, '--fee', FEE, '--json'])).firstMs) },
    { name: 'v1', run: async () => firsts.v1.push((await child([join(ROOT, 'test/bench/baseline/backtest-v1.ts'), strategy, csv, BENCH_SYMBOL, FEE])).firstMs) },
  ]);
  const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
  ratio('backtest 1M candles, time to first line (child process)', 'old command', median(firsts.ours.slice(2)), median(firsts.v1.slice(2)), 'ms', false);
}

if (only.has('e2e')) {
  const ours = await child([KESTREL, 'backtest', '--strategy', strategy, '--symbol', BENCH_SYMBOL, '--data', csv, '--fee', FEE, '--json'], true);
  const v1 = await child([join(ROOT, 'test/bench/baseline/backtest-v1.ts'), strategy, csv, BENCH_SYMBOL, FEE], true);
  if (ours.code !== 0 || v1.code !== 0 || hashOf(ours.out) !== hashOf(v1.out)) throw new Error('bench cli: the new and old backtest commands disagree');
  const r = await interleavedAsync([
    { name: 'ours', run: () => child([KESTREL, 'backtest', '--strategy', strategy, '--symbol', BENCH_SYMBOL, '--data', csv, '--fee', FEE, '--json']) },
    { name: 'v1', run: () => child([join(ROOT, 'test/bench/baseline/backtest-v1.ts'), strategy, csv, BENCH_SYMBOL, FEE]) },
  ]);
  figure('backtest 1M candles end to end, fastest round', r.get('ours')!.minMs, 'ms');
  ratio('backtest 1M candles end to end (child process, --json)', 'old command', r.get('ours')!.medianMs, r.get('v1')!.medianMs, 'ms', false);
}

if (only.has('write') || only.has('sweep')) {
  const columns = parseCandlesCsvBytes(readFileSync(csv)).columns;
  const config = await configFrom({ symbol: BENCH_SYMBOL, fee: FEE }, '1m');

  if (only.has('write')) {
    const result = runBacktest({ config, strategy: rulesSource(readFileSync(strategy, 'utf8'), {}), datasets: [{ symbol: BENCH_SYMBOL, columns, source: 'bench' }] });
    const sink = join(tmpdir(), 'kestrel-bench', 'result.out');
    const sidecar = join(tmpdir(), 'kestrel-bench', 'result.f64');
    const r = await interleavedAsync([
      {
        name: 'ours',
        run: async () => {
          const fd = openSync(sink, 'w');
          let parts: string[] = [];
          let size = 0;
          writeResultJson(result, (s) => {
            parts.push(s);
            size += s.length;
            if (size < 1 << 20) return;
            writeSync(fd, parts.join(''));
            parts = [];
            size = 0;
          });
          writeSync(fd, `${parts.join('')}\n`);
          closeSync(fd);
          writeFileSync(sidecar, equityF64(result));
        },
      },
      { name: 'stringify', run: async () => writeFileSync(sink, `${JSON.stringify(resultToJson(result))}\n`) },
    ]);
    ratio('result write, 1M-candle run (JSON + full-curve sidecar)', 'JSON.stringify of schema 2', r.get('ours')!.medianMs, r.get('stringify')!.medianMs, 'ms', false);
  }

  if (only.has('sweep')) {
    const req = { config, doc: getTemplate('sma-crossover')!.doc, sweep: { params: { fast: [4, 6, 8, 10, 12, 14, 16, 18], slow: [20, 30, 40, 50, 60, 70, 80, 90] } }, datasets: [{ symbol: BENCH_SYMBOL, columns, source: 'bench' }] };
    const p1 = new WorkerPool({ threads: 1 });
    const p2 = new WorkerPool({ threads: 2 });
    const r = await interleavedAsync([
      { name: '1', run: () => runSweep(p1, req) },
      { name: '2', run: () => runSweep(p2, req) },
    ], { warmup: 1 });
    await p1.close();
    await p2.close();
    type Out = Awaited<ReturnType<typeof runSweep>>;
    const key = (x: unknown): string => (x as Out).rows.map((row) => `${JSON.stringify(row.params)}:${row.determinismHash}`).join('|');
    if (key(r.get('1')!.last) !== key(r.get('2')!.last) || (r.get('1')!.last as Out).rows.length !== 64) throw new Error('bench cli: sweep rows differ between 1 and 2 threads');
    figure('sweep 64 combinations x 1M candles, 2 threads', r.get('2')!.medianMs, 'ms');
    ratio('sweep 64 combinations x 1M candles', '1 thread', r.get('2')!.medianMs, r.get('1')!.medianMs, 'ms', false);
  }
}

if (only.has('pool')) {
  const candles = benchCandles(2_000);
  const config = await configFrom({ symbol: BENCH_SYMBOL, fee: FEE }, '1m');
  const backtestIn = { config, doc: getTemplate('sma-crossover')!.doc, datasets: [{ symbol: BENCH_SYMBOL, columns: candles, source: 'bench' }] };
  const indicatorIn = { candles, specs: ['ema:20', 'rsi:14'] };
  const firstTasks = {
    backtest: (p: WorkerPool) => Promise.all([p.run('backtest.run', backtestIn), p.run('backtest.run', backtestIn)]),
    indicators: (p: WorkerPool) => Promise.all([p.run('indicators.compute', indicatorIn), p.run('indicators.compute', indicatorIn)]),
  };
  for (const [what, first] of Object.entries(firstTasks)) {
    const ms = { ours: [] as number[], bare: [] as number[] };
    const start = async (boot: boolean, into: number[]): Promise<void> => {
      const t0 = performance.now();
      const p = new WorkerPool({ threads: 2, boot });
      await first(p);
      into.push(performance.now() - t0);
      await p.close();
    };
    await interleavedAsync([
      { name: 'ours', run: () => start(true, ms.ours) },
      { name: 'bare', run: () => start(false, ms.bare) },
    ]);
    const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
    ratio(`pool start-up, 2 threads to a first ${what === 'backtest' ? 'rules backtest' : 'indicator (wasm kernels)'} each`, 'bare piscina threads', median(ms.ours.slice(2)), median(ms.bare.slice(2)), 'ms', false);
  }
}
