/**
 * The private (trading) half of a ccxt connection: orders by client order id, open/closed orders, own trades,
 * balances, positions and the private streams, through ccxt's unified API, paced by the connection's limiter.
 *
 * Order calls (create, cancel, edit) are made ONCE: retrying a create that timed out would be a blind
 * resubmit. A failed order call throws the mapped KestrelError with `details.outcome` (errors.ts,
 * `orderOutcome`): the live venue (main/venues/live) decides what to do about an unknown outcome. Reads are
 * retried like every other call of CcxtVenue.
 *
 * Replies are hostile input: everything read here is checked for shape and handed on as plain data
 * (`VenueOrderReport`, `VenueTradeReport`); nothing of ccxt's object model leaves this module.
 *
 * Dry-run: `dryRun: true` builds and signs every order request through ccxt's own pipeline and stops at the
 * transport, recording the signed request (with the signature and key redacted) instead of sending it. It
 * replaces the client's transport for good: give it a ccxt client of its own (not the pooled one).
 */
import type { Exchange } from 'ccxt';
import { KestrelError, VenueNetworkError, VenueRejectedError } from '../../core/errors.ts';
import { numberFromText } from '../../core/model/number-text.ts';
import type { CcxtVenue } from './client.ts';
import { isClockSkew, mapCcxtError, orderOutcome } from './errors.ts';

export type VenueOrderStatus = 'open' | 'closed' | 'canceled' | 'expired' | 'rejected';

export interface VenueOrderReport {
  readonly venueOrderId: string;
  readonly clientOrderId: string | undefined;
  readonly symbol: string;
  readonly status: VenueOrderStatus;
  readonly side: 'buy' | 'sell';
  /** ccxt's unified type, lower case ('limit', 'market', 'stop_market', ...). */
  readonly type: string;
  readonly amount: number;
  readonly filled: number;
  readonly price: number | undefined;
  readonly triggerPrice: number | undefined;
  readonly reduceOnly: boolean;
  readonly ts: number;
}

export interface VenueTradeReport {
  readonly tradeId: string;
  readonly venueOrderId: string;
  readonly clientOrderId: string | undefined;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly amount: number;
  readonly price: number;
  readonly fee: number;
  readonly feeCurrency: string | undefined;
  readonly liquidity: 'maker' | 'taker';
  readonly ts: number;
}

export interface VenueBalance {
  readonly currency: string;
  readonly free: number;
  readonly used: number;
  readonly total: number;
}

export interface VenuePosition {
  readonly symbol: string;
  /** Signed: long positive, short negative (base units). */
  readonly qty: number;
  readonly entryPrice: number | undefined;
}

export type PlaceKind = 'market' | 'limit' | 'stop-market' | 'stop-limit' | 'take-profit' | 'take-profit-limit';

export interface PlaceRequest {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly kind: PlaceKind;
  /** Decimal text on the instrument's grid. */
  readonly amount: string;
  readonly price?: string;
  readonly triggerPrice?: string;
  readonly reduceOnly?: boolean;
  readonly postOnly?: boolean;
  readonly tif?: 'GTC' | 'IOC' | 'FOK';
}

export interface CancelRequest {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly conditional: boolean;
}

/** A signed request dry-run mode built instead of sending (secrets redacted). */
export interface DryRunRequest {
  readonly method: string;
  readonly url: string;
  readonly body: string | undefined;
  readonly signed: boolean;
}

