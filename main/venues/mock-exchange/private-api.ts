/**
 * Kestrel Sim's private side, plugged into the loopback exchange (server.ts) by three hooks: HTTP requests
 * it claims (signed REST, futures public REST, /sim-admin), WebSocket upgrades it claims (user data
 * streams) and every published candle (resting orders and triggers). It owns the API keys, the matching
 * engine with its accounts, the user streams and the private faults.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { Rng } from '../../core/data/index.ts';
import { money, type Money } from '../../core/model/money.ts';
import { handleFuturesPublic } from './futures-public.ts';
import type { MockSymbol } from './market.ts';
import { PrivateFaultPlan, type PrivateFaultConfig } from './private-faults.ts';
import { handlePrivate, routeSecurity } from './private-rest.ts';
import { userEvents } from './private-wire.ts';
import { handleAdmin } from './sim-admin.ts';
import { fail, verifyRequest, type SimKey, type SimKeyPermissions } from './signing.ts';
import { isOpen, type SimMarket } from './sim-account.ts';
import { SimEngine, type BookView, type EngineOptions, type SimSymbolSpec } from './sim-engine.ts';
import { UserStreams } from './user-stream.ts';
import { num } from './wire.ts';

export interface PrivateApiOptions {
  readonly seed?: number;
  readonly faults?: PrivateFaultConfig;
  readonly engine?: EngineOptions;
  /** The server clock (ms); tests may pin it. */
  readonly now?: () => number;
}

export interface NewKeyOptions extends Partial<SimKeyPermissions> {
  /** The account the key acts on; a new account per key when absent. */
  readonly account?: string;
  /** Starting spot balances, e.g. { USDT: '100000', BTC: '1' }; given only when the account is new. */
  readonly spot?: Readonly<Record<string, string>>;
  /** Starting USDⓈ-M wallet (USDT). */
  readonly futures?: string;
}

