/**
 * Stream ingest, the whole path a live frame takes in the host: Binance-format websocket frames (trades,
 * 1m kline updates with a final per minute, order-book diffs, mini tickers) for 8 symbols, each on the socket of
 * its own ccxt subscription (ccxt binance opens one per subscription), handed to that socket's `ws`
 * WebSocket as `ws` hands a decoded frame on ('message' with a Buffer) → ccxt's stream reader (duplex,
 * deliverLoop), its JSON parse → the host's message gate → ccxt's binance handler and caches → the futures
 * the watch loops of main/venues/ccxt/streams.ts (openStream) wait on → VenueFeed → live 1m bars (closed
 * bars to market.db through the BarWriter) and the StreamsBridge → `streams.update` encoded once per event
 * for every client as the headless WebSocket transport sends it (events checked against the contract by
 * the IPC server as in the app: sampled outside tests, main/host/ipc/server.ts). Kestrel Sim (its clock
 * stopped at the first bench minute, its own push feed off) answers the REST the path makes: the order-book
 * snapshots the diffs apply to, the live-bar resync after connect.
 *
 * A batch is what the host handles in one turn of the event loop: the frames of the socket reads of one
 * poll phase (every socket's frames of the batch in one read, then the microtasks they start: ccxt's
 * readers, the watch loops), then the check phase, where the BarWriter commits the closed bars; a batch's
 * time ends after that commit. 200 frames is a host already behind (a burst or a backlog): the figure the
 * issue's p99 ≤ 2 ms is checked on. A host keeping up with 50,000 msgs/s sees what arrives while the
 * previous turn runs: 50 frames is 1 ms of that rate, printed too (never instead). Fan-out is flushed per
 * batch (the app flushes every 50 ms on its own timer, so per message the bench pays more for it than the
 * app does).
 *
 * ours: MarketStreams (VenueFeed, MessageGate, openStream, LiveBars, BarWriter) under the StreamsBridge and
 *       IpcServer, as wired in the app, subscribed to ohlcv, trades, ticker and book for each symbol.
 * peer: the straightforward implementation on the same ccxt client: a watch loop per (symbol, kind) that
 *       inserts every trade and bar update it gets into SQLite on its own (one statement each, autocommit)
 *       and emits every update (bars, trades, ticker, the top 50 levels of the book) on its own.
 *
 * ccxt alone (printed, not a side of the ratio): the peer's watch loops dropping what they get — the part
 *       of a batch that stays while ccxt reads, parses and handles every frame.
 *
 * Method: each side runs alone over all frames (one phase), with a fresh store, exchange instance and
 * sockets, after a priming minute (subscriptions acknowledged, book snapshots applied, stream bars
 * continuing the stored series), a forced GC and a pause, so that one side's garbage is never collected
 * inside the other's batches; sides alternate phase by phase over BENCH_STREAM_ROUNDS rounds after a
 * discarded warm-up round (JIT). Latencies pool every timed round; the rate is the median round's. Both
 * stores end with the same closed bars (checked: count and every close) before the ratio is printed. Slow
 * batches are attributed to the GC pauses that overlap them.
 * `npm run bench -- streams` runs this with the host process's V8 flags (main/host/v8-flags.ts), as the app runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { setTimeout as sleep, setImmediate as nextCheck } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventEmitter } from 'node:events';
import { createLogger } from '../../main/host/log.ts';
import { IpcServer } from '../../main/host/ipc/server.ts';
import type { createHandlers } from '../../main/host/handlers/index.ts';
import { MarketStreams } from '../../main/host/market-streams/manager.ts';
import { StreamsBridge } from '../../main/host/market-streams/ipc-bridge.ts';
import { VenuePool } from '../../main/host/venues/pool.ts';
import { encodeFrame, type HostConnection, type HostMessage } from '../../main/contract/index.ts';
import { openMarket, type MarketStores } from '../../main/storage/index.ts';
import type { CcxtVenue, VenueOptions } from '../../main/venues/ccxt/index.ts';
import { generatedSymbols, SimClock, startMockExchange, type MockSymbol } from '../../main/venues/mock-exchange/index.ts';
import { depthEvent, klineEvent, miniTickerEvent, tradeEvent } from '../../main/venues/mock-exchange/wire.ts';
import { partialKline } from '../../main/venues/mock-exchange/live.ts';
import { stepBook, tradeAt } from '../../main/venues/mock-exchange/market.ts';
import { figure, fmt, ratio, runQueueMs } from './harness.ts';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BNB/USDT', 'XRP/USDT', 'ADA/USDT', 'DOT/USDT', 'LTC/USDT'];
const MINUTES = Number(process.env.BENCH_STREAM_MINUTES ?? 600);
// A burst or backlog (the figure); what 1 ms brings at 50,000 msgs/s (a host keeping up).
const BATCH = Number(process.env.BENCH_STREAM_BATCH ?? 200);
const STEADY_BATCH = 50;
const ROUNDS = Math.max(1, Number(process.env.BENCH_STREAM_ROUNDS ?? 5));
const VENUE = 'bench';
const KINDS = ['ohlcv', 'trades', 'ticker', 'book'] as const;
const dir = mkdtempSync(join(tmpdir(), 'kestrel-bench-streams-'));
const symbols = generatedSymbols({ symbols: SYMBOLS, days: 1, seed: 3 });
const t0 = symbols[0]!.candles.ts[0]!;
// Minute 0 primes each phase; minutes 1..MINUTES are timed. The sim's clock stays inside minute 0, so REST
// (the resync after connect) has no closed bar the stream has not brought yet; its push feed never ticks.
const mock = await startMockExchange({ symbols, clock: new SimClock({ start: t0 + 1, speed: 0 }), streamIntervalMs: 1e9 });
const options: VenueOptions = { exchange: 'binance', endpoints: { rest: mock.baseUrl, ws: mock.wsUrl }, rateLimit: { perSecond: 1000, burst: 100 } };
const sym = (s: string) => mock.symbol(s.replace('/', ''))!;

// The book every phase's REST snapshot shows (the diffs below continue it).
const books = new Map<string, MockSymbol['book']>();
for (const s of SYMBOLS) {
  stepBook(sym(s), sym(s).candles.open[0]!);
  const b = sym(s).book;
  books.set(s, { updateId: b.updateId, bids: new Map(b.bids), asks: new Map(b.asks) });
}

// The frames: per minute and symbol, 4 × (trade, book diff, kline update), the final kline, a ticker.
interface Frame {
  readonly data: Buffer;
  readonly symbol: string;
  /** The ccxt subscription whose socket carries it (its message hash up to the symbol). */
  readonly stream: string;
}
const frames: Frame[] = [];
let primeEnd = 0;
for (let m = 0; m <= MINUTES; m++) {
  if (m === 1) primeEnd = frames.length;
  for (const s of SYMBOLS) {
    const ms = sym(s);
    const E = ms.candles.ts[m]! + 1;
    const push = (stream: string, e: unknown) => frames.push({ data: Buffer.from(JSON.stringify(e)), symbol: s, stream });
    for (let k = 0; k < 4; k++) {
      push(`trade::${s}`, tradeEvent(ms, m * 4 + k, E + k * 15_000));
      push(`orderbook::${s}`, depthEvent(ms, stepBook(ms, tradeAt(ms, m * 4 + k).price), E + k * 15_000 + 1));
      const e = klineEvent(ms, m, '1m', false, E + k * 15_000 + 2) as { k: Record<string, unknown> };
      Object.assign(e.k, partialKline(ms, m, k + 1));
      push(`ohlcv::${s}`, e);
    }
    push(`ohlcv::${s}`, klineEvent(ms, m, '1m', true, E + 59_999));
    // ccxt binance's watchTicker subscribes to the mini ticker.
    push(`ticker:miniTicker@${s}`, miniTickerEvent(ms, m + 1, E + 59_999));
  }
}
const priming = frames.slice(0, primeEnd);
const timed = frames.slice(primeEnd);
const bytes = timed.reduce((n, f) => n + f.data.byteLength, 0);

