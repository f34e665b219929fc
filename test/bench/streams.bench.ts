/**
 * Stream ingest: Binance-format websocket frames (trades, 1m kline updates with a final per minute, tickers)
 * for 8 symbols, taken in batches of 200 frames (one socket read's worth under a burst), through
 * parse → gate → ccxt's binance handler → aggregate (live 1m bars) → persist (closed bars, market.db) →
 * fan-out to the renderer (coalesced per market and kind, events checked against the contract by the
 * IPC server as in the app: sampled outside tests, main/host/ipc/server.ts).
 *
 * ours: the host's MessageGate, LiveBars, BarWriter, StreamsBridge and IpcServer, as wired in the app.
 * peer: the straightforward implementation: the same parse and ccxt handler, then every message inserted
 *       into SQLite on its own (trades and bar updates, one statement each, autocommit) and emitted on its own.
 * Both stores end with the same closed bars (checked) before the ratio is printed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../main/host/log.ts';
import { IpcServer } from '../../main/host/ipc/server.ts';
import type { createHandlers } from '../../main/host/handlers/index.ts';
import { MessageGate } from '../../main/host/market-streams/gate.ts';
import { LiveBars } from '../../main/host/market-streams/live-bars.ts';
import { BarWriter } from '../../main/host/market-streams/bar-writer.ts';
import { StreamsBridge } from '../../main/host/market-streams/ipc-bridge.ts';
import type { MarketStreams } from '../../main/host/market-streams/manager.ts';
import type { StreamUpdate } from '../../main/contract/streams.ts';
import type { HostMessage } from '../../main/contract/index.ts';
import { openMarket, type MarketStores } from '../../main/storage/index.ts';
import { CcxtVenue } from '../../main/venues/ccxt/index.ts';
import { generatedSymbols, startMockExchange } from '../../main/venues/mock-exchange/index.ts';
import { klineEvent, tradeEvent, tickerEvent } from '../../main/venues/mock-exchange/wire.ts';
import { partialKline } from '../../main/venues/mock-exchange/live.ts';
import { figure, fmt, ratio, runQueueMs } from './harness.ts';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BNB/USDT', 'XRP/USDT', 'ADA/USDT', 'DOT/USDT', 'LTC/USDT'];
const MINUTES = Number(process.env.BENCH_STREAM_MINUTES ?? 600);
// 200 frames: one socket read under a burst. At 50,000 msgs/s such a batch takes 4 ms, so a p99 of 2 ms per batch asks for 100,000 msgs/s.
const BATCH = Number(process.env.BENCH_STREAM_BATCH ?? 200);
const dir = mkdtempSync(join(tmpdir(), 'kestrel-bench-streams-'));

const mock = await startMockExchange({ symbols: generatedSymbols({ symbols: SYMBOLS, days: 1, seed: 3 }) });
// One exchange instance per side: each parses the same frames from the same (empty) caches.
const venues = [0, 1].map(() => new CcxtVenue({ exchange: 'binance', endpoints: { rest: mock.baseUrl, ws: mock.wsUrl } }));
for (const v of venues) await v.loadInstruments();

// The frames: per minute and symbol, 4 trades each followed by a kline update, the final kline, a ticker.
const frames: string[] = [];
for (let m = 0; m < MINUTES; m++) {
  for (const sym of SYMBOLS) {
    const s = mock.symbol(sym.replace('/', ''))!;
    const E = s.candles.ts[m]! + 1;
    for (let k = 0; k < 4; k++) {
      frames.push(JSON.stringify(tradeEvent(s, m * 4 + k, E + k * 15_000)));
      const e = klineEvent(s, m, '1m', false, E + k * 15_000 + 1) as { k: Record<string, unknown> };
      Object.assign(e.k, partialKline(s, m, k + 1));
      frames.push(JSON.stringify(e));
    }
    frames.push(JSON.stringify(klineEvent(s, m, '1m', true, E + 59_999)));
    frames.push(JSON.stringify(tickerEvent(s, m + 1, E + 59_999)));
  }
}

interface Sink {
  trade(symbol: string, t: { id?: string; timestamp?: number; price?: number; amount?: number; side?: string }): void;
  bar(symbol: string, row: number[]): void;
  ticker(symbol: string, t: { timestamp?: number; last?: number }): void;
}

/** ccxt's binance handler with a client whose `resolve` hands each unified result to `sink` (no socket). */
function ccxtParser(venue: CcxtVenue, sink: Sink) {
  const ex = venue.ex as unknown as { handleMessage(c: unknown, m: unknown): void; trades: Record<string, unknown>; ohlcvs: Record<string, unknown>; tickers: Record<string, unknown> };
  const client = {
    url: 'ws://127.0.0.1:1/ws/0',
    futures: {}, rejections: {}, subscriptions: {},
    resolve(result: unknown, hash: string) {
      const [kind, symbol] = hash.split('::') as [string, string];
      if (kind === 'trade') { const a = result as unknown[]; sink.trade(symbol, a[a.length - 1] as never); }
      else if (kind === 'ohlcv') { const a = (result as unknown[])[2] as number[][]; sink.bar(symbol, a[a.length - 1]!); }
      else if (kind === 'ticker') sink.ticker(symbol, result as never);
      return result;
    },
    reject() {},
  };
  return { ex, client };
}

