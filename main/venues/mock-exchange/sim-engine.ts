/**
 * Kestrel Sim's matching engine for its trading accounts. Market orders take liquidity from the sim's own
 * order book (main/venues/mock-exchange/market.ts); limit orders take what crosses, then rest and fill, as
 * maker, when a later candle trades THROUGH their price (a print at the price is not enough: no queue
 * position is modelled, so only a print beyond it proves the order would have been reached). Conditional
 * futures orders trigger on the candle's range and execute as market orders. Ids come from counters and
 * time from the injected clock, so the same requests and prices give the same account, byte for byte.
 */
import { money, MONEY_SCALE, type Money } from '../../core/model/money.ts';
import { fail, type ApiFailure } from './signing.ts';
import { EXCEEDED_AT_LEVERAGE, maxNotionalAt, positionExposure } from './futures-brackets.ts';
import { checkSpotStop, SPOT_STOPS, stopReached, triggersNow, WOULD_TRIGGER } from './spot-stops.ts';
import { abs, div, isOpen, min, mul, SimAccount, type AlgoStatus, type ExecType, type Side, type SimAlgoOrder, type SimMarket, type SimOrder, type SimTrade } from './sim-account.ts';

export interface SimSymbolSpec {
  readonly id: string;
  readonly base: string;
  readonly quote: string;
  readonly tick: Money;
  readonly step: Money;
  readonly minNotional: Money;
}

/** Best first on both sides. */
export interface BookView {
  readonly bids: readonly (readonly [Money, Money])[];
  readonly asks: readonly (readonly [Money, Money])[];
  readonly last: Money;
}

export interface EngineDeps {
  now(): number;
  symbols(): Iterable<string>;
  spec(symbol: string): SimSymbolSpec | undefined;
  book(symbol: string): BookView | undefined;
}

export type SimEvent =
  | { readonly kind: 'order'; readonly account: string; readonly order: SimOrder; readonly exec: ExecType; readonly trade?: SimTrade; readonly time: number }
  | { readonly kind: 'algo'; readonly account: string; readonly algo: SimAlgoOrder; readonly time: number }
  | { readonly kind: 'spot-balance'; readonly account: string; readonly assets: readonly string[]; readonly delta?: { readonly asset: string; readonly amount: Money }; readonly time: number }
  | { readonly kind: 'futures-account'; readonly account: string; readonly reason: 'ORDER' | 'DEPOSIT' | 'WITHDRAW'; readonly symbols: readonly string[]; readonly time: number };

export interface OrderRequest {
  readonly symbol: string;
  readonly side: Side;
  readonly type: string;
  readonly timeInForce?: string;
  readonly quantity?: Money;
  readonly quoteOrderQty?: Money;
  readonly price?: Money;
  readonly stopPrice?: Money;
  readonly clientOrderId?: string;
  readonly reduceOnly?: boolean;
  readonly closePosition?: boolean;
}

export interface AlgoRequest {
  readonly symbol: string;
  readonly side: Side;
  readonly type: string;
  readonly quantity?: Money;
  readonly triggerPrice: Money;
  readonly clientAlgoId?: string;
  readonly reduceOnly?: boolean;
  readonly closePosition?: boolean;
}

export interface EngineOptions {
  /** Conditional futures orders on /fapi/v1/order (Binance before its 2025 move to the Algo Order API) instead of -4120. */
  readonly legacyConditionalOrders?: boolean;
  readonly spotFee?: string;
  readonly futuresTakerFee?: string;
  readonly futuresMakerFee?: string;
}

const CONDITIONAL = new Set(['STOP_MARKET', 'TAKE_PROFIT_MARKET']);
export const INSUFFICIENT = fail(-2010, 'Account has insufficient balance for requested action.');
const UNKNOWN_ORDER = fail(-2011, 'Unknown order sent.');