function restoreBooks(): void {
  for (const s of SYMBOLS) {
    const b = sym(s).book;
    const saved = books.get(s)!;
    b.updateId = saved.updateId;
    b.bids = new Map(saved.bids);
    b.asks = new Map(saved.asks);
  }
}

/** A renderer connected over the headless WebSocket transport: the bytes it would be sent are made, then dropped. */
const encoded = { bytes: 0 };
const wsClient = (label: string): HostConnection => ({
  label,
  send(m: HostMessage) { encoded.bytes += encodeFrame(m).byteLength; },
  sendFrame(frame: Uint8Array) { encoded.bytes += frame.byteLength; },
  onMessage: () => () => {},
  onClose: () => () => {},
});

function server(): IpcServer {
  // Only `emit` is used: the handler table is not consulted. Two windows (a chart and a detached tape).
  const s = new IpcServer({} as ReturnType<typeof createHandlers>, createLogger('bench', 'silent'));
  s.accept(wsClient('bench#1'));
  s.accept(wsClient('bench#2'));
  return s;
}

interface Ex {
  clients: Record<string, { connection?: EventEmitter; subscriptions: Record<string, unknown> }>;
  orderbooks: Record<string, { nonce?: number } | undefined>;
}

/** Each frame's socket (ccxt's `ws` WebSocket of the subscription that carries it), once every one is open. */
async function sockets(v: CcxtVenue, list: readonly Frame[]): Promise<EventEmitter[]> {
  const ex = v.ex as unknown as Ex;
  const of = (f: Frame): EventEmitter | undefined => {
    const c = Object.values(ex.clients).find((x) => Object.keys(x.subscriptions).some((h) => h === f.stream || h.startsWith(`${f.stream}::`)));
    return (c?.connection as { readyState?: number } | undefined)?.readyState === 1 ? c!.connection : undefined;
  };
  const deadline = Date.now() + 20_000;
  const byStream = new Map<string, EventEmitter>();
  for (const f of list) {
    while (!byStream.has(f.stream)) {
      const s = of(f);
      if (s) byStream.set(f.stream, s);
      else if (Date.now() > deadline) throw new Error(`no socket for ${f.stream} (subscriptions: ${Object.values(ex.clients).flatMap((c) => Object.keys(c.subscriptions)).join(', ')})`);
      else await sleep(10);
    }
  }
  return list.map((f) => byStream.get(f.stream)!);
}

