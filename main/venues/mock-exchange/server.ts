/**
 * A loopback exchange on 127.0.0.1 that speaks Binance spot's public REST and WebSocket protocol, for
 * tests and the offline demo: point ccxt's real binance class at `urls()` and it cannot tell the difference,
 * except that this one can be told to misbehave (see faults.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocketServer, type WebSocket } from 'ws';
import { FaultPlan, type FaultConfig } from './faults.ts';
import { stepBook, TRADES_PER_CANDLE, type MockSymbol } from './market.ts';
import { SimPrivateApi, type PrivateApiOptions } from './private-api.ts';
import { handleRest } from './rest.ts';
import { MARK_STREAMS, markPriceEvent } from './futures-public.ts';
import { moneyToNumber } from '../../core/model/money.ts';
import { aggTradeEvent, apiError, depthEvent, klineEvent, miniTickerEvent, num, tickerEvent, tradeEvent } from './wire.ts';
import { closedCount, formingRow, partialKline, stepLive, tradesEnd, type LiveCursor, type SimClock } from './live.ts';

export interface MockExchangeOptions {
  readonly symbols: readonly MockSymbol[];
  readonly faults?: FaultConfig;
  readonly seed?: number;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Live streams publish one candle (and its trades, a book diff, a ticker) per symbol every this many ms. */
  readonly streamIntervalMs?: number;
  /** Candle index the live stream starts from (default: 1,440 candles before the end). */
  readonly liveFrom?: number;
  /** The private API (keys, accounts, user streams, private faults): private-api.ts. */
  readonly private?: Omit<PrivateApiOptions, 'seed'>;
  /**
   * A live market on this clock (live.ts): candles whose minute has passed are history, the current one
   * forms from its trades, REST and streams agree. Without it the streams replay old candles in a loop.
   */
  readonly clock?: SimClock;
}

export interface MockStats {
  requests: number;
  byPath: Record<string, number>;
  wsConnections: number;
  wsMessages: number;
}

interface Conn {
  readonly ws: WebSocket;
  readonly streams: Set<string>;
  readonly combined: boolean;
  sent: number;
  held: string | undefined;
}

export class MockExchange {
  readonly faults: FaultPlan;
  /** Signed REST, user data streams and the sim's trading accounts. */
  readonly private: SimPrivateApi;
  readonly stats: MockStats = { requests: 0, byPath: {}, wsConnections: 0, wsMessages: 0 };
  private readonly symbols: Map<string, MockSymbol>;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly conns = new Set<Conn>();
  private readonly live = new Map<string, number>();
  private readonly cursors = new Map<string, LiveCursor>();
  /** When each mark-price stream last published (its time, per stream name). */
  private readonly markSent = new Map<string, number>();
  private readonly clock: SimClock | undefined;
  private timer: NodeJS.Timeout | undefined;
  private port = 0;
  private readonly opts: MockExchangeOptions;

  constructor(opts: MockExchangeOptions) {
    this.opts = opts;
    this.faults = new FaultPlan(opts.faults ?? {}, opts.seed ?? 1);
    this.clock = opts.clock;
    this.symbols = new Map(opts.symbols.map((s) => [s.id, s]));
    this.private = new SimPrivateApi(() => this.symbols, { now: () => this.now(), ...opts.private, seed: opts.seed ?? 1 });
    for (const s of opts.symbols) this.live.set(s.id, opts.liveFrom ?? Math.max(0, s.candles.ts.length - 1440));
    this.http = createServer((req, res) => void this.onRequest(req, res));
    this.wss = new WebSocketServer({ noServer: true });
    this.http.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (this.private.claimsUpgrade(url)) {
        this.wss.handleUpgrade(req, socket, head, (ws) => this.private.attach(ws, url));
        return;
      }
      // Binance's USDⓈ-M `/market` stream route (what ccxt's binanceusdm opens for mark price, klines and tickers)
      // serves the same streams here. The `/public` route (futures trades and book) stays unserved: the sim's
      // perpetuals are priced by the spot pair's streams (futures-public.ts).
      url.pathname = url.pathname.replace(/^\/market(?=\/(ws|stream)(\/|$))/, '');
      if (!url.pathname.startsWith('/ws') && url.pathname !== '/stream') {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, url));
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.opts.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.port = (this.http.address() as AddressInfo).port;
    this.timer = setInterval(() => this.tick(), this.opts.streamIntervalMs ?? 50);
    this.timer.unref();
    return this;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  symbol(id: string): MockSymbol | undefined {
    return this.symbols.get(id);
  }