/** What the live venue needs of a venue connection. Implemented over ccxt here; by a fake in unit tests. */
export interface OrderApi {
  readonly id: string;
  /** Longest client order id the venue accepts, and the characters it allows. */
  readonly clientIdLimit: { readonly maxLength: number; readonly pattern: RegExp };
  /** Which protective order kinds the venue places natively (the rest are emulated locally). */
  readonly native: ReadonlySet<PlaceKind>;
  /** The same for one market, where the venue lists its order types per symbol (absent: `native`). */
  nativeFor?(symbol: string): ReadonlySet<PlaceKind>;
  /** How long a signed request stays acceptable to the venue: a create not found after this never got through. */
  readonly receiveWindowMs: number;
  create(req: PlaceRequest): Promise<VenueOrderReport>;
  cancel(req: CancelRequest): Promise<VenueOrderReport | undefined>;
  edit(req: PlaceRequest, conditional: boolean): Promise<VenueOrderReport>;
  /** By client order id; throws with `details.outcome = 'not-found'` when the venue has no such order. */
  fetchOrder(clientOrderId: string, symbol: string, conditional: boolean): Promise<VenueOrderReport>;
  fetchOpenOrders(symbol?: string): Promise<VenueOrderReport[]>;
  fetchClosedOrders(symbol: string, since?: number): Promise<VenueOrderReport[]>;
  fetchMyTrades(symbol: string, since?: number): Promise<VenueTradeReport[]>;
  fetchBalances(): Promise<VenueBalance[]>;
  fetchPositions(symbols?: readonly string[]): Promise<VenuePosition[]>;
  /** Resolves with the next batch of order updates from the private stream (rejects when the stream drops). */
  watchOrders?(): Promise<VenueOrderReport[]>;
  watchMyTrades?(): Promise<VenueTradeReport[]>;
}

/** Own trades per page (Binance's myTrades/userTrades maximum), and how many pages one query may read. */
const TRADES_PAGE = 1000;
const MAX_TRADE_PAGES = 20;

/** Binance: `^[.A-Z:/a-z0-9_-]{1,36}$`; the default for venues we know nothing about is the same, stricter set. */
const CLIENT_ID_LIMITS: Record<string, { maxLength: number; pattern: RegExp }> = {
  binance: { maxLength: 36, pattern: /^[.A-Z:/a-z0-9_-]+$/ },
  binanceusdm: { maxLength: 36, pattern: /^[.A-Z:/a-z0-9_-]+$/ },
  okx: { maxLength: 32, pattern: /^[A-Za-z0-9]+$/ },
  bybit: { maxLength: 36, pattern: /^[A-Za-z0-9_-]+$/ },
  gate: { maxLength: 28, pattern: /^[A-Za-z0-9_.-]+$/ },
};
const DEFAULT_LIMIT = { maxLength: 32, pattern: /^[A-Za-z0-9_-]+$/ };

/** Binance's order type names: the same word means a market order on spot and a limit order on futures. */
const SPOT_ORDER_TYPES: Record<string, PlaceKind> = { STOP_LOSS: 'stop-market', STOP_LOSS_LIMIT: 'stop-limit', TAKE_PROFIT: 'take-profit', TAKE_PROFIT_LIMIT: 'take-profit-limit' };
const DERIVATIVE_ORDER_TYPES: Record<string, PlaceKind> = { STOP_MARKET: 'stop-market', STOP: 'stop-limit', TAKE_PROFIT_MARKET: 'take-profit', TAKE_PROFIT: 'take-profit-limit' };

export class CcxtTrading implements OrderApi {
  readonly id: string;
  readonly clientIdLimit: { readonly maxLength: number; readonly pattern: RegExp };
  readonly native: ReadonlySet<PlaceKind>;
  readonly dryRun: boolean;
  readonly receiveWindowMs: number;
  /** Requests dry-run mode built and signed (newest last, at most 100 kept). */
  readonly dryRuns: DryRunRequest[] = [];
  private readonly v: CcxtVenue;
  private readonly ex: Exchange;
  private dryIds = 0;

  private readonly tradesPage: number;