/** Waits until every symbol's book has its REST snapshot applied (ccxt buffers diffs until then). */
async function booksReady(v: CcxtVenue): Promise<void> {
  const ex = v.ex as unknown as Ex;
  const deadline = Date.now() + 20_000;
  while (!SYMBOLS.every((s) => ex.orderbooks[s]?.nonce !== undefined)) {
    if (Date.now() > deadline) throw new Error('book snapshots not applied');
    await sleep(10);
  }
}

interface Side {
  readonly venue: CcxtVenue;
  bars(symbol: string): number[];
  close(): Promise<void>;
  /** Fan-out flush (ours: the bridge's timer, run per batch here). */
  flush(): void;
}

async function ours(stores: MarketStores): Promise<Side> {
  const pool = new VenuePool();
  const log = createLogger('bench', 'silent');
  const streams = new MarketStreams({ venues: pool, resolve: () => Promise.resolve(options), candles: stores.candles, log });
  const ipc = server();
  const bridge = new StreamsBridge({ streams, emit: (ch, p) => ipc.emit(ch, p), log, flushMs: 1e9, healthMs: 1e9 });
  for (const s of SYMBOLS) {
    // Continue a stored series, as in the app, so each final is stored as it arrives.
    stores.candles.upsert({ source: VENUE, symbol: s, timeframe: '1m' }, { ts: [t0 - 60_000], open: [1], high: [1], low: [1], close: [1], volume: [1] });
    await bridge.subscribe('bench#1', VENUE, s, [...KINDS]);
  }
  const b = bridge as unknown as { flush(): void };
  return {
    venue: pool.get(options),
    bars: (s) => [...stores.candles.range({ source: VENUE, symbol: s, timeframe: '1m' }).close].slice(1),
    flush: () => b.flush(),
    async close() {
      await streams.settled();
      bridge.close();
      await streams.close();
      await pool.close();
    },
  };
}

