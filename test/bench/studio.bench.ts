/**
 * `npm run bench -- studio`: what the user waits for when the studio backtests 1M stored candles — from
 * `backtest.run` over the headless WebSocket (the renderer's transport) through the worker pool and the
 * stored result to `backtest.get` decoded on the client with its curves as typed arrays (1M points each).
 * Progress events are counted on the way. The curves come as the studio asks for them: display points
 * (extremes kept); the same run with its full curves over the WebSocket is reported next to it.
 *
 * Peer (the previous path, in the same process, same run): the result as JSON with its curves as arrays of
 * numbers, stringified and parsed (in-process: 1M points of JSON do not fit in one WebSocket frame).
 *
 * SMA crossover 10/30 template (rules DSL), 1M generated 1m candles of one symbol, no fees, risk `config`
 * (none) so the figure is the pipeline's, not the risk gate's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type KestrelClient } from '../../main/contract/index.ts';
import { generateDemoCandles } from '../../main/core/data/demo.ts';
import { createHost } from '../../main/host/host.ts';
import { startHeadless } from '../../main/host/headless/server.ts';
import { connectWebSocket } from '../../main/host/transports/websocket-client.ts';
import { figure, interleavedAsync, ratio } from './harness.ts';

const N = Number(process.env.KESTREL_BENCH_STUDIO_N ?? 1_000_000);
const DAYS = Math.ceil(N / 1440);
process.env.KESTREL_KEY_PASSPHRASE ??= 'kestrel bench passphrase';
process.env.KESTREL_KEY_SCRYPT_LOG_N ??= '14';
const dataDir = mkdtempSync(join(tmpdir(), 'kestrel-bench-studio-'));
const host = await createHost({ mode: 'memory', dataDir, env: { ...process.env, KESTREL_PAPER: '0', KESTREL_DEMO: '0' } });
const headless = await startHeadless({ host, staticDir: mkdtempSync(join(tmpdir(), 'kestrel-bench-static-')) });
const client: KestrelClient = createClient(await connectWebSocket(headless.wsUrl));

const demo = generateDemoCandles({ days: DAYS, seed: 7 });
const [symbol, cols] = [...demo.entries()][0]!;
const n = Math.min(N, cols.ts.length);
const slice = (a: Float64Array) => a.subarray(cols.ts.length - n);
host.services.market.stores.candles.upsert({ source: 'bench', symbol, timeframe: '1m' }, { ts: slice(cols.ts), open: slice(cols.open), high: slice(cols.high), low: slice(cols.low), close: slice(cols.close), volume: slice(cols.volume) });

const tpl = (await client.call('strategy.templates', {})).find((t) => t.id === 'sma-crossover')!;
const saved = await client.call('strategy.save', { name: 'bench cross', kind: 'rules', source: tpl.source });
const config = { symbols: [symbol], timeframe: '1m', currency: 'USDT', instruments: { [symbol]: { tickSize: '0.01', lotSize: '0.00001' } } };

/** `p`, or a clear failure after `ms`: a reply or event that never comes must not hang `npm run bench`. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (t = setTimeout(() => reject(new Error(`bench studio: ${what} did not arrive within ${ms / 1000} s`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}

/** Starts a run and resolves when its final progress event arrives; counts the running ones. */
async function runToEnd(): Promise<{ runId: string; progress: number }> {
  let progress = 0;
  let runId = '';
  const ended: Promise<void> = new Promise((resolve, reject) => {
    const off = client.on('backtest.progress', (p) => {
      if (p.runId !== runId) return;
      if (p.status === 'running') progress++;
      else {
        off();
        if (p.status === 'ok') resolve();
        else reject(new Error(`run ${p.status}: ${p.message ?? ''}`));
      }
    });
  });
  runId = (await client.call('backtest.run', { strategyId: saved.id, config, dataSource: 'bench', risk: 'config' })).runId;
  await within(ended, 120_000, 'the final progress event');
  return { runId, progress };
}

/** What renderer/state/studio.ts asks backtest.get for. */
const DISPLAY_POINTS = 10_000;
let lastOurs: { trades: number; points: number; bars: number; progress: number } | undefined;
let lastFull: { trades: number; points: number } | undefined;
let lastPeer: { trades: number; points: number } | undefined;
const res = await interleavedAsync([
  {
    name: 'typed',
    async run() {
      const { runId, progress } = await runToEnd();
      // As the studio asks: display points of the curves (the full curves are the next case).
      const r = await within(client.call('backtest.get', { runId, points: DISPLAY_POINTS }), 60_000, 'backtest.get');
      if (!(r.equity.value instanceof Float64Array)) throw new Error('curves did not arrive as typed arrays');
      return (lastOurs = { trades: r.trades.length, points: r.equity.value.length, bars: r.equity.bars ?? r.equity.value.length, progress });
    },
  },
  {
    name: 'typed-full',
    async run() {
      const { runId } = await runToEnd();
      const r = await within(client.call('backtest.get', { runId }), 60_000, 'backtest.get');
      if (!(r.equity.value instanceof Float64Array)) throw new Error('curves did not arrive as typed arrays');
      return (lastFull = { trades: r.trades.length, points: r.equity.value.length });
    },
  },
  {
    name: 'json',
    async run() {
      const { runId } = await runToEnd();
      // A 1M-point JSON result is larger than a WebSocket frame may be: it is built and parsed in this
      // process (what the previous path cost, minus the transport it no longer fits through).
      const res = host.services.backtest.result(runId);
      const text = JSON.stringify({ ...res, equity: { ts: Array.from(res.equity.ts), value: Array.from(res.equity.value), drawdown: Array.from(res.equity.drawdown) } });
      const doc = JSON.parse(text) as { trades: unknown[]; equity: { value: number[] } };
      return (lastPeer = { trades: doc.trades.length, points: doc.equity.value.length });
    },
  },
], { rounds: 7, warmup: 1, pauseMs: 200 });

const ours = res.get('typed')!, full = res.get('typed-full')!, peer = res.get('json')!;
if (lastOurs && lastPeer && (lastOurs.trades !== lastPeer.trades || lastFull?.trades !== lastPeer.trades)) console.error(`bench studio: trade counts differ (${lastOurs.trades}, ${lastFull?.trades} vs ${lastPeer.trades})`);
figure(`studio backtest ${n} stored 1m candles, run → progress → result with typed-array display curves over the WebSocket`, ours.medianMs, `ms (min ${ours.minMs.toFixed(0)} ms; ${lastOurs?.trades} trades, ${lastOurs?.points} display points of ${lastOurs?.bars} bars, ${lastOurs?.progress} progress events)`);
figure('studio backtest, same run with the full curves over the WebSocket', full.medianMs, `ms (min ${full.minMs.toFixed(0)} ms; ${lastFull?.points} curve points)`);
figure('studio backtest, same run with its result as JSON (stringified and parsed in-process)', peer.medianMs, `ms (min ${peer.minMs.toFixed(0)} ms; ${lastPeer?.points} curve points)`);
client.close();
await headless.close();
await host.close();
rmSync(dataDir, { recursive: true, force: true });
ratio('studio 1M-candle backtest to the UI', 'result as JSON', ours.medianMs, peer.medianMs, 'ms', false);