  constructor(venue: CcxtVenue, opts: { dryRun?: boolean; tradesPage?: number } = {}) {
    this.v = venue;
    this.tradesPage = opts.tradesPage ?? TRADES_PAGE;
    this.ex = venue.ex;
    this.id = venue.id;
    this.clientIdLimit = CLIENT_ID_LIMITS[venue.id] ?? DEFAULT_LIMIT;
    const has = this.ex.has as Record<string, unknown>;
    const native = new Set<PlaceKind>(['market', 'limit']);
    if (has.createStopMarketOrder !== false && (has.createStopLossOrder || has.createStopOrder || has.createTriggerOrder)) native.add('stop-market');
    if (has.createStopLimitOrder || has.createStopLossOrder) native.add('stop-limit');
    if (has.createTakeProfitOrder) {
      native.add('take-profit');
      native.add('take-profit-limit');
    }
    this.native = native;
    this.dryRun = opts.dryRun === true;
    const rw = Number((this.ex.options as Record<string, unknown>).recvWindow);
    // Venues without a receive window bound a request's life by their own timeouts: a minute is generous.
    this.receiveWindowMs = Number.isFinite(rw) && rw > 0 ? rw : 60_000;
    if (this.dryRun) this.installDryRun();
    // A reconciliation asks for every open order once in a while, knowingly (the weight is paced by our limiter).
    const o = this.ex.options as Record<string, unknown>;
    o.fetchOpenOrders = { ...(o.fetchOpenOrders as object | undefined), warnWithoutSymbol: false };
  }

  /**
   * A market's own list of order types where the venue publishes one (Binance: exchangeInfo `orderTypes`, e.g.
   * BTCUSDT spot with STOP_LOSS_LIMIT but no STOP_LOSS), within what ccxt can send; else the venue-wide set.
   */
  nativeFor(symbol: string): ReadonlySet<PlaceKind> {
    const m = (this.ex.markets as Record<string, { spot?: boolean; info?: { orderTypes?: unknown } } | undefined> | undefined)?.[symbol];
    const types = m?.info?.orderTypes;
    if (!Array.isArray(types)) return this.native;
    const names = m?.spot ? SPOT_ORDER_TYPES : DERIVATIVE_ORDER_TYPES;
    const out = new Set<PlaceKind>(['market', 'limit']);
    for (const t of types) {
      const k = names[String(t)];
      if (k && this.native.has(k)) out.add(k);
    }
    return out;
  }

  // ───────────── orders (one attempt each; see the header) ─────────────

  async create(req: PlaceRequest): Promise<VenueOrderReport> {
    const { type, price, params } = this.orderArgs(req);
    if (this.dryRun) return this.dry('createOrder', req, () => this.ex.createOrder(req.symbol, type, req.side, Number(req.amount), price, params));
    const o = await this.once('createOrder', req.symbol, () => this.ex.createOrder(req.symbol, type, req.side, Number(req.amount), price, params));
    return orderReport(o, req.symbol, this.id, req.clientOrderId);
  }

  async cancel(req: CancelRequest): Promise<VenueOrderReport | undefined> {
    const params = { clientOrderId: req.clientOrderId, ...(req.conditional ? { trigger: true } : {}) };
    if (this.dryRun) {
      await this.dry('cancelOrder', undefined, () => this.ex.cancelOrder('', req.symbol, params));
      return undefined;
    }
    const o = await this.once('cancelOrder', req.symbol, () => this.ex.cancelOrder('', req.symbol, params));
    return o && typeof o === 'object' && (o as { id?: unknown }).id !== undefined ? orderReport(o, req.symbol, this.id, req.clientOrderId) : undefined;
  }

  async edit(req: PlaceRequest, conditional: boolean): Promise<VenueOrderReport> {
    const { type, price, params } = this.orderArgs(req);
    const p = { ...params, origClientOrderId: req.clientOrderId, ...(conditional ? { trigger: true } : {}) };
    delete (p as { clientOrderId?: unknown }).clientOrderId;
    if (this.dryRun) return this.dry('editOrder', req, () => this.ex.editOrder('', req.symbol, type, req.side, Number(req.amount), price, p));
    const o = await this.once('editOrder', req.symbol, () => this.ex.editOrder('', req.symbol, type, req.side, Number(req.amount), price, p));
    return orderReport(o, req.symbol, this.id, req.clientOrderId);
  }

  // ───────────── reads (retried) ─────────────

  async fetchOrder(clientOrderId: string, symbol: string, conditional: boolean): Promise<VenueOrderReport> {
    // One attempt: the live venue's resolution loop paces and bounds the retries.
    const o = await this.once('fetchOrder', symbol, () => this.ex.fetchOrder('', symbol, { clientOrderId, ...(conditional ? { trigger: true } : {}) }));
    return orderReport(o, symbol, this.id, clientOrderId);
  }