/** `bare`: the same watch loops dropping what they get (what ccxt alone costs: the floor of any implementation on it). */
async function peer(stores: MarketStores, bare = false): Promise<Side> {
  const pool = new VenuePool();
  const v = pool.get(options);
  await v.loadInstruments();
  await v.prepareStreams();
  const ex = v.ex;
  const ipc = server();
  const db = stores.db;
  db.exec('CREATE TABLE IF NOT EXISTS peer_trades (symbol TEXT, id TEXT, ts INTEGER, price REAL, qty REAL, side TEXT); CREATE TABLE IF NOT EXISTS peer_bars (symbol TEXT, ts INTEGER, open REAL, high REAL, low REAL, close REAL, volume REAL, PRIMARY KEY (symbol, ts))');
  const insTrade = db.prepare('INSERT INTO peer_trades VALUES (?, ?, ?, ?, ?, ?)');
  const upBar = db.prepare('INSERT OR REPLACE INTO peer_bars VALUES (?, ?, ?, ?, ?, ?, ?)');
  let open = true;
  const loops: Promise<void>[] = [];
  const loop = (watch: () => Promise<unknown>, use: (data: never) => void) => loops.push((async () => {
    while (open) {
      try {
        const data = await watch();
        if (!bare) use(data as never);
      } catch {
        if (open) await sleep(100);
      }
    }
  })());
  const update = (p: Parameters<IpcServer['emit']>[1]) => ipc.emit('streams.update', p as never);
  for (const symbol of SYMBOLS) {
    loop(() => ex.watchTrades(symbol), (list: { id?: string; timestamp: number; price: number; amount: number; side?: string }[]) => {
      for (const t of list) {
        insTrade.run(symbol, t.id ?? null, t.timestamp, t.price, t.amount, t.side ?? null);
        update({ venue: VENUE, symbol, kind: 'trades', trades: [{ id: t.id ?? null, ts: t.timestamp, price: t.price, qty: t.amount, side: t.side === 'buy' || t.side === 'sell' ? t.side : null }] });
      }
    });
    loop(() => ex.watchOHLCV(symbol, '1m'), (rows: number[][]) => {
      for (const r of rows) {
        upBar.run(symbol, r[0]!, r[1]!, r[2]!, r[3]!, r[4]!, r[5]!);
        update({ venue: VENUE, symbol, kind: 'ohlcv', timeframe: '1m', bars: [{ ts: r[0]!, open: r[1]!, high: r[2]!, low: r[3]!, close: r[4]!, volume: r[5]!, closed: false }] });
      }
    });
    loop(() => ex.watchTicker(symbol), (t: { timestamp: number; last: number }) => update({ venue: VENUE, symbol, kind: 'ticker', ts: t.timestamp, last: t.last, bid: null, ask: null, high: null, low: null, open: null, changePct: null, baseVolume: null, quoteVolume: null }));
    loop(() => ex.watchOrderBook(symbol), (ob: { timestamp?: number; bids: number[][]; asks: number[][] }) => update({
      venue: VENUE, symbol, kind: 'book', ts: ob.timestamp ?? 0, seq: null,
      bids: ob.bids.slice(0, 50).map((l) => [l[0]!, l[1]!]), asks: ob.asks.slice(0, 50).map((l) => [l[0]!, l[1]!]),
    }));
  }
  return {
    venue: v,
    flush() {},
    bars: (s) => {
      const r = db.prepare('SELECT close FROM peer_bars WHERE symbol = ? ORDER BY ts').all(s) as { close: number }[];
      return r.map((x) => x.close);
    },
    async close() {
      open = false;
      await pool.close();
      await Promise.race([Promise.all(loops), sleep(1_000)]);
    },
  };
}

type SideName = 'ours' | 'peer' | 'ccxt';