const noSend = { label: 'bench', send(_m: HostMessage) {}, onMessage: () => () => {}, onClose: () => () => {} };

function server(): IpcServer {
  // Only `emit` is used: the handler table is not consulted.
  const s = new IpcServer({} as ReturnType<typeof createHandlers>, createLogger('bench', 'silent'));
  s.accept(noSend);
  return s;
}

function ours(stores: MarketStores) {
  const ipc = server();
  const bridge = new StreamsBridge({ streams: { onHealth: () => () => {} } as unknown as MarketStreams, emit: (ch, p) => ipc.emit(ch, p), log: createLogger('bench', 'silent'), flushMs: 1e9 });
  // The bridge flushes on its timer in the app; here at the end of each batch.
  const b = bridge as unknown as { queue(u: StreamUpdate): void; flush(): void };
  const bars = new Map<string, LiveBars>();
  // The writer commits on setImmediate in the app (the end of the socket read); here at the end of each batch.
  const writer = new BarWriter(stores.candles, () => {});
  const gate = new MessageGate('binance');
  const fan = (u: StreamUpdate) => b.queue(u);
  for (const sym of SYMBOLS) {
    // Continue a stored series, as in the app, so each final is stored as it arrives.
    const s = mock.symbol(sym.replace('/', ''))!;
    stores.candles.upsert({ source: 'ours', symbol: sym, timeframe: '1m' }, { ts: [s.candles.ts[0]! - 60_000], open: [1], high: [1], low: [1], close: [1], volume: [1] });
    bars.set(sym, new LiveBars({
      key: { source: 'ours', symbol: sym, timeframe: '1m' }, candles: stores.candles, writer,
      fetch: () => Promise.reject(new Error('no REST in the bench')), emit: (list) => fan({ venue: 'bench', symbol: sym, kind: 'ohlcv', timeframe: '1m', bars: list }),
    }));
  }
  const ids = new Map<string, string>(SYMBOLS.map((s) => [s.replace('/', ''), s]));
  gate.listeners.add({ message() {}, finalKline: (id, _i, bar) => bars.get(ids.get(id)!)!.final(bar) });
  const { ex, client } = ccxtParser(venues[0]!, {
    trade: (symbol, t) => fan({ venue: 'bench', symbol, kind: 'trades', trades: [{ id: t.id ?? null, ts: Number(t.timestamp), price: Number(t.price), qty: Number(t.amount), side: t.side === 'buy' || t.side === 'sell' ? t.side : null }] }),
    bar: (symbol, r) => bars.get(symbol)!.update({ ts: r[0]!, open: r[1]!, high: r[2]!, low: r[3]!, close: r[4]!, volume: r[5]! }),
    ticker: (symbol, t) => fan({ venue: 'bench', symbol, kind: 'ticker', ts: Number(t.timestamp), last: Number(t.last), bid: null, ask: null, high: null, low: null, open: null, changePct: null, baseVolume: null, quoteVolume: null }),
  });
  return {
    batch(list: string[]) {
      for (const f of list) {
        const m = JSON.parse(f) as unknown;
        if (gate.admit(m)) ex.handleMessage(client, m);
      }
      writer.flush();
      b.flush();
    },
  };
}