export class SimEngine {
  readonly accounts = new Map<string, SimAccount>();
  readonly options: EngineOptions;
  private readonly deps: EngineDeps;
  private readonly listeners = new Set<(e: SimEvent) => void>();
  private nextOrderId = 1_000_001;
  private nextTradeId = 5_000_001;
  private nextAlgoId = 7_000_001;
  private clientSeq = 0;
  private readonly spotFee: Money;
  private readonly takerFee: Money;
  private readonly makerFee: Money;

  constructor(deps: EngineDeps, options: EngineOptions = {}) {
    this.deps = deps;
    this.options = options;
    this.spotFee = money(options.spotFee ?? '0.001');
    this.takerFee = money(options.futuresTakerFee ?? '0.0004');
    this.makerFee = money(options.futuresMakerFee ?? '0.0002');
  }

  symbols(): Iterable<string> {
    return this.deps.symbols();
  }

  on(fn: (e: SimEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(e: SimEvent): void {
    for (const fn of this.listeners) fn(e);
  }

  account(id: string): SimAccount {
    let a = this.accounts.get(id);
    if (!a) {
      a = new SimAccount(id);
      this.accounts.set(id, a);
    }
    return a;
  }

  /** Credits (or, negative, debits) a balance from outside: the sim's deposit / withdrawal. */
  deposit(accountId: string, market: SimMarket, asset: string, amount: Money): void {
    const a = this.account(accountId);
    const time = this.deps.now();
    if (market === 'futures') {
      a.futuresWallet += amount;
      this.emit({ kind: 'futures-account', account: a.id, reason: amount >= 0n ? 'DEPOSIT' : 'WITHDRAW', symbols: [], time });
      return;
    }
    a.balance(asset).free += amount;
    this.emit({ kind: 'spot-balance', account: a.id, assets: [asset], delta: { asset, amount }, time });
  }

  // ── orders ────────────────────────────────────────────────────────────────────────────────────────

  place(accountId: string, market: SimMarket, r: OrderRequest): SimOrder | ApiFailure {
    const a = this.account(accountId);
    const spec = this.deps.spec(r.symbol);
    if (!spec) return fail(-1121, 'Invalid symbol.');
    const clientOrderId = r.clientOrderId ?? this.newClientId();
    const dup = a.findByClient(market, r.symbol, clientOrderId);
    if (dup && isOpen(dup.status)) return fail(-2010, 'Duplicate order sent.');
    const type = r.type;
    const conditional = market === 'futures' && CONDITIONAL.has(type);
    if (conditional && !this.options.legacyConditionalOrders) return fail(-4120, 'Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.');
    const allowed = market === 'spot' ? ['LIMIT', 'MARKET', 'LIMIT_MAKER', ...SPOT_STOPS] : ['LIMIT', 'MARKET', ...(conditional ? [type] : [])];
    if (!allowed.includes(type)) return fail(-1116, 'Invalid orderType.');
    const spotStop = market === 'spot' && SPOT_STOPS.has(type);
    const stopRefused = market === 'spot' ? checkSpotStop({ ...r, type }) : undefined;
    if (stopRefused) return stopRefused;
    const tif = type === 'LIMIT' || spotStop ? (r.timeInForce ?? '') : type === 'MARKET' || conditional ? '' : 'GTC';
    if (type === 'LIMIT' && !['GTC', 'IOC', 'FOK', ...(market === 'futures' ? ['GTX'] : [])].includes(tif)) return fail(-1102, "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.");
    const needsPrice = type === 'LIMIT' || type === 'LIMIT_MAKER' || spotStop;
    if (needsPrice && (r.price === undefined || r.price <= 0n)) return fail(-1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed.");
    if (conditional && (r.stopPrice === undefined || r.stopPrice <= 0n)) return fail(-1102, "Mandatory parameter 'stopPrice' was not sent, was empty/null, or malformed.");
    const byQuote = market === 'spot' && type === 'MARKET' && r.quantity === undefined && r.quoteOrderQty !== undefined;
    const qty = r.closePosition ? 0n : (r.quantity ?? 0n);
    if (!byQuote && !r.closePosition && qty <= 0n) return fail(-1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.");
    if (qty % spec.step !== 0n) return fail(-1013, 'Filter failure: LOT_SIZE');
    const price = r.price ?? 0n;
    if (price % spec.tick !== 0n || (r.stopPrice ?? 0n) % spec.tick !== 0n) return fail(-1013, 'Filter failure: PRICE_FILTER');
    const book = this.deps.book(r.symbol);
    if (!book) return fail(-1121, 'Invalid symbol.');
    const refPrice = needsPrice ? price : conditional ? r.stopPrice! : r.side === 'BUY' ? (book.asks[0]?.[0] ?? book.last) : (book.bids[0]?.[0] ?? book.last);
    const notional = byQuote ? r.quoteOrderQty! : mul(refPrice, qty);
    if (!r.reduceOnly && !r.closePosition && notional < spec.minNotional) {
      return market === 'spot' ? fail(-1013, 'Filter failure: NOTIONAL') : fail(-4164, `Order's notional must be no smaller than ${spec.minNotional / MONEY_SCALE} (unless you choose reduce only).`);
    }
    if (type === 'LIMIT_MAKER' && crosses(r.side, price, book)) return fail(-2010, 'Order would immediately match and take.');
    if (spotStop && triggersNow(type, r.side, r.stopPrice!, book.last)) return WOULD_TRIGGER;
    const time = this.deps.now();
    const o: SimOrder = {
      market, symbol: r.symbol, orderId: this.nextOrderId++, clientOrderId, side: r.side, type, timeInForce: tif, price, stopPrice: r.stopPrice ?? 0n,
      origQty: qty, quoteOrderQty: byQuote ? r.quoteOrderQty! : 0n, executedQty: 0n, cumQuote: 0n, status: 'NEW', reduceOnly: r.reduceOnly ?? false,
      closePosition: r.closePosition ?? false, time, updateTime: time, lockedAsset: '', locked: 0n, workingTime: spotStop ? -1 : time,
    };
    const refused = market === 'spot' ? this.reserveSpot(a, spec, o, book) : this.checkFutures(a, o, refPrice);
    if (refused) return refused;
    a.addOrder(o);
    this.emit({ kind: 'order', account: a.id, order: { ...o }, exec: 'NEW', time });
    if (type === 'MARKET') this.take(a, spec, o, book, undefined);
    else if (!conditional && !spotStop) this.work(a, spec, o, book);
    return o;
  }

  /** A limit order (or a spot stop-limit whose stop fired) meets the book: takes what crosses, then rests or expires as its time in force says. */
  private work(a: SimAccount, spec: SimSymbolSpec, o: SimOrder, book: BookView): void {
    const tif = o.timeInForce;
    if (tif === 'GTX' && crosses(o.side, o.price, book)) this.close(a, o, 'EXPIRED');
    else if (tif === 'FOK' && available(o.side, o.price, book) < o.origQty) this.close(a, o, 'EXPIRED');
    else {
      if (crosses(o.side, o.price, book)) this.take(a, spec, o, book, o.price);
      if (isOpen(o.status) && tif === 'IOC') this.close(a, o, 'EXPIRED');
    }
  }

  private newClientId(): string {
    return `sim${(++this.clientSeq).toString(36).padStart(8, '0')}`;
  }

  /** Spot: locks what the order may spend; a market order's cost is known from the book it will take. */
  private reserveSpot(a: SimAccount, spec: SimSymbolSpec, o: SimOrder, book: BookView): ApiFailure | undefined {
    let asset: string;
    let need: Money;
    if (o.side === 'SELL') {
      asset = spec.base;
      need = o.origQty;
    } else if (o.type === 'MARKET') {
      asset = spec.quote;
      need = o.quoteOrderQty > 0n ? o.quoteOrderQty : sweepCost(book.asks, o.origQty);
    } else {
      asset = spec.quote;
      need = mul(o.price, o.origQty);
    }
    const b = a.balance(asset);
    if (b.free < need) return INSUFFICIENT;
    b.free -= need;
    b.locked += need;
    o.lockedAsset = asset;
    o.locked = need;
    return undefined;
  }

  /** Futures: the initial margin of everything open plus this order must fit in the margin balance. */
  private checkFutures(a: SimAccount, o: SimOrder, refPrice: Money): ApiFailure | undefined {
    const pos = a.positions.get(o.symbol);
    if (o.reduceOnly || o.closePosition) {
      if (o.closePosition) return undefined;
      const opposite = pos && (o.side === 'SELL' ? pos.amt > 0n : pos.amt < 0n);
      return opposite ? undefined : fail(-2022, 'ReduceOnly Order is rejected.');
    }
    const lev = BigInt(pos?.leverage ?? 20);
    // The notional the leverage's tier allows (futures-brackets.ts), checked before the margin, as Binance does.
    const mark = this.deps.book(o.symbol)?.last ?? refPrice;
    if (positionExposure(a, o.symbol, mark, { side: o.side, qty: o.origQty, price: o.price || refPrice }) > maxNotionalAt(o.symbol, Number(lev))) return fail(EXCEEDED_AT_LEVERAGE.code, EXCEEDED_AT_LEVERAGE.msg);
    let used = 0n;
    let upnl = 0n;
    for (const [sym, p] of a.positions) {
      const mark = this.deps.book(sym)?.last ?? p.entry;
      used += abs(mul(mark, p.amt)) / BigInt(p.leverage);
      upnl += a.unrealized(sym, mark);
    }
    for (const x of a.openOrders('futures')) if (!x.reduceOnly && !x.closePosition) used += mul(x.price || refPrice, x.origQty - x.executedQty) / lev;
    const need = mul(refPrice, o.origQty) / lev;
    return a.futuresWallet + upnl - used < need ? fail(-2019, 'Margin is insufficient.') : undefined;
  }

  cancel(accountId: string, market: SimMarket, symbol: string, sel: { orderId?: number; clientOrderId?: string }): SimOrder | ApiFailure {
    const a = this.account(accountId);
    const o = this.find(a, market, symbol, sel);
    if (!o) return market === 'spot' ? UNKNOWN_ORDER : fail(-2011, 'Unknown order sent.');
    if (!isOpen(o.status)) return UNKNOWN_ORDER;
    this.close(a, o, 'CANCELED');
    return o;
  }

  cancelAll(accountId: string, market: SimMarket, symbol: string): SimOrder[] {
    const a = this.account(accountId);
    const open = a.openOrders(market, symbol);
    for (const o of open) this.close(a, o, 'CANCELED');
    return open;
  }

  find(a: SimAccount, market: SimMarket, symbol: string, sel: { orderId?: number; clientOrderId?: string }): SimOrder | undefined {
    const o = sel.orderId !== undefined ? a.orders.get(sel.orderId) : sel.clientOrderId !== undefined ? a.findByClient(market, symbol, sel.clientOrderId) : undefined;
    return o && o.market === market && o.symbol === symbol ? o : undefined;
  }

  /** Ends an open order, releasing what it still holds. */
  private close(a: SimAccount, o: SimOrder, status: 'CANCELED' | 'EXPIRED'): void {
    if (o.locked > 0n) {
      const b = a.balance(o.lockedAsset);
      b.locked -= o.locked;
      b.free += o.locked;
      o.locked = 0n;
    }
    o.status = status;
    o.updateTime = this.deps.now();
    this.emit({ kind: 'order', account: a.id, order: { ...o }, exec: status, time: o.updateTime });
    if (o.market === 'spot' && o.lockedAsset) this.emit({ kind: 'spot-balance', account: a.id, assets: [o.lockedAsset], time: o.updateTime });
  }

  // ── fills ─────────────────────────────────────────────────────────────────────────────────────────

  /** Takes liquidity from the book for what is left of `o`, up to `limit` (none for market orders). */
  private take(a: SimAccount, spec: SimSymbolSpec, o: SimOrder, book: BookView, limit: Money | undefined): void {
    const plan: [Money, Money][] = [];
    let left = o.quoteOrderQty > 0n ? o.quoteOrderQty : this.remaining(a, o);
    for (const [p, q] of o.side === 'BUY' ? book.asks : book.bids) {
      if (left <= 0n) break;
      if (limit !== undefined && (o.side === 'BUY' ? p > limit : p < limit)) break;
      const fillQty = o.quoteOrderQty > 0n ? min(q, floorTo(div(left, p, 'floor'), spec.step)) : min(q, left);
      if (fillQty <= 0n) break;
      plan.push([p, fillQty]);
      left -= o.quoteOrderQty > 0n ? mul(p, fillQty) : fillQty;
    }
    // A buy by quote amount is complete when it has spent what a whole lot can buy.
    plan.forEach(([p, q], i) => this.fill(a, spec, o, p, q, false, o.quoteOrderQty > 0n && i === plan.length - 1));
    if (isOpen(o.status) && !restsOnBook(o)) this.close(a, o, 'EXPIRED');
  }

  private remaining(a: SimAccount, o: SimOrder): Money {
    if (o.market === 'futures' && (o.closePosition || o.reduceOnly)) {
      const pos = a.positions.get(o.symbol)?.amt ?? 0n;
      const closable = o.side === 'SELL' ? (pos > 0n ? pos : 0n) : pos < 0n ? -pos : 0n;
      return o.closePosition ? closable : min(closable, o.origQty - o.executedQty);
    }
    return o.origQty - o.executedQty;
  }

  private fill(a: SimAccount, spec: SimSymbolSpec, o: SimOrder, price: Money, qty: Money, maker: boolean, last = false): void {
    const time = this.deps.now();
    const quote = mul(price, qty);
    let commission: Money;
    let commissionAsset: string;
    let realized = 0n;
    if (o.market === 'spot') {
      const base = a.balance(spec.base);
      const q = a.balance(spec.quote);
      if (o.side === 'BUY') {
        const release = o.type === 'MARKET' ? min(quote, o.locked) : mul(o.price, qty);
        q.locked -= release;
        o.locked -= release;
        q.free += release - quote;
        commission = ceilTo(mul(qty, this.spotFee));
        commissionAsset = spec.base;
        base.free += qty - commission;
      } else {
        base.locked -= qty;
        o.locked -= qty;
        commission = ceilTo(mul(quote, this.spotFee));
        commissionAsset = spec.quote;
        q.free += quote - commission;
      }
    } else {
      realized = applyPosition(a, o.symbol, o.side === 'BUY' ? qty : -qty, price, time);
      commission = ceilTo(mul(quote, maker ? this.makerFee : this.takerFee));
      commissionAsset = spec.quote;
      a.futuresWallet += realized - commission;
    }
    o.executedQty += qty;
    o.cumQuote += quote;
    o.updateTime = time;
    const done = o.quoteOrderQty > 0n ? last : o.closePosition ? this.remaining(a, o) === 0n : o.executedQty >= o.origQty || (o.reduceOnly && this.remaining(a, o) === 0n);
    o.status = done ? 'FILLED' : 'PARTIALLY_FILLED';
    if (done && o.locked > 0n) {
      // A market buy reserved the book's cost; what the sweep did not use goes back.
      const b = a.balance(o.lockedAsset);
      b.locked -= o.locked;
      b.free += o.locked;
      o.locked = 0n;
    }
    const trade: SimTrade = { market: o.market, symbol: o.symbol, id: this.nextTradeId++, orderId: o.orderId, side: o.side, price, qty, quoteQty: quote, commission, commissionAsset, realizedPnl: realized, maker, time };
    a.trades.push(trade);
    this.emit({ kind: 'order', account: a.id, order: { ...o }, exec: 'TRADE', trade, time });
    if (o.market === 'spot') this.emit({ kind: 'spot-balance', account: a.id, assets: [spec.base, spec.quote], time });
    else this.emit({ kind: 'futures-account', account: a.id, reason: 'ORDER', symbols: [o.symbol], time });
  }

  /**
   * One published candle: resting orders whose price it trades through fill (at their price, as maker, up
   * to a quarter of the candle's volume each), conditional orders whose trigger it reaches execute.
   */
  onCandle(symbol: string, low: Money, high: Money, volume: Money): void {
    const spec = this.deps.spec(symbol);
    const book = this.deps.book(symbol);
    if (!spec || !book) return;
    const cap = volume / 4n - ((volume / 4n) % spec.step);
    const perOrder = cap > spec.step ? cap : spec.step;
    for (const a of this.accounts.values()) {
      for (const o of [...a.orders.values()]) {
        if (o.symbol !== symbol || !isOpen(o.status)) continue;
        if (SPOT_STOPS.has(o.type) && o.workingTime < 0) {
          // A spot stop-limit fires on the last trade prices (this candle's range), then works as its limit.
          if (!stopReached(o.type, o.side, o.stopPrice, low, high)) continue;
          o.workingTime = this.deps.now();
          this.work(a, spec, o, book);
        } else if (restsOnBook(o)) {
          const through = o.side === 'BUY' ? low < o.price : high > o.price;
          if (!through) continue;
          const q = min(perOrder, this.remaining(a, o));
          if (q > 0n) this.fill(a, spec, o, o.price, q, true);
          else if (o.reduceOnly) this.close(a, o, 'EXPIRED');
        } else if (CONDITIONAL.has(o.type) && stopReached(o.type, o.side, o.stopPrice, low, high)) {
          if (this.remaining(a, o) === 0n) this.close(a, o, 'EXPIRED');
          else this.take(a, spec, o, book, undefined);
        }
      }
      for (const al of [...a.algos.values()]) {
        if (al.symbol === symbol && al.status === 'NEW' && stopReached(al.orderType, al.side, al.triggerPrice, low, high)) this.trigger(a, al);
      }
    }
  }

  // ── Algo Order API (USDⓈ-M conditional orders) ──────────────────────────────────────────────────

  placeAlgo(accountId: string, r: AlgoRequest): SimAlgoOrder | ApiFailure {
    const a = this.account(accountId);
    const spec = this.deps.spec(r.symbol);
    const book = this.deps.book(r.symbol);
    if (!spec || !book) return fail(-1121, 'Invalid symbol.');
    if (!CONDITIONAL.has(r.type)) return fail(-1116, 'Invalid orderType.');
    if (r.triggerPrice <= 0n || r.triggerPrice % spec.tick !== 0n) return fail(-1013, 'Filter failure: PRICE_FILTER');
    const qty = r.closePosition ? 0n : (r.quantity ?? 0n);
    if (!r.closePosition && (qty <= 0n || qty % spec.step !== 0n)) return fail(-1013, 'Filter failure: LOT_SIZE');
    const clientAlgoId = r.clientAlgoId ?? this.newClientId();
    const dup = a.findAlgoByClient(clientAlgoId);
    if (dup && dup.status === 'NEW') return fail(-2010, 'Duplicate order sent.');
    if (triggersNow(r.type, r.side, r.triggerPrice, book.last)) return fail(-2021, 'Order would immediately trigger.');
    const time = this.deps.now();
    const al: SimAlgoOrder = {
      algoId: this.nextAlgoId++, clientAlgoId, symbol: r.symbol, side: r.side, orderType: r.type, quantity: qty, triggerPrice: r.triggerPrice,
      reduceOnly: r.reduceOnly ?? false, closePosition: r.closePosition ?? false, status: 'NEW', createTime: time, updateTime: time, triggerTime: 0, actualOrderId: undefined, failReason: '',
    };
    a.addAlgo(al);
    this.emitAlgo(a, al);
    return al;
  }

  cancelAlgo(accountId: string, sel: { algoId?: number; clientAlgoId?: string }): SimAlgoOrder | ApiFailure {
    const a = this.account(accountId);
    const al = sel.algoId !== undefined ? a.algos.get(sel.algoId) : sel.clientAlgoId !== undefined ? a.findAlgoByClient(sel.clientAlgoId) : undefined;
    if (!al || al.status !== 'NEW') return fail(-2011, 'Unknown order sent.');
    this.setAlgo(a, al, 'CANCELED');
    return al;
  }

  private trigger(a: SimAccount, al: SimAlgoOrder): void {
    al.triggerTime = this.deps.now();
    this.setAlgo(a, al, 'TRIGGERING');
    // The triggered order carries the algo order's client id, so a client can find it by that id.
    const placed = this.place(a.id, 'futures', { symbol: al.symbol, side: al.side, type: 'MARKET', ...(al.closePosition ? { closePosition: true } : { quantity: al.quantity }), reduceOnly: al.reduceOnly || al.closePosition, clientOrderId: al.clientAlgoId });
    if ('code' in placed) {
      al.failReason = placed.msg;
      this.setAlgo(a, al, 'REJECTED');
      return;
    }
    al.actualOrderId = placed.orderId;
    this.setAlgo(a, al, 'TRIGGERED');
    this.setAlgo(a, al, 'FINISHED');
  }

  private setAlgo(a: SimAccount, al: SimAlgoOrder, status: AlgoStatus): void {
    al.status = status;
    al.updateTime = this.deps.now();
    this.emitAlgo(a, al);
  }

  private emitAlgo(a: SimAccount, al: SimAlgoOrder): void {
    this.emit({ kind: 'algo', account: a.id, algo: { ...al }, time: al.updateTime });
  }
}

function crosses(side: Side, price: Money, book: BookView): boolean {
  const best = side === 'BUY' ? book.asks[0]?.[0] : book.bids[0]?.[0];
  return best !== undefined && (side === 'BUY' ? price >= best : price <= best);
}

/** What the book offers at or better than `price` (FOK check). */
function available(side: Side, price: Money, book: BookView): Money {
  let sum = 0n;
  for (const [p, q] of side === 'BUY' ? book.asks : book.bids) {
    if (side === 'BUY' ? p > price : p < price) break;
    sum += q;
  }
  return sum;
}

function sweepCost(levels: BookView['asks'], qty: Money): Money {
  let left = qty;
  let cost = 0n;
  for (const [p, q] of levels) {
    if (left <= 0n) break;
    const take = min(left, q);
    cost += mul(p, take);
    left -= take;
  }
  return cost;
}

/** A limit on the book: LIMIT, LIMIT_MAKER, or a spot stop-limit whose stop has fired. */
function restsOnBook(o: SimOrder): boolean {
  return o.type === 'LIMIT' || o.type === 'LIMIT_MAKER' || (SPOT_STOPS.has(o.type) && o.workingTime >= 0);
}

/** Moves a one-way position by `delta` at `price`; returns the realized P&L. */
function applyPosition(a: SimAccount, symbol: string, delta: Money, price: Money, time: number): Money {
  const p = a.position(symbol);
  p.updateTime = time;
  if (p.amt === 0n || p.amt > 0n === delta > 0n) {
    const size = abs(p.amt) + abs(delta);
    p.entry = div(mul(p.entry, abs(p.amt)) + mul(price, abs(delta)), size);
    p.amt += delta;
    return 0n;
  }
  const closed = min(abs(delta), abs(p.amt));
  const realized = mul(price - p.entry, p.amt > 0n ? closed : -closed);
  p.amt += delta;
  if (p.amt === 0n) p.entry = 0n;
  else if (p.amt > 0n === delta > 0n) p.entry = price;
  return realized;
}

function floorTo(x: Money, step: Money): Money {
  return x - (x % step);
}

/** Fees are charged to 8 decimals, rounded against the trader like Binance's. */
function ceilTo(x: Money): Money {
  const unit = 10n ** 10n;
  const r = x % unit;
  return r === 0n ? x : x - r + unit;
}