interface Phase {
  /** Wall-clock ms per batch, and the same without the time the OS kept this thread off a CPU (harness.ts). */
  readonly lat: number[];
  readonly own: number[];
  /** Batches longer than 2 ms, and how many of those overlapped a GC pause. */
  readonly slow: number;
  readonly slowWithGc: number;
  readonly gcMs: number;
  readonly gcCount: number;
  readonly rate: number;
  readonly bars: Map<string, number[]>;
  /** What the renderer connections were sent. */
  readonly bytes: number;
}

const gcs: PerformanceEntry[] = [];
const observer = new PerformanceObserver((l) => { for (const e of l.getEntries()) gcs.push(e); });
observer.observe({ entryTypes: ['gc'] });
const forceGc = (globalThis as { gc?: () => void }).gc;

/** A batch as the socket reads of one poll phase: per socket (in order of first frame), its frames in order. */
type Reads = [EventEmitter, Buffer[]][];

/** `list` cut into batches of `batch`, each grouped into its socket reads (made before any timing). */
function reads(list: readonly Frame[], socks: readonly EventEmitter[], batch: number): Reads[] {
  const out: Reads[] = [];
  for (let i = 0; i < list.length; i += batch) {
    const bySocket = new Map<EventEmitter, Buffer[]>();
    for (let k = i; k < Math.min(list.length, i + batch); k++) {
      const got = bySocket.get(socks[k]!);
      if (got) got.push(list[k]!.data);
      else bySocket.set(socks[k]!, [list[k]!.data]);
    }
    out.push([...bySocket]);
  }
  return out;
}

/** Hands one batch to its sockets as `ws` does after a read, and returns after the check phase (the commit). */
async function turn(batch: Reads): Promise<void> {
  for (const [socket, data] of batch) for (const d of data) socket.emit('message', d, false);
  await nextCheck();
}

/** One side alone over the timed frames in batches of `batch`, on a fresh store, exchange instance and sockets. */
async function phase(name: SideName, batch: number, list: readonly Frame[], n: number): Promise<Phase> {
  restoreBooks();
  const stores = openMarket(join(dir, `${name}-${batch}-${n}.db`));
  const side = name === 'ours' ? await ours(stores) : await peer(stores, name === 'ccxt');
  const primeSocks = await sockets(side.venue, priming);
  await booksReady(side.venue);
  for (const b of reads(priming, primeSocks, batch)) await turn(b);
  await sleep(200);
  side.flush();
  const batches = reads(list, await sockets(side.venue, list), batch);
  forceGc?.();
  await sleep(100);
  gcs.length = 0;
  encoded.bytes = 0;
  const lat: number[] = [];
  const own: number[] = [];
  const spans: number[] = [];
  for (const b of batches) {
    const w0 = runQueueMs();
    const b0 = performance.now();
    await turn(b);
    side.flush();
    const b1 = performance.now();
    lat.push(b1 - b0);
    own.push(b1 - b0 - (runQueueMs() - w0));
    spans.push(b0, b1);
  }
  // GC entries are delivered after the turn that recorded them.
  await sleep(10);
  let slow = 0;
  let slowWithGc = 0;
  for (let k = 0; k < lat.length; k++) {
    if (lat[k]! <= 2) continue;
    slow++;
    const [s0, s1] = [spans[2 * k]!, spans[2 * k + 1]!];
    if (gcs.some((g) => g.startTime < s1 && g.startTime + g.duration > s0)) slowWithGc++;
  }
  const gcMs = gcs.reduce((x, g) => x + g.duration, 0);
  const total = lat.reduce((x, y) => x + y, 0);
  const sent = encoded.bytes;
  encoded.bytes = 0;
  await side.close();
  const bars = new Map(SYMBOLS.map((s) => [s, side.bars(s)] as const));
  stores.db.close();
  return { lat, own, slow, slowWithGc, gcMs, gcCount: gcs.length, rate: list.length / (total / 1000), bars, bytes: sent };
}

const q = (l: readonly number[], p: number) => { const s = [...l].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(s.length * p))]!; };
const dist = (l: readonly number[]) => `p50 ${fmt(q(l, 0.5))}, p90 ${fmt(q(l, 0.9))}, p99 ${fmt(q(l, 0.99))}, max ${fmt(Math.max(...l))}`;

