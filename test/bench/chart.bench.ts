/// <reference lib="dom" />
/**
 * `npm run bench -- chart`: loading and rendering 1M one-minute candles in the chart, in headless Chromium.
 * Ours: the host's binary columns (Float64Array) through renderer/features/chart/lightweight.ts. Peer: the same
 * candles as JSON objects, parsed and handed to lightweight-charts. Both are timed inside the page from the
 * request to the second painted frame; the bench server holds both bodies in memory so only the client differs.
 * Both hand the library the same window of bars (see FIRST_WINDOW in the wrapper: handing lightweight-charts all
 * 1M bars at once measured 8.5–35 s here, which is why the view windows it). `loadJson(true)` in the page does that.
 */
import { chromium } from '@playwright/test';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { figure, ratio } from './harness.ts';

const N = Number(process.env.KESTREL_BENCH_CANDLES ?? 1_000_000);
const ROUNDS = 7;
const WARMUP = 2;
const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

/** A seeded random walk on a 0.01 tick; deterministic so both sides see identical candles. */
function candles(n: number) {
  const cols = Array.from({ length: 6 }, () => new Float64Array(n));
  const [ts, open, high, low, close, volume] = cols as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  let s = 0x2545f491;
  const rnd = () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0), (s >>> 0) / 2 ** 32);
  let p = 30_000;
  const t0 = Date.UTC(2023, 0, 1);
  for (let i = 0; i < n; i++) {
    const o = p;
    const c = Math.max(1, Math.round((o + (rnd() - 0.5) * 40) * 100) / 100);
    ts[i] = t0 + i * 60_000;
    open[i] = o;
    close[i] = c;
    high[i] = Math.round((Math.max(o, c) + rnd() * 10) * 100) / 100;
    low[i] = Math.round((Math.min(o, c) - rnd() * 10) * 100) / 100;
    volume[i] = Math.round(rnd() * 1000) / 100;
    p = c;
  }
  return { ts, open, high, low, close, volume, cols };
}

const data = candles(N);
const binary = Buffer.alloc(N * 8 * 6);
data.cols.forEach((c, k) => Buffer.from(c.buffer).copy(binary, k * N * 8));
const parts: string[] = [];
for (let i = 0; i < N; i++) parts.push(`{"time":${data.ts[i]! / 1000},"open":${data.open[i]},"high":${data.high[i]},"low":${data.low[i]},"close":${data.close[i]},"volume":${data.volume[i]}}`);
const json = Buffer.from(`[${parts.join(',')}]`);
parts.length = 0;
let expectedSum = 0;
for (let i = 0; i < N; i++) expectedSum += data.close[i]!;

const out = mkdtempSync(join(tmpdir(), 'kestrel-chart-bench-'));
await build({ root: join(here, 'chart-page'), base: './', logLevel: 'warn', configFile: false, build: { outDir: out, emptyOutDir: true, target: 'es2023' } });

const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
const server = createServer((req, res) => {
  const url = (req.url ?? '/').split('?')[0]!;
  if (url === '/candles.bin') return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(binary);
  if (url === '/candles.json') return res.writeHead(200, { 'content-type': 'application/json' }).end(json);
  const file = join(out, normalize(url === '/' ? 'index.html' : url).replace(/^(\.\.[/\\])+/, ''));
  let body: Buffer;
  try {
    body = readFileSync(file);
  } catch {
    return res.writeHead(404).end();
  }
  res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body);
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as { port: number }).port;

const browser = await chromium.launch({
  executablePath: process.env.KESTREL_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--js-flags=--expose-gc', '--disable-background-timer-throttling', '--disable-renderer-backgrounding'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  type R = { ms: number; bars: number; lastClose: number; sumClose: number };
  const cases = { binary: 'loadBinary', json: 'loadJson' } as const;
  const samples: Record<keyof typeof cases, number[]> = { binary: [], json: [] };
  const last: Partial<Record<keyof typeof cases, R>> = {};
  for (let r = 0; r < WARMUP + ROUNDS; r++) {
    for (const k of Object.keys(cases) as (keyof typeof cases)[]) {
      await page.evaluate(() => (window as unknown as { gc?: () => void }).gc?.());
      await sleep(150);
      const res = await page.evaluate((fn) => (window as unknown as Record<string, () => Promise<R>>)[fn]!(), cases[k]);
      last[k] = res;
      if (r >= WARMUP) samples[k].push(res.ms);
    }
  }
  // Same candles on both sides, or no ratio.
  for (const k of ['binary', 'json'] as const) {
    const r = last[k]!;
    if (r.bars !== N || r.lastClose !== data.close[N - 1] || Math.abs(r.sumClose - expectedSum) > 1e-6 * Math.abs(expectedSum)) {
      throw new Error(`${k} loaded different candles: ${JSON.stringify(r)} (want ${N} bars, last close ${data.close[N - 1]})`);
    }
  }
  const med = (s: number[]) => [...s].sort((a, b) => a - b)[Math.floor(s.length / 2)]!;
  const min = (s: number[]) => Math.min(...s);
  figure(`chart load+render ${N / 1e6}M candles, typed arrays (min)`, min(samples.binary), 'ms');
  figure(`chart load+render ${N / 1e6}M candles, JSON objects (min)`, min(samples.json), 'ms');
  const ours = med(samples.binary);
  console.log(`bench chart load+render within the 1.5 s budget: ${ours <= 1500 ? 'yes' : 'NO'} (median ${Math.round(ours)} ms)`);
  ratio(`chart load+render ${N / 1e6}M candles (median)`, 'JSON objects', ours, med(samples.json), 'ms', false);
} finally {
  await browser.close();
  server.close();
  rmSync(out, { recursive: true, force: true });
  void root;
}
