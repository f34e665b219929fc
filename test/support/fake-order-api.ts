/**
 * A hand-written exchange behind the OrderApi shape, for unit tests of the live venue's logic: it keeps
 * orders and trades like a venue does and can be told to fail the way real ones do (a create that times
 * out after the order was placed, or before; an order that does not show for a while after it was created;
 * duplicated trades). Failures are built from ccxt's real error classes through the wrapper's own mapping.
 */
import ccxt from 'ccxt';
import { orderError, type CancelRequest, type OrderApi, type PlaceKind, type PlaceRequest, type VenueOrderReport, type VenueTradeReport } from '../../main/venues/ccxt/index.ts';

export type CreateFault = 'timeout-after-accept' | 'timeout-before-accept' | 'insufficient-funds' | 'network-down';

export class FakeOrderApi implements OrderApi {
  readonly id = 'fakex';
  readonly clientIdLimit = { maxLength: 36, pattern: /^[.A-Z:/a-z0-9_-]+$/ };
  readonly native = new Set<PlaceKind>(['market', 'limit', 'stop-market', 'take-profit']);
  readonly receiveWindowMs = 10_000;
  readonly orders = new Map<string, VenueOrderReport>();
  readonly trades: VenueTradeReport[] = [];
  readonly calls: string[] = [];
  /** Faults for the next creates, consumed in order. */
  readonly createFaults: CreateFault[] = [];
  /** fetchOrder says "does not exist" this many more times for a freshly created order. */
  invisibleChecks = 0;
  fetchDown = false;
  /** While set, a create waits for it before it reaches the venue (a request still on its way there). */
  createInFlight: Promise<void> | undefined;
  private seq = 100;
  private tradeSeq = 0;

  async create(req: PlaceRequest): Promise<VenueOrderReport> {
    this.calls.push(`create ${req.clientOrderId}`);
    if (this.createInFlight) await this.createInFlight;
    const fault = this.createFaults.shift();
    if (fault === 'insufficient-funds') throw orderError(new ccxt.InsufficientFunds('binance {"code":-2010,"msg":"Account has insufficient balance"}'), { exchange: this.id, op: 'createOrder' });
    if (fault === 'timeout-before-accept' || fault === 'network-down') throw orderError(new ccxt.RequestTimeout('binance POST /api/v3/order request timed out (10000 ms)'), { exchange: this.id, op: 'createOrder' });
    if ([...this.orders.values()].some((o) => o.clientOrderId === req.clientOrderId)) throw orderError(new ccxt.DuplicateOrderId('dup'), { exchange: this.id, op: 'createOrder' });
    const r: VenueOrderReport = {
      venueOrderId: String(++this.seq), clientOrderId: req.clientOrderId, symbol: req.symbol, status: 'open', side: req.side, type: req.kind,
      amount: Number(req.amount), filled: 0, price: req.price !== undefined ? Number(req.price) : undefined,
      triggerPrice: req.triggerPrice !== undefined ? Number(req.triggerPrice) : undefined, reduceOnly: req.reduceOnly === true, ts: Date.now(),
    };
    this.orders.set(r.venueOrderId, r);
    if (fault === 'timeout-after-accept') throw orderError(new ccxt.RequestTimeout('binance POST /api/v3/order request timed out (10000 ms)'), { exchange: this.id, op: 'createOrder' });
    return r;
  }

  async cancel(req: CancelRequest): Promise<VenueOrderReport | undefined> {
    this.calls.push(`cancel ${req.clientOrderId}`);
    const o = this.byClient(req.clientOrderId);
    if (!o) throw orderError(new ccxt.OrderNotFound('binance {"code":-2011,"msg":"Unknown order sent."}'), { exchange: this.id, op: 'cancelOrder' });
    if (o.status !== 'open') throw orderError(new ccxt.OperationRejected('binance {"code":-2011,"msg":"Unknown order sent."}'), { exchange: this.id, op: 'cancelOrder' });
    const c = { ...o, status: 'canceled' as const };
    this.orders.set(o.venueOrderId, c);
    return c;
  }

  async edit(req: PlaceRequest): Promise<VenueOrderReport> {
    this.calls.push(`edit ${req.clientOrderId}`);
    const o = this.byClient(req.clientOrderId);
    if (!o || o.status !== 'open') throw orderError(new ccxt.OrderNotFound('gone'), { exchange: this.id, op: 'editOrder' });
    const e = { ...o, amount: Number(req.amount), ...(req.price !== undefined ? { price: Number(req.price) } : {}) };
    this.orders.set(o.venueOrderId, e);
    return e;
  }

  async fetchOrder(clientOrderId: string): Promise<VenueOrderReport> {
    this.calls.push(`fetch ${clientOrderId}`);
    if (this.fetchDown) throw orderError(new ccxt.NetworkError('socket hang up'), { exchange: this.id, op: 'fetchOrder' });
    const o = this.byClient(clientOrderId);
    if (!o || this.invisibleChecks-- > 0) throw orderError(new ccxt.OrderNotFound('binance {"code":-2013,"msg":"Order does not exist."}'), { exchange: this.id, op: 'fetchOrder' });
    return o;
  }

  async fetchOpenOrders(): Promise<VenueOrderReport[]> {
    return [...this.orders.values()].filter((o) => o.status === 'open');
  }

  async fetchClosedOrders(symbol: string): Promise<VenueOrderReport[]> {
    return [...this.orders.values()].filter((o) => o.status !== 'open' && o.symbol === symbol);
  }

  async fetchMyTrades(symbol: string, since?: number): Promise<VenueTradeReport[]> {
    return this.trades.filter((t) => t.symbol === symbol && (since === undefined || t.ts >= since));
  }

  async fetchBalances() {
    return [{ currency: 'USDT', free: 1000, used: 0, total: 1000 }];
  }

  async fetchPositions() {
    return [];
  }

  /** The venue matches `qty` of an order: a trade, and the order's filled quantity and status move. */
  fill(clientOrderId: string, qty: number, price: number, tradeId = `t${++this.tradeSeq}`): VenueTradeReport {
    const o = this.byClient(clientOrderId);
    if (!o) throw new Error(`no order ${clientOrderId}`);
    const filled = Math.round((o.filled + qty) * 1e8) / 1e8;
    this.orders.set(o.venueOrderId, { ...o, filled, status: filled >= o.amount ? 'closed' : 'open' });
    const t: VenueTradeReport = { tradeId, venueOrderId: o.venueOrderId, clientOrderId, symbol: o.symbol, side: o.side, amount: qty, price, fee: 0.01, feeCurrency: 'USDT', liquidity: 'maker', ts: Date.now() };
    this.trades.push(t);
    return t;
  }

  /** An order placed outside Kestrel (by hand on the exchange's site). */
  plant(symbol: string, side: 'buy' | 'sell', amount: number, price: number, clientOrderId = 'web_abc'): VenueOrderReport {
    const r: VenueOrderReport = { venueOrderId: String(++this.seq), clientOrderId, symbol, status: 'open', side, type: 'limit', amount, filled: 0, price, triggerPrice: undefined, reduceOnly: false, ts: Date.now() };
    this.orders.set(r.venueOrderId, r);
    return r;
  }

  byClient(clientOrderId: string): VenueOrderReport | undefined {
    return [...this.orders.values()].find((o) => o.clientOrderId === clientOrderId);
  }

  count(prefix: string): number {
    return this.calls.filter((c) => c.startsWith(prefix)).length;
  }
}