try {
  // Warm-up round (discarded): every path JIT-compiled before anything is recorded.
  const warm = timed.slice(0, Math.floor(timed.length / 4));
  for (const side of ['ours', 'peer'] as const) await phase(side, BATCH, warm, -1);
  const runs: Record<string, Phase[]> = { ours: [], oursSteady: [], peer: [] };
  const floor: Phase[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    runs.ours!.push(await phase('ours', BATCH, timed, r));
    runs.oursSteady!.push(await phase('ours', STEADY_BATCH, timed, r));
    runs.peer!.push(await phase('peer', BATCH, timed, r));
    floor.push(await phase('ccxt', BATCH, timed, r));
  }
  // Same closed bars on both sides: every minute, every close (the peer's row per minute ends as the final).
  for (const [name, list] of Object.entries(runs)) for (const ph of list) for (const s of SYMBOLS) {
    const a = ph.bars.get(s)!;
    const b = runs.peer![0]!.bars.get(s)!;
    if (a.length !== MINUTES + 1 || b.length !== MINUTES + 1 || a.some((c, i) => c !== b[i])) throw new Error(`bars differ for ${s} (${name}): ${a.length} vs ${b.length} of ${MINUTES + 1}`);
  }
  const pool = (list: Phase[], f: (p: Phase) => number[]) => list.flatMap(f);
  const median = (l: number[]) => q(l, 0.5);
  const o = runs.ours!;
  const st = runs.oursSteady!;
  const pr = runs.peer!;
  const queued = runQueueMs() > 0;
  figure('streams ingest p99 batch latency', q(pool(o, (p) => p.lat), 0.99), `ms per ${BATCH}-message batch (${dist(pool(o, (p) => p.lat))} ms over ${ROUNDS} rounds; peer p99 ${fmt(q(pool(pr, (p) => p.lat), 0.99))} ms)`);
  if (queued) figure('streams ingest p99 batch latency without run-queue waits', q(pool(o, (p) => p.own), 0.99), `ms (${dist(pool(o, (p) => p.own))} ms; the time the OS kept the thread off a CPU, subtracted)`);
  figure('streams ingest p99 batch latency, steady', q(pool(st, (p) => p.lat), 0.99), `ms per ${STEADY_BATCH}-message batch (1 ms of arrivals at 50,000 msgs/s; ${dist(pool(st, (p) => p.lat))} ms)`);
  if (queued) figure('streams ingest p99 batch latency, steady, without run-queue waits', q(pool(st, (p) => p.own), 0.99), `ms (${dist(pool(st, (p) => p.own))} ms)`);
  figure('streams ingest p99 batch latency, ccxt alone', q(pool(floor, (p) => p.lat), 0.99), `ms per ${BATCH}-message batch (the same sockets, ccxt's reader, parse, handler and watch loops that drop the data: what any implementation on ccxt pays; ${dist(pool(floor, (p) => p.lat))} ms)`);
  if (queued) figure('streams ingest p99 batch latency, ccxt alone, without run-queue waits', q(pool(floor, (p) => p.own), 0.99), `ms (${dist(pool(floor, (p) => p.own))} ms)`);
  const slow = o.reduce((x, p) => x + p.slow, 0);
  const slowGc = o.reduce((x, p) => x + p.slowWithGc, 0);
  figure('streams ingest batches over 2 ms', slow, `of ${pool(o, (p) => p.lat).length} (${slowGc} overlapping a GC pause; GC ${fmt(median(o.map((p) => p.gcMs)))} ms in ${median(o.map((p) => p.gcCount))} pauses per run of ${timed.length} frames)`);
  figure('streams ingest messages', timed.length, `frames (${fmt(bytes / 1e6)} MB), ${SYMBOLS.length} symbols × ${MINUTES} minutes × (4 trades, 4 book diffs, 4 kline updates, final, ticker), ${fmt(o[0]!.bytes / 1e6)} MB encoded for the renderer; node flags: ${process.execArgv.join(' ') || 'none'}`);
  ratio('streams ingest', 'watch-insert-per-message', median(o.map((p) => p.rate)), median(pr.map((p) => p.rate)), 'msgs/s', true);
} finally {
  observer.disconnect();
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
}