  async fetchOpenOrders(symbol?: string): Promise<VenueOrderReport[]> {
    await this.v.loadInstruments();
    const list = await this.v.call('fetchOpenOrders', () => this.ex.fetchOpenOrders(symbol), symbol ? { symbol } : {});
    const out = listOf(list, 'fetchOpenOrders', this.id).map((o) => orderReport(o, symbol, this.id, undefined));
    if (!symbol || !this.conditionalBook(symbol)) return out;
    // Binance USDⓈ-M keeps stops and take-profits in its Algo Order book, which the plain list leaves out:
    // without them every native stop would look missing at the venue (and be re-placed, twice at the venue).
    const algo = await this.v.call('fetchOpenOrders', () => this.ex.fetchOpenOrders(symbol, undefined, undefined, { trigger: true }), { symbol });
    const seen = new Set(out.map((o) => o.venueOrderId));
    for (const o of listOf(algo, 'fetchOpenOrders', this.id)) {
      const r = orderReport(o, symbol, this.id, undefined);
      if (!seen.has(r.venueOrderId)) out.push(r);
    }
    return out;
  }

  /** Whether the market lists its conditional orders apart (Binance derivatives: the Algo Order API). */
  private conditionalBook(symbol: string): boolean {
    const m = (this.ex.markets as Record<string, { contract?: boolean } | undefined> | undefined)?.[symbol];
    return String(this.ex.id).startsWith('binance') && m?.contract === true;
  }

  async fetchClosedOrders(symbol: string, since?: number): Promise<VenueOrderReport[]> {
    await this.v.loadInstruments();
    const call = this.ex.has.fetchClosedOrders ? () => this.ex.fetchClosedOrders(symbol, since) : () => this.ex.fetchOrders(symbol, since);
    const list = await this.v.call('fetchClosedOrders', call, { symbol });
    return listOf(list, 'fetchClosedOrders', this.id).map((o) => orderReport(o, symbol, this.id, undefined));
  }

  /**
   * Own trades since `since`, every page of them. Asked "since T", a venue answers with its OLDEST trades from
   * T, one page (Binance: up to 1,000): a single call silently misses every later fill once more than a page
   * happened since T (a busy session, a long downtime), and a fill never booked leaves its order open for
   * ever. So pages follow, each from the last trade's time (trades at that instant come again and are
   * deduplicated by id), until a short page. More than MAX_TRADE_PAGES pages throws: an incomplete answer
   * must not pass for a complete one.
   */
  async fetchMyTrades(symbol: string, since?: number): Promise<VenueTradeReport[]> {
    await this.v.loadInstruments();
    const page = async (from: number | undefined, limit: number | undefined): Promise<VenueTradeReport[]> => {
      const list = await this.v.call('fetchMyTrades', () => this.ex.fetchMyTrades(symbol, from, limit), { symbol });
      return listOf(list, 'fetchMyTrades', this.id).map((t) => tradeReport(t, symbol, this.id));
    };
    if (since === undefined) return page(undefined, undefined); // the newest page: what "recent trades" means
    const byId = new Map<string, VenueTradeReport>();
    let from = since;
    for (let i = 0; i < MAX_TRADE_PAGES; i++) {
      const list = await page(from, this.tradesPage);
      let last = from;
      for (const t of list) {
        byId.set(t.tradeId, t);
        if (t.ts > last) last = t.ts;
      }
      if (list.length < this.tradesPage) return [...byId.values()].sort((a, b) => a.ts - b.ts);
      from = last > from ? last : from + 1; // a full page within one millisecond: step past it
    }
    throw new KestrelError('data_quality', `${this.id}: more than ${MAX_TRADE_PAGES * this.tradesPage} own trades of ${symbol} since ${new Date(since).toISOString()}; not read in part`, { details: { venue: this.id, symbol } });
  }