  /** Replace a symbol's data (e.g. after withMissingCandles). */
  setSymbol(s: MockSymbol): void {
    this.symbols.set(s.id, s);
  }

  setFaults(config: FaultConfig): void {
    this.faults.config = config;
  }

  /** The exchange's time: its clock in live mode, else the local clock. */
  now(): number {
    return this.clock?.now() ?? Date.now();
  }

  /** Drops every open stream connection (a network blip). */
  dropStreams(): void {
    for (const c of this.conns) c.ws.terminate();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.private.close();
    for (const c of this.conns) c.ws.terminate();
    this.wss.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  // ── REST ────────────────────────────────────────────────────────────────────────────────────────────

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    this.stats.requests++;
    this.stats.byPath[url.pathname] = (this.stats.byPath[url.pathname] ?? 0) + 1;
    const fault = this.faults.http(Date.now());
    const latency = this.faults.config.latencyMs ?? 0;
    if (latency > 0) await sleep(latency);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
      res.end(JSON.stringify(body));
    };
    switch (fault) {
      case 'disconnect':
        req.socket.destroy();
        return;
      case 'throttled':
      case 'rate-limit':
        return json(429, apiError(-1003, 'Too much request weight used; current limit is 6000 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.'), { 'retry-after': '1' });
      case 'ban':
        return json(418, apiError(-1003, 'Way too much request weight used; IP banned until 0. Please use WebSocket Streams for live updates to avoid bans.'), { 'retry-after': '1' });
      case 'server-error':
        res.writeHead(503, { 'content-type': 'text/html' });
        res.end('<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>');
        return;
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' });
        res.end('[[1499040000000,"0.01634790","0.80000000","0.01575');
        return;
      default:
    }
    if (this.private.claims(req.method ?? 'GET', url.pathname)) return this.private.serve(req, res, url);
    if (req.method !== 'GET') return json(405, apiError(-1000, 'Only public GET endpoints are mocked.'));
    const clock = this.clock;
    const now = this.now();
    const live = clock ? { liveEnd: (s: MockSymbol) => closedCount(s, now), tradesEnd: (s: MockSymbol) => tradesEnd(s, now), forming: (s: MockSymbol) => formingRow(s, now) } : { liveEnd: (s: MockSymbol) => s.candles.ts.length };
    const reply = handleRest(url.pathname, url.searchParams, { symbols: this.symbols, faults: this.faults, ...live }, now);
    if (reply.raw !== undefined) {
      res.writeHead(reply.status, { 'content-type': 'application/json;charset=UTF-8', 'x-mbx-used-weight-1m': String(reply.weight) });
      res.end(reply.raw);
    } else json(reply.status, reply.body, { 'x-mbx-used-weight-1m': String(reply.weight) });
  }

  // ── streams ─────────────────────────────────────────────────────────────────────────────────────────

  private onConnection(ws: WebSocket, url: URL): void {
    this.stats.wsConnections++;
    const combined = url.pathname === '/stream';
    const conn: Conn = { ws, streams: new Set(), combined, sent: 0, held: undefined };
    for (const s of (url.searchParams.get('streams') ?? '').split('/').filter(Boolean)) conn.streams.add(s);
    // /ws/<stream> subscribes to that stream, as on Binance (ccxt uses the path only as a connection key).
    const tail = url.pathname.slice(4);
    if (tail.includes('@')) conn.streams.add(tail);
    this.conns.add(conn);
    ws.on('close', () => this.conns.delete(conn));
    ws.on('error', () => this.conns.delete(conn));
    ws.on('message', (raw) => {
      let msg: { method?: unknown; params?: unknown; id?: unknown };
      try {
        msg = JSON.parse(String(raw)) as typeof msg;
      } catch {
        ws.send(JSON.stringify({ code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' }));
        return;
      }
      const params = Array.isArray(msg.params) ? msg.params.filter((p): p is string => typeof p === 'string') : [];
      if (msg.method === 'SUBSCRIBE') params.forEach((p) => conn.streams.add(p));
      else if (msg.method === 'UNSUBSCRIBE') params.forEach((p) => conn.streams.delete(p));
      else if (msg.method === 'LIST_SUBSCRIPTIONS') {
        ws.send(JSON.stringify({ result: [...conn.streams], id: msg.id ?? null }));
        return;
      } else {
        ws.send(JSON.stringify({ code: 2, msg: 'Invalid request: unknown method', id: msg.id ?? null }));
        return;
      }
      ws.send(JSON.stringify({ result: null, id: msg.id ?? null }));
    });
  }

  private tick(): void {
    if (this.clock) return this.tickLive(this.clock.now());
    if (this.conns.size === 0 && !this.private.anyActive()) return;
    const now = Date.now();
    for (const s of this.symbols.values()) {
      const lower = s.id.toLowerCase();
      const wanted = [...this.conns].some((c) => [...c.streams].some((x) => x.startsWith(`${lower}@`)));
      if (!wanted && !this.private.active(s.id)) continue;
      const n = s.candles.ts.length;
      let i = this.live.get(s.id) ?? 0;
      if (i >= n) i = this.opts.liveFrom ?? Math.max(0, n - 1440);
      this.live.set(s.id, i + 1);
      const events = new Map<string, unknown[]>();
      events.set(`${lower}@kline_1m`, [klineEvent(s, i, '1m', true, now)]);
      const trades: unknown[] = [];
      const aggs: unknown[] = [];
      for (let k = 0; k < 4; k++) {
        trades.push(tradeEvent(s, i * 4 + k, now));
        aggs.push(aggTradeEvent(s, i * 4 + k, now));
      }
      events.set(`${lower}@trade`, trades);
      events.set(`${lower}@aggTrade`, aggs);
      const diff = depthEvent(s, stepBook(s, s.candles.close[i]!), now);
      events.set(`${lower}@depth`, [diff]);
      events.set(`${lower}@depth@100ms`, [diff]);
      events.set(`${lower}@ticker`, [tickerEvent(s, i + 1, now)]);
      events.set(`${lower}@miniTicker`, [miniTickerEvent(s, i + 1, now)]);
      for (const [stream, e] of this.marks(s, now)) events.set(stream, [e]);
      for (const c of this.conns) {
        for (const [stream, list] of events) {
          if (!c.streams.has(stream)) continue;
          for (const e of list) this.send(c, stream, e);
        }
      }
      this.private.onCandle(s, i);
    }
  }

  /** The symbol's mark-price events due now (each stream at its own period), for the streams someone watches. */
  private marks(s: MockSymbol, now: number): [string, unknown][] {
    const out: [string, unknown][] = [];
    const lower = s.id.toLowerCase();
    for (const [suffix, everyMs] of MARK_STREAMS) {
      const stream = lower + suffix;
      if (![...this.conns].some((c) => c.streams.has(stream))) continue;
      const last = this.markSent.get(stream);
      if (last !== undefined && now - last < everyMs && now >= last) continue;
      const mark = this.private.mark(s.id);
      if (mark === undefined) continue;
      this.markSent.set(stream, now);
      out.push([stream, markPriceEvent(s, moneyToNumber(mark), now)]);
    }
    return out;
  }

  /** Live mode: what happened on each symbol since the last tick, in time order, to its subscribers. */
  private tickLive(now: number): void {
    const wall = Date.now();
    if (this.faults.dropDue(wall)) this.dropStreams();
    const stalled = this.faults.stalled(wall);
    for (const s of this.symbols.values()) {
      let cur = this.cursors.get(s.id);
      if (!cur) this.cursors.set(s.id, (cur = { trades: tradesEnd(s, now), closed: closedCount(s, now) }));
      const lower = s.id.toLowerCase();
      const wanted = !this.faults.delisted.has(s.id) && [...this.conns].some((c) => [...c.streams].some((x) => x.startsWith(`${lower}@`)));
      const step = stepLive(s, cur, now);
      // Nobody listening, or the venue silent (stall, delisted): time passes all the same — and the sim's
      // accounts still trade on it (private-api.ts; it moves the book only when no depth stream is served).
      if (!wanted || stalled) {
        this.private.onLiveStep(s, step, !wanted && !stalled);
        continue;
      }
      const out: [string, unknown][] = [];
      let t = 0;
      const flushTrades = (upTo: number) => {
        for (; t < step.trades.length && step.trades[t]! < upTo; t++) {
          out.push([`${lower}@trade`, tradeEvent(s, step.trades[t]!, now)]);
          out.push([`${lower}@aggTrade`, aggTradeEvent(s, step.trades[t]!, now)]);
        }
      };
      for (const i of step.closed) {
        flushTrades((i + 1) * TRADES_PER_CANDLE);
        out.push([`${lower}@kline_1m`, klineEvent(s, i, '1m', true, now)]);
      }
      flushTrades(Infinity);
      if (step.forming) {
        const e = klineEvent(s, step.forming.i, '1m', false, now) as { k: Record<string, unknown> };
        Object.assign(e.k, partialKline(s, step.forming.i, step.forming.k));
        out.push([`${lower}@kline_1m`, e]);
      }
      const diff = depthEvent(s, stepBook(s, step.last), now);
      out.push([`${lower}@depth`, diff], [`${lower}@depth@100ms`, diff]);
      const tk = tickerEvent(s, cur.closed, now) as Record<string, unknown>;
      tk.c = num(step.last, s.priceDecimals);
      out.push([`${lower}@ticker`, tk], [`${lower}@miniTicker`, { ...(miniTickerEvent(s, cur.closed, now) as object), c: tk.c }]);
      out.push(...this.marks(s, now));
      for (const c of this.conns) for (const [stream, e] of out) if (c.streams.has(stream)) this.send(c, stream, e);
      this.private.onLiveStep(s, step, false);
    }
  }

  private send(c: Conn, stream: string, event: unknown): void {
    if (c.ws.readyState !== c.ws.OPEN) return;
    const text = JSON.stringify(c.combined ? { stream, data: event } : event);
    const limit = this.faults.config.wsDisconnectAfter ?? 0;
    if (limit > 0 && c.sent >= limit) {
      this.faults.injected['ws-disconnect']++;
      c.ws.terminate();
      return;
    }
    const fault = this.faults.ws();
    const out: string[] = [];
    if (fault === 'malformed') out.push(text.slice(0, Math.max(1, text.length >> 1)));
    else if (fault === 'duplicate') out.push(text, text);
    else if (fault === 'reorder' && c.held === undefined) {
      c.held = text;
      return;
    } else if (fault === 'disconnect') {
      c.ws.terminate();
      return;
    } else out.push(text);
    if (c.held !== undefined) {
      out.push(c.held);
      c.held = undefined;
    }
    for (const t of out) {
      c.ws.send(t);
      c.sent++;
      this.stats.wsMessages++;
    }
  }
}

export async function startMockExchange(opts: MockExchangeOptions): Promise<MockExchange> {
  return new MockExchange(opts).listen();
}