export const DEFAULT_SPOT_BALANCES: Readonly<Record<string, string>> = { USDT: '100000', BTC: '1', ETH: '10', SOL: '100', BNB: '50' };
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class SimPrivateApi {
  readonly engine: SimEngine;
  readonly faults: PrivateFaultPlan;
  readonly streams: UserStreams;
  readonly keys = new Map<string, SimKey>();
  private readonly symbols: () => ReadonlyMap<string, MockSymbol>;
  private readonly rng: Rng;
  private readonly clock: () => number;
  /** Orders the not-found-after-create fault hides from queries, until the given time. */
  private readonly hidden = new Map<number, number>();
  private readonly held = new Set<ServerResponse>();
  private accountSeq = 0;

  constructor(symbols: () => ReadonlyMap<string, MockSymbol>, opts: PrivateApiOptions = {}) {
    this.symbols = symbols;
    this.rng = new Rng((opts.seed ?? 1) ^ 0x1f2e3d);
    this.clock = opts.now ?? Date.now;
    this.faults = new PrivateFaultPlan(opts.faults ?? {}, opts.seed ?? 1);
    this.engine = new SimEngine({ now: this.clock, symbols: () => this.symbols().keys(), spec: (id) => this.spec(id), book: (id) => this.book(id) }, opts.engine);
    this.streams = new UserStreams({ faults: this.faults, keys: this.keys, now: this.clock, newListenKey: () => this.draw(60) });
    this.engine.on((e) => {
      const a = this.engine.account(e.account);
      const isFill = e.kind === 'order' && e.trade !== undefined;
      for (const out of userEvents(e, a, (s) => this.mark(s))) this.streams.publish(e.account, out.market, out.event, isFill);
    });
  }

  /** The server clock signed requests are checked against (the clock-skew fault moves it). */
  now(): number {
    return this.clock() + (this.faults.config.clockSkewMs ?? 0);
  }

  setFaults(config: PrivateFaultConfig): void {
    this.faults.config = config;
  }

  /** Issues an API key (deterministic from the seed) on a new or named account, funding a new account. */
  createKey(o: NewKeyOptions = {}): SimKey {
    const draw = (n: number) => this.draw(n);
    const account = o.account ?? `sim-${++this.accountSeq}`;
    const isNew = !this.engine.accounts.has(account);
    const key: SimKey = {
      apiKey: draw(64), secret: draw(64), account, createTime: this.clock(),
      enableWithdrawals: o.enableWithdrawals ?? false, ipRestrict: o.ipRestrict ?? false, enableReading: o.enableReading ?? true,
      enableSpotAndMarginTrading: o.enableSpotAndMarginTrading ?? true, enableFutures: o.enableFutures ?? true,
    };
    this.keys.set(key.apiKey, key);
    const acct = this.engine.account(account);
    if (isNew) {
      for (const [asset, amount] of Object.entries(o.spot ?? DEFAULT_SPOT_BALANCES)) acct.balance(asset).free += money(amount);
      acct.futuresWallet += money(o.futures ?? '100000');
    }
    return key;
  }

  private draw(n: number): string {
    return Array.from({ length: n }, () => ALNUM[Math.floor(this.rng.uniform() * ALNUM.length)]).join('');
  }

  spec(id: string): SimSymbolSpec | undefined {
    const s = this.symbols().get(id);
    return s && { id: s.id, base: s.base, quote: s.quote, tick: money(s.tickSize), step: money(s.stepSize), minNotional: money(s.minNotional) };
  }

  book(id: string): BookView | undefined {
    const s = this.symbols().get(id);
    if (!s) return undefined;
    const lvl = ([p, q]: [number, number]) => [money(num(p, s.priceDecimals)), money(num(q, s.qtyDecimals))] as const;
    const bids = [...s.book.bids].sort((a, b) => b[0] - a[0]).map(lvl);
    const asks = [...s.book.asks].sort((a, b) => a[0] - b[0]).map(lvl);
    return { bids, asks, last: this.mark(id)! };
  }

  /** Mark and last price: the middle of the sim's book (its levels are symmetric around the last close). */
  mark(id: string): Money | undefined {
    const s = this.symbols().get(id);
    if (!s) return undefined;
    return money(num(midOf(s), s.priceDecimals));
  }

  /** Whether a symbol has something the next candle could fill or trigger (so the server keeps it moving). */
  active(symbolId: string): boolean {
    for (const a of this.engine.accounts.values()) {
      for (const o of a.orders.values()) if (o.symbol === symbolId && isOpen(o.status) && o.type !== 'MARKET') return true;
      for (const al of a.algos.values()) if (al.symbol === symbolId && al.status === 'NEW') return true;
    }
    return false;
  }

  anyActive(): boolean {
    return [...this.symbols().keys()].some((id) => this.active(id));
  }

  /** One candle was published for `s` (index i): resting orders and triggers see its range. */
  onCandle(s: MockSymbol, i: number): void {
    const c = s.candles;
    this.engine.onCandle(s.id, money(num(c.low[i]!, s.priceDecimals)), money(num(c.high[i]!, s.priceDecimals)), money(num(c.volume[i]!, s.qtyDecimals)));
    this.streams.expireDue();
  }

  // ── HTTP ──────────────────────────────────────────────────────────────────────────────────────────

  claims(method: string, path: string): boolean {
    return routeSecurity(method, path) !== undefined || path.startsWith('/fapi/') || path.startsWith('/sim-admin/');
  }

  async serve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const body = await readBody(req);
    const send = (status: number, payload: unknown) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'x-mbx-used-weight-1m': '1' });
      res.end(JSON.stringify(payload));
    };
    if (body === null) {
      // The rest of the body is still on the socket: answer, then close it so it is not read as a request.
      res.writeHead(413, { 'content-type': 'application/json;charset=UTF-8', connection: 'close' });
      res.end(JSON.stringify({ code: -1000, msg: 'Request body too large.' }), () => req.destroy());
      return;
    }
    if (path.startsWith('/sim-admin/')) {
      const r = handleAdmin(method, path, body, this);
      return send(r.status, r.body);
    }
    const security = routeSecurity(method, path);
    if (!security) {
      const pub = method === 'GET' ? handleFuturesPublic(path, url.searchParams, this.symbols(), midOf, this.now()) : undefined;
      return pub ? send(pub.status, pub.body) : send(404, { code: -1000, msg: `Kestrel Sim does not implement ${method} ${path}.` });
    }
    const throttle = this.faults.request();
    if (throttle === 'rate-limit') return send(429, { code: -1003, msg: 'Too many requests; current limit of IP(127.0.0.1) is 6000 requests per minute. Please use the websocket for live updates to avoid polling the API.' });
    if (throttle === 'ban') return send(418, { code: -1003, msg: 'Way too many requests; IP(127.0.0.1) banned until 0. Please use the websocket for live updates to avoid bans.' });
    const header = req.headers['x-mbx-apikey'];
    const auth = verifyRequest({ apiKeyHeader: Array.isArray(header) ? header[0] : header, query: url.search.slice(1), body, now: this.now(), keys: this.keys, signed: security === 'SIGNED' });
    if ('code' in auth) return send(auth.status, { code: auth.code, msg: auth.msg });
    const market: SimMarket = path.startsWith('/fapi') ? 'futures' : 'spot';
    if (security === 'USER_STREAM') return this.userStream(method, market, auth.key, auth.params, send);
    const hiddenReply = this.hiddenOrder(method, path, market, auth.key, auth.params);
    if (hiddenReply) return send(hiddenReply.status, { code: hiddenReply.code, msg: hiddenReply.msg });
    const placing = method === 'POST' && (path === '/api/v3/order' || path === '/fapi/v1/order' || path === '/fapi/v1/algoOrder');
    const fault = placing ? this.faults.placement() : undefined;
    if (fault === 'insufficient-balance') return send(400, { code: -2010, msg: 'Account has insufficient balance for requested action.' });
    const reply = handlePrivate(method, path, auth.params, auth.key, { engine: this.engine, now: this.now(), mark: (s) => this.mark(s) });
    const accepted = reply.status === 200;
    if (accepted && fault === 'lost-ack') {
      req.socket.destroy();
      return;
    }
    if (accepted && fault === 'timeout-after-accept') {
      this.held.add(res);
      setTimeout(() => {
        this.held.delete(res);
        req.socket.destroy();
      }, this.faults.config.holdMs ?? 15_000).unref();
      return;
    }
    if (accepted && fault === 'not-found-after-create') {
      const id = (reply.body as { orderId?: number }).orderId;
      if (typeof id === 'number') this.hidden.set(id, this.clock() + (this.faults.config.notFoundMs ?? 3_000));
    }
    send(reply.status, reply.body);
  }

  private userStream(method: string, market: SimMarket, key: SimKey, params: URLSearchParams, send: (status: number, body: unknown) => void): void {
    const lk = params.get('listenKey') ?? undefined;
    if (method === 'POST') return send(200, { listenKey: this.streams.create(key.account, market) });
    if (method === 'PUT') {
      const f = this.streams.keepalive(key.account, market, lk);
      return f ? send(f.status, { code: f.code, msg: f.msg }) : send(200, market === 'futures' ? { listenKey: lk ?? '' } : {});
    }
    this.streams.remove(key.account, market, lk);
    return send(200, {});
  }

  /** The not-found-after-create fault: a freshly created order is unknown to GET and DELETE for a while. */
  private hiddenOrder(method: string, path: string, market: SimMarket, key: SimKey, p: URLSearchParams): ReturnType<typeof fail> | undefined {
    if (this.hidden.size === 0 || (path !== '/api/v3/order' && path !== '/fapi/v1/order') || method === 'POST') return undefined;
    const now = this.clock();
    for (const [id, until] of this.hidden) if (until <= now) this.hidden.delete(id);
    const acct = this.engine.account(key.account);
    const oid = p.get('orderId');
    const o = oid ? acct.orders.get(Number(oid)) : acct.findByClient(market, p.get('symbol') ?? '', p.get('origClientOrderId') ?? '');
    if (!o || !this.hidden.has(o.orderId)) return undefined;
    return method === 'GET' ? fail(-2013, 'Order does not exist.') : fail(-2011, 'Unknown order sent.');
  }

  // ── WebSocket ─────────────────────────────────────────────────────────────────────────────────────

  claimsUpgrade(url: URL): boolean {
    return this.streams.claims(url);
  }

  attach(ws: WebSocket, url: URL): void {
    this.streams.attach(ws, url);
  }

  close(): void {
    this.streams.close();
    for (const res of this.held) res.destroy();
    this.held.clear();
  }
}

function midOf(s: MockSymbol): number {
  let bid = -Infinity;
  let ask = Infinity;
  for (const p of s.book.bids.keys()) if (p > bid) bid = p;
  for (const p of s.book.asks.keys()) if (p < ask) ask = p;
  const f = 10 ** s.priceDecimals;
  return Number.isFinite(bid) && Number.isFinite(ask) ? Math.round(((bid + ask) / 2) * f) / f : s.candles.close[s.candles.close.length - 1]!;
}

const MAX_BODY = 64 * 1024;

/** The request body as text; null when it exceeds MAX_BODY (the rest is left unread). */
async function readBody(req: IncomingMessage): Promise<string | null> {
  if (req.method === 'GET' || req.method === 'HEAD') return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