  async fetchBalances(): Promise<VenueBalance[]> {
    const b = (await this.v.call('fetchBalance', () => this.ex.fetchBalance())) as unknown as Record<string, unknown>;
    const total = (b.total ?? {}) as Record<string, unknown>;
    const free = (b.free ?? {}) as Record<string, unknown>;
    const used = (b.used ?? {}) as Record<string, unknown>;
    return Object.keys(total).map((c) => ({ currency: c, free: num(free[c], `free ${c}`, this.id) ?? 0, used: num(used[c], `used ${c}`, this.id) ?? 0, total: num(total[c], `total ${c}`, this.id) ?? 0 }));
  }

  async fetchPositions(symbols?: readonly string[]): Promise<VenuePosition[]> {
    if (!this.ex.has.fetchPositions) return [];
    await this.v.loadInstruments();
    const list = await this.v.call('fetchPositions', () => this.ex.fetchPositions(symbols ? [...symbols] : undefined));
    return listOf(list, 'fetchPositions', this.id).flatMap((p) => {
      const x = p as Record<string, unknown>;
      const contracts = num(x.contracts, 'position size', this.id) ?? 0;
      const size = contracts * (num(x.contractSize, 'contract size', this.id) ?? 1);
      if (typeof x.symbol !== 'string') return [];
      return [{ symbol: x.symbol, qty: x.side === 'short' ? -Math.abs(size) : Math.abs(size), entryPrice: num(x.entryPrice, 'entry price', this.id) }];
    });
  }

  // ───────────── private streams ─────────────

  get watchOrders(): (() => Promise<VenueOrderReport[]>) | undefined {
    if (!this.ex.has.watchOrders || this.dryRun) return undefined;
    return async () => {
      await this.v.prepareStreams();
      try {
        const list = await (this.ex as unknown as { watchOrders(): Promise<unknown[]> }).watchOrders();
        return listOf(list, 'watchOrders', this.id).map((o) => orderReport(o, undefined, this.id, undefined));
      } catch (e) {
        throw mapCcxtError(e, { exchange: this.id, op: 'watchOrders' });
      }
    };
  }

  get watchMyTrades(): (() => Promise<VenueTradeReport[]>) | undefined {
    if (!this.ex.has.watchMyTrades || this.dryRun) return undefined;
    return async () => {
      await this.v.prepareStreams();
      try {
        const list = await (this.ex as unknown as { watchMyTrades(): Promise<unknown[]> }).watchMyTrades();
        return listOf(list, 'watchMyTrades', this.id).map((t) => tradeReport(t, undefined, this.id));
      } catch (e) {
        throw mapCcxtError(e, { exchange: this.id, op: 'watchMyTrades' });
      }
    };
  }

  // ───────────── internals ─────────────

  private orderArgs(req: PlaceRequest): { type: string; price: number | undefined; params: Record<string, unknown> } {
    const params: Record<string, unknown> = { clientOrderId: req.clientOrderId };
    if (req.reduceOnly) params.reduceOnly = true;
    if (req.postOnly) params.postOnly = true;
    if (req.tif && req.tif !== 'GTC') params.timeInForce = req.tif;
    const limit = req.kind === 'limit' || req.kind === 'stop-limit' || req.kind === 'take-profit-limit';
    if (req.kind === 'stop-market' || req.kind === 'stop-limit') params.stopLossPrice = Number(req.triggerPrice);
    if (req.kind === 'take-profit' || req.kind === 'take-profit-limit') params.takeProfitPrice = Number(req.triggerPrice);
    return { type: limit ? 'limit' : 'market', price: limit ? Number(req.price) : undefined, params };
  }

  /** One paced attempt; on failure the mapped error carries `details.outcome`. */
  private async once<T>(op: string, symbol: string, fn: () => Promise<T>): Promise<T> {
    await this.v.loadInstruments();
    await this.v.limiter.take(1);
    try {
      return await fn();
    } catch (e) {
      if (isClockSkew(e)) void this.resyncClock();
      throw orderError(e, { exchange: this.id, op, symbol });
    }
  }

  private async resyncClock(): Promise<void> {
    const ex = this.ex as unknown as { loadTimeDifference?: () => Promise<unknown>; options: Record<string, unknown> };
    if (!ex.loadTimeDifference) return;
    ex.options.adjustForTimeDifference = true;
    try {
      await ex.loadTimeDifference();
    } catch {
      // the next signed call fails the same way and is classified; nothing more to do here
    }
  }