function peer(stores: MarketStores) {
  const ipc = server();
  const db = stores.db;
  db.exec('CREATE TABLE IF NOT EXISTS peer_trades (symbol TEXT, id TEXT, ts INTEGER, price REAL, qty REAL, side TEXT); CREATE TABLE IF NOT EXISTS peer_bars (symbol TEXT, ts INTEGER, open REAL, high REAL, low REAL, close REAL, volume REAL, PRIMARY KEY (symbol, ts))');
  const insTrade = db.prepare('INSERT INTO peer_trades VALUES (?, ?, ?, ?, ?, ?)');
  const upBar = db.prepare('INSERT OR REPLACE INTO peer_bars VALUES (?, ?, ?, ?, ?, ?, ?)');
  const { ex, client } = ccxtParser(venues[1]!, {
    trade: (symbol, t) => {
      insTrade.run(symbol, t.id ?? null, Number(t.timestamp), Number(t.price), Number(t.amount), t.side ?? null);
      ipc.emit('streams.update', { venue: 'bench', symbol, kind: 'trades', trades: [{ id: t.id ?? null, ts: Number(t.timestamp), price: Number(t.price), qty: Number(t.amount), side: t.side === 'buy' || t.side === 'sell' ? t.side : null }] });
    },
    bar: (symbol, r) => {
      upBar.run(symbol, r[0]!, r[1]!, r[2]!, r[3]!, r[4]!, r[5]!);
      ipc.emit('streams.update', { venue: 'bench', symbol, kind: 'ohlcv', timeframe: '1m', bars: [{ ts: r[0]!, open: r[1]!, high: r[2]!, low: r[3]!, close: r[4]!, volume: r[5]!, closed: false }] });
    },
    ticker: (symbol, t) => ipc.emit('streams.update', { venue: 'bench', symbol, kind: 'ticker', ts: Number(t.timestamp), last: Number(t.last), bid: null, ask: null, high: null, low: null, open: null, changePct: null, baseVolume: null, quoteVolume: null }),
  });
  return {
    batch(list: string[]) {
      for (const f of list) ex.handleMessage(client, JSON.parse(f) as unknown);
    },
    bars: (symbol: string) => db.prepare('SELECT ts, open, high, low, close, volume FROM peer_bars WHERE symbol = ? ORDER BY ts').all(symbol) as { ts: number; close: number }[],
  };
}

/**
 * The two sides take turns batch by batch (ours, then the peer, on the same batch), so that a machine whose
 * load changes during the run slows both alike; each side's rate is its frames over the sum of its batches.
 */
function run(sides: { batch(list: string[]): void }[]) {
  const lat = sides.map(() => [] as number[]);
  // The same batches without the time the OS kept this thread waiting for a CPU (harness.ts, runQueueMs).
  const own = sides.map(() => [] as number[]);
  for (let i = 0; i < frames.length; i += BATCH) {
    const list = frames.slice(i, i + BATCH);
    sides.forEach((p, k) => {
      const w0 = runQueueMs();
      const b0 = performance.now();
      p.batch(list);
      const ms = performance.now() - b0;
      lat[k]!.push(ms);
      own[k]!.push(ms - (runQueueMs() - w0));
    });
  }
  const q = (l: number[], p: number) => [...l].sort((x, y) => x - y)[Math.floor(l.length * p)]!;
  return lat.map((l, k) => {
    const ms = l.reduce((x, y) => x + y, 0);
    return { rate: frames.length / (ms / 1000), p99: q(l, 0.99), median: q(l, 0.5), ownP99: q(own[k]!, 0.99), ownMedian: q(own[k]!, 0.5) };
  });
}

try {
  const a = openMarket(join(dir, 'ours.db'));
  const b = openMarket(join(dir, 'peer.db'));
  const p = peer(b);
  const [r1, r2] = run([ours(a), p]) as [ReturnType<typeof run>[0], ReturnType<typeof run>[0]];
  // Same closed bars on both sides (the peer's last row per minute is the final update).
  for (const sym of SYMBOLS) {
    const mine = a.candles.range({ source: 'ours', symbol: sym, timeframe: '1m' });
    const theirs = p.bars(sym);
    if (mine.length - 1 !== theirs.length || mine.close[mine.length - 1] !== theirs[theirs.length - 1]!.close) throw new Error(`bars differ for ${sym}: ${mine.length - 1} vs ${theirs.length}`);
  }
  figure('streams ingest p99 batch latency', r1.p99, `ms per ${BATCH}-message batch (median ${fmt(r1.median)} ms; peer p99 ${fmt(r2.p99)} ms)`);
  if (runQueueMs() > 0) figure('streams ingest p99 batch latency without run-queue waits', r1.ownP99, `ms (median ${fmt(r1.ownMedian)} ms; peer p99 ${fmt(r2.ownP99)} ms; the time the OS kept the thread off a CPU, subtracted)`);
  figure('streams ingest messages', frames.length, `frames, ${SYMBOLS.length} symbols × ${MINUTES} minutes`);
  ratio('streams ingest', 'insert-per-message', r1.rate, r2.rate, 'msgs/s', true);
  a.db.close();
  b.db.close();
} finally {
  for (const v of venues) await v.close();
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
}
