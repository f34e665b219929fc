/**
 * `npm run bench -- book`: the order-book ladder under a stream of 1,000 book snapshots a second, in headless
 * Chromium. Ours: the app's ladder hook (renderer/features/book/use-book.ts), which renders the newest snapshot
 * once per animation frame. Peer: the same ladder component re-rendered synchronously on every update (what a
 * component that sets state per websocket message does). Figure: frames per second while the stream runs
 * (target ≥ 30); both must end showing the last snapshot's best bid.
 */
import { chromium } from '@playwright/test';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build } from 'vite';
import { figure, ratio } from './harness.ts';

const RATE = Number(process.env.KESTREL_BENCH_BOOK_RATE ?? 1000);
const WINDOW_MS = 3000;
const ROUNDS = 7;
const WARMUP = 2;
const here = fileURLToPath(new URL('.', import.meta.url));

const out = mkdtempSync(join(tmpdir(), 'kestrel-book-bench-'));
await build({ root: join(here, 'book-page'), base: './', logLevel: 'warn', configFile: false, plugins: [react()], build: { outDir: out, emptyOutDir: true, target: 'es2023' } });

const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
const server = createServer((req, res) => {
  const url = (req.url ?? '/').split('?')[0]!;
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
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  type R = { fps: number; updates: number; updatesPerSec: number; longestFrameMs: number; shownBestBid: string; wantBestBid: string };
  const modes = ['batched', 'per-update'] as const;
  const samples: Record<(typeof modes)[number], R[]> = { batched: [], 'per-update': [] };
  for (let r = 0; r < WARMUP + ROUNDS; r++) {
    for (const mode of modes) {
      await page.evaluate(() => (window as unknown as { gc?: () => void }).gc?.());
      await sleep(150);
      const res = await page.evaluate(([m, rate, ms]) => (window as unknown as { run: (m: string, rate: number, ms: number) => Promise<R> }).run(m, rate, ms), [mode, RATE, WINDOW_MS] as const);
      // The ladder must end on the last snapshot sent, or the frame rate means nothing.
      if (res.shownBestBid !== res.wantBestBid) throw new Error(`${mode}: ladder shows best bid ${res.shownBestBid}, last update had ${res.wantBestBid}`);
      if (r >= WARMUP) samples[mode].push(res);
    }
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ours = samples.batched;
  const peer = samples['per-update'];
  figure(`book ladder updates delivered, rAF-batched (median)`, med(ours.map((x) => x.updatesPerSec)), 'updates/s');
  figure(`book ladder updates delivered, re-render per update (median)`, med(peer.map((x) => x.updatesPerSec)), 'updates/s');
  figure(`book ladder longest frame at ${RATE} updates/s, rAF-batched (median)`, med(ours.map((x) => x.longestFrameMs)), 'ms');
  figure(`book ladder longest frame at ${RATE} updates/s, re-render per update (median)`, med(peer.map((x) => x.longestFrameMs)), 'ms');
  const fps = med(ours.map((x) => x.fps));
  console.log(`bench book ladder at ${RATE} updates/s holds >= 30 fps: ${fps >= 30 ? 'yes' : 'NO'} (median ${fps.toFixed(1)} fps, min ${Math.min(...ours.map((x) => x.fps)).toFixed(1)})`);
  ratio(`book ladder frame rate at ${RATE} updates/s (median)`, 're-render per update', fps, med(peer.map((x) => x.fps)), 'fps', true);
} finally {
  await browser.close();
  server.close();
  rmSync(out, { recursive: true, force: true });
}