  /**
   * Dry-run transport, installed once on a client used by nothing else: every request that would change
   * something (anything but GET) is built and signed by ccxt as usual, recorded with the key and signature
   * redacted, and not sent; reads (balances, open orders for reconciliation) go out as normal.
   */
  private installDryRun(): void {
    const ex = this.ex as unknown as { fetch: (url: string, method?: string, headers?: unknown, body?: unknown) => Promise<unknown> };
    const real = ex.fetch.bind(this.ex);
    const secrets = [this.ex.apiKey, this.ex.secret].filter((s): s is string => typeof s === 'string' && s.length > 0);
    const redact = (s: string) => secrets.reduce((acc, k) => acc.split(k).join('***'), s).replace(/signature=[0-9a-f]+/gi, 'signature=***');
    ex.fetch = async (url, method = 'GET', headers, body) => {
      if (method === 'GET') return real(url, method, headers, body);
      const text = `${url}${typeof body === 'string' ? body : ''}`;
      throw new DryRunStop({ method, url: redact(url), body: typeof body === 'string' ? redact(body) : undefined, signed: /signature=/i.test(text) });
    };
  }

  private async dry(op: string, req: PlaceRequest | undefined, fn: () => Promise<unknown>): Promise<VenueOrderReport> {
    await this.v.loadInstruments();
    let captured: DryRunRequest | undefined;
    try {
      await fn();
    } catch (e) {
      const stop = e instanceof DryRunStop ? e : e instanceof Error && e.cause instanceof DryRunStop ? e.cause : undefined;
      if (!stop) throw orderError(e, { exchange: this.id, op });
      captured = stop.request;
    }
    if (!captured) throw new VenueRejectedError(`${this.id} ${op}: dry-run built no request`, { exchange: this.id, op, outcome: 'rejected' });
    this.dryRuns.push(captured);
    if (this.dryRuns.length > 100) this.dryRuns.shift();
    return {
      venueOrderId: `dry-${++this.dryIds}`, clientOrderId: req?.clientOrderId, symbol: req?.symbol ?? '', status: 'open', side: req?.side ?? 'buy',
      type: req?.kind ?? 'limit', amount: Number(req?.amount ?? 0), filled: 0, price: req?.price !== undefined ? Number(req.price) : undefined,
      triggerPrice: req?.triggerPrice !== undefined ? Number(req.triggerPrice) : undefined, reduceOnly: req?.reduceOnly === true, ts: Date.now(),
    };
  }
}

class DryRunStop extends Error {
  readonly request: DryRunRequest;
  constructor(request: DryRunRequest) {
    super('dry run: not sent');
    this.request = request;
  }
}

export function orderError(e: unknown, ctx?: { exchange: string; op: string; symbol?: string }): KestrelError {
  const outcome = orderOutcome(e);
  const mapped = mapCcxtError(e, ctx ?? { exchange: 'venue', op: 'order' });
  const details = { ...(mapped.details ?? {}), outcome };
  // An unknown outcome is never "rejected": the caller must resolve it, whatever class ccxt used.
  if (outcome === 'rejected' || outcome === 'not-found') return new VenueRejectedError(mapped.message, details, mapped.cause ?? e);
  return new VenueNetworkError(mapped.message, details, mapped.cause ?? e);
}

/**
 * An optional numeric field of a venue reply: absent (undefined, null) is undefined; anything else must be a
 * number or decimal text, or the reply is malformed (a blank string is not a zero: Number(' ') would be).
 */
function num(x: unknown, what: string, exchange: string): number | undefined {
  if (x === undefined || x === null) return undefined;
  const n = numberFromText(x);
  if (Number.isNaN(n)) throw new VenueNetworkError(`${exchange}: reply with a malformed ${what} ${JSON.stringify(x).slice(0, 40)}`, { exchange, kind: 'BadResponse', outcome: 'unknown' });
  return n;
}

function listOf(x: unknown, op: string, exchange: string): unknown[] {
  if (!Array.isArray(x)) throw new VenueNetworkError(`${exchange} ${op}: the reply is not a list`, { exchange, op, kind: 'BadResponse', outcome: 'unknown' });
  return x;
}

const STATUSES = new Set<VenueOrderStatus>(['open', 'closed', 'canceled', 'expired', 'rejected']);

/** A ccxt order (hostile: checked field by field) as plain data. */
export function orderReport(x: unknown, symbol: string | undefined, exchange: string, clientOrderId: string | undefined): VenueOrderReport {
  const o = (x ?? {}) as Record<string, unknown>;
  const bad = (what: string) => new VenueNetworkError(`${exchange}: order reply without a valid ${what}`, { exchange, kind: 'BadResponse', outcome: 'unknown' });
  const id = o.id;
  if (typeof id !== 'string' && typeof id !== 'number') throw bad('id');
  const sym = typeof o.symbol === 'string' ? o.symbol : symbol;
  if (!sym) throw bad('symbol');
  const side = o.side;
  if (side !== 'buy' && side !== 'sell') throw bad('side');
  const rawStatus = typeof o.status === 'string' ? (o.status === 'cancelled' ? 'canceled' : o.status) : 'open';
  if (!STATUSES.has(rawStatus as VenueOrderStatus)) throw bad('status');
  const amount = num(o.amount, 'order amount', exchange);
  if (amount === undefined || amount < 0) throw bad('amount');
  const filled = num(o.filled, 'filled quantity', exchange) ?? 0;
  if (filled < 0 || filled > amount * (1 + 1e-9)) throw bad('filled quantity');
  const cid = typeof o.clientOrderId === 'string' && o.clientOrderId !== '' ? o.clientOrderId : clientOrderId;
  return {
    venueOrderId: String(id), clientOrderId: cid, symbol: sym, status: rawStatus as VenueOrderStatus, side,
    type: typeof o.type === 'string' ? o.type.toLowerCase() : 'limit', amount, filled, price: num(o.price, 'order price', exchange) || undefined,
    triggerPrice: num(o.triggerPrice ?? o.stopPrice, 'trigger price', exchange) || undefined, reduceOnly: o.reduceOnly === true, ts: num(o.timestamp, 'order time', exchange) ?? Date.now(),
  };
}

/** A ccxt trade (hostile) as plain data. */
export function tradeReport(x: unknown, symbol: string | undefined, exchange: string): VenueTradeReport {
  const t = (x ?? {}) as Record<string, unknown>;
  const bad = (what: string) => new VenueNetworkError(`${exchange}: trade reply without a valid ${what}`, { exchange, kind: 'BadResponse', outcome: 'unknown' });
  if (typeof t.id !== 'string' && typeof t.id !== 'number') throw bad('id');
  if (typeof t.order !== 'string' && typeof t.order !== 'number') throw bad('order id');
  const sym = typeof t.symbol === 'string' ? t.symbol : symbol;
  if (!sym) throw bad('symbol');
  if (t.side !== 'buy' && t.side !== 'sell') throw bad('side');
  const amount = num(t.amount, 'trade amount', exchange);
  const price = num(t.price, 'trade price', exchange);
  if (amount === undefined || amount <= 0) throw bad('amount');
  if (price === undefined || price <= 0) throw bad('price');
  const fee = (t.fee ?? {}) as Record<string, unknown>;
  const info = (t.info ?? {}) as Record<string, unknown>;
  const cid = typeof t.clientOrderId === 'string' ? t.clientOrderId : typeof info.c === 'string' ? info.c : undefined;
  return {
    tradeId: String(t.id), venueOrderId: String(t.order), clientOrderId: cid, symbol: sym, side: t.side, amount, price,
    fee: num(fee.cost, 'fee', exchange) ?? 0, feeCurrency: typeof fee.currency === 'string' ? fee.currency : undefined,
    liquidity: t.takerOrMaker === 'maker' ? 'maker' : 'taker', ts: num(t.timestamp, 'trade time', exchange) ?? Date.now(),
  };
}
