/**
 * The paper venue: a matching simulator implementing the Venue port, so paper trading and backtests run the
 * exact kernel code path live trading does. Matching rules are in matching.ts; this file keeps the books:
 * working orders, latency, cancels, expiry, volume participation, fees, slippage, fill ids. Beside it: the
 * config (venue-config.ts), the working-order list helpers and amends (working-orders.ts), the money of spot
 * fills (spot-funds.ts); the book model (book-fills.ts). The event passes stay here: they share the venue's
 * state per order and per bar, and reaching it through another object would cost the hot path.
 *
 * Timing: an order (or cancel) takes effect `latencyMs` (+ seeded jitter) after it is sent. Against candles
 * an order joins at the first bar that OPENS at or after that moment (conservative: never mid-bar).
 * Determinism: no wall clock, no Math.random; iteration in order-arrival sequence; ties along the intrabar
 * path broken by that sequence.
 *
 * Volume participation: with `participation` p, all orders together take at most p × the bar's (or print's,
 * or quoted level's) volume per event; an order fills at most once per event, so the rest carries over.
 * Contingencies are native here as on real venues: when an OCO leg fills, its live siblings are canceled
 * before anything later on the same path can touch them.
 *
 * Spot funds: with `funds` (the account's free cash per currency), a spot buy never spends cash that is not
 * there. At the fill, after slippage and with its fee, it takes what the cash pays for (rounded down to the
 * lot) and the rest of the order is canceled with reason `insufficient_balance`; with nothing affordable the
 * order is canceled unfilled. Sizing happens at the signal bar's close and the fill at a later price, so a
 * 100%-of-equity buy meeting a higher open is cut to what the cash buys, as an exchange would refuse the excess.
 * The part of a buy that covers a short is exempt (paying back a borrow). Perpetuals are margin: not checked.
 */
import type { CandleColumns, Fill, Order, OrderBookUpdate, Quote, Trade } from '../../core/model/index.ts';
import type { Money, Ticks } from '../../core/model/index.ts';
import { floatToTicks, floatToLots, notional } from '../../core/model/index.ts';
import type { Clock, OrderAmend, SimulatedVenue, VenueEvent, VenueListener } from '../../core/ports.ts';
import { ValidationError } from '../../core/errors.ts';
import { barPath, Working, type IntrabarPath } from './matching.ts';
import { bookStep, type BookHost, type Print } from './book-fills.ts';
import { FeeModel } from './fees.ts';
import { slippageTicks } from './slippage.ts';
import { Rng } from './rng.ts';
import { L2Book } from './book.ts';
import { SymState } from './sym-state.ts';
import { filterRefusal } from './filters.ts';
import { SpotBalances, type SpotBalanceView } from './spot-balances.ts';
import { affordableLots, spotBalanceView } from './spot-funds.ts';
import type { PaperVenueConfig } from './venue-config.ts';
import { amendWorking, bookOrdersOf, byEventTime, dropWorking, evKey, findWorking, nan } from './working-orders.ts';

// The config is read by compositions and tests: it stays importable from here.
export type { PaperVenueConfig } from './venue-config.ts';

/** Recycled working orders kept at most (enough for any strategy's open orders; beyond that, new ones). */
const SPARE_MAX = 64;

export class PaperVenue implements SimulatedVenue {
  readonly id: string;
  private listener: VenueListener | undefined;
  private readonly clock: Clock;
  private readonly cfg: PaperVenueConfig;
  private readonly sym = new Map<string, SymState>();
  private working: Working[] = [];
  private readonly fees: FeeModel;
  private readonly rng: Rng;
  private readonly rnd: () => number;
  private seq = 0;
  private fillSeq = 0;
  private tradePrefix: string;
  private readonly path = [0, 0, 0, 0];
  private cacheSym = '';
  private cacheState: SymState | undefined;
  private readonly scratchAll: Working[] = [];
  private readonly scratchOut: Working[] = [];
  private readonly scratchEv: Working[] = [];
  private readonly scratchBook: Working[] = [];
  /**
   * Finished working orders, recycled by submit() (an order's working state is the venue's largest allocation
   * per order). Only reused while no matching pass is running: a pass still holds the ones it removed. (A
   * pass that throws leaves `passes` raised: recycling stops, nothing else changes.)
   */
  private readonly spare: Working[] = [];
  private passes = 0;
  private readonly barCap = { left: 0 };
  /** Config read per bar, copied to fields once (no optional-chaining on the config object per call). */
  private readonly pathMode: IntrabarPath;
  private readonly participation: number;
  private readonly funds: ((currency: string) => Money) | undefined;
  /**
   * Cash moved by this pass's spot fills per currency: the kernel applies a pass's fills after it returns,
   * so `funds` does not include them yet. Cleared when a pass starts.
   */
  private readonly passFlow = new Map<string, Money>();
  /** Base lots moved by this pass's spot fills per symbol (strict balances; cleared with passFlow). */
  private readonly passPos = new Map<string, number>();
  private readonly spot: SpotBalances | undefined;
  /** Liquidations checked on every price event (trades, books, bars); false: on the mark only. */
  private readonly byPrices: boolean;

  constructor(cfg: PaperVenueConfig) {
    this.cfg = cfg;
    this.byPrices = cfg.liquidation !== undefined && cfg.liquidateOnMark !== true;
    this.id = cfg.id ?? 'paper';
    this.tradePrefix = `${this.id}-t`;
    this.clock = cfg.clock;
    for (const i of cfg.instruments) this.sym.set(i.symbol, new SymState(i));
    this.fees = cfg.fees ?? new FeeModel();
    this.fees.pricing(cfg.instruments);
    this.rng = new Rng(cfg.seed ?? 1);
    this.rnd = () => this.rng.next();
    this.pathMode = cfg.path ?? 'nearer-extreme';
    this.participation = cfg.participation ?? 0;
    this.funds = cfg.funds;
    this.spot = cfg.funds && cfg.holdings ? new SpotBalances(cfg.holdings) : undefined;
  }

  /** Number of working orders (a plain field: the kernel reads it once per candle). */
  workingCount = 0;

  lastBar(symbol: string, bars: CandleColumns, i: number): void {
    const st = this.state(symbol);
    if (st.src <= 1) {
      st.bars = bars;
      st.i = i;
      st.src = 1;
    }
  }

  /**
   * Trade ids are `${session}-t${n}` (n counts this venue's fills): the ledger deduplicates fills on
   * (venue, tradeId) across every session of an account, and a counter alone restarts at 1 each session.
   * The `t` keeps them from reading as order ids (`${session}-${n}`): trade 3 is not order 3.
   * The session id comes from the kernel, so no composition has to remember it; same session id + seed +
   * data = same ids. Without a session (venue used on its own) the venue id is the prefix.
   */
  connect(listener: VenueListener, session?: string): void {
    this.listener = listener;
    if (session !== undefined) this.tradePrefix = `${session}-t`;
  }

  private emit(e: VenueEvent): void {
    this.listener?.onVenueEvent(e);
  }

  private state(symbol: string): SymState {
    if (symbol === this.cacheSym) return this.cacheState!;
    const st = this.sym.get(symbol);
    if (!st) throw new ValidationError(`paper venue: unknown instrument ${symbol}`);
    this.cacheSym = symbol;
    this.cacheState = st;
    return st;
  }

  private latency(kind: 'submitMs' | 'cancelMs'): number {
    const base = this.cfg.latency?.[kind] ?? this.cfg.latencyMs ?? 0;
    const j = this.cfg.latencyJitterMs ?? 0;
    return j > 0 ? base + this.rng.int(0, j) : base;
  }

  /** Amends are immediate unless `latency.amendMs` is set (so runs configured before it keep their draws). */
  private amendLatency(): number {
    const base = this.cfg.latency?.amendMs;
    if (base === undefined) return 0;
    const j = this.cfg.latencyJitterMs ?? 0;
    return j > 0 ? base + this.rng.int(0, j) : base;
  }

  submit(order: Readonly<Order>): void {
    const now = this.clock.now();
    const st = this.sym.get(order.symbol);
    if (!st) return this.emit({ kind: 'rejected', clientOrderId: order.clientOrderId, reason: 'unknown_symbol', ts: now });
    if (findWorking(this.working, order.clientOrderId)) return this.emit({ kind: 'rejected', clientOrderId: order.clientOrderId, reason: 'duplicate_client_order_id', ts: now });
    const s = order.side === 'buy' ? 1 : -1;
    const inst = st.inst;
    if (this.cfg.exchangeFilters || inst.minQtyLots > 0 || inst.maxQtyLots !== Number.MAX_SAFE_INTEGER || inst.bandUpF > 0 || inst.bandDownF > 0) {
      const book = st.book?.best(s > 0 ? 'ask' : 'bid');
      const why = filterRefusal(inst, order, book !== undefined && book === book ? book : st.ref(s), this.cfg.exchangeFilters === true);
      if (why !== undefined) return this.emit({ kind: 'rejected', clientOrderId: order.clientOrderId, reason: why, ts: now });
    }
    if (order.postOnly && order.price !== undefined) {
      const ref = st.ref(s);
      if (ref === ref && s * order.price >= s * ref) return this.emit({ kind: 'rejected', clientOrderId: order.clientOrderId, reason: 'post_only_would_take', ts: now });
    }
    const spare = this.passes === 0 ? this.spare.pop() : undefined;
    const w = spare ? spare.init(order, st.inst, ++this.seq, now + this.latency('submitMs')) : new Working(order, st.inst, ++this.seq, now + this.latency('submitMs'));
    if (w.trigKind === 3) {
      const ref = st.ref(s);
      if (ref === ref) {
        if (w.trigY === Infinity) w.trail(s * ref);
        else w.best = s * ref;
      }
    }
    const refused = this.spot && this.funds ? this.spot.refusal(w, this.working, this.funds(st.inst.quote), 0, (x) => this.refTicks(x)) : undefined;
    if (refused !== undefined) {
      if (this.spare.length < SPARE_MAX && this.passes === 0) this.spare.push(w);
      return this.emit({ kind: 'rejected', clientOrderId: order.clientOrderId, reason: refused, ts: now });
    }
    this.working.push(w);
    this.workingCount = this.working.length;
    st.working++;
    st.dueAt = -Infinity;
    this.emit({ kind: 'ack', clientOrderId: order.clientOrderId, venueOrderId: `${this.id}:${w.seq}`, ts: now });
    if (w.trigKind === 3) {
      w.reportedTrigY = order.triggerPrice === undefined ? Infinity : s * order.triggerPrice;
      this.reportTrail(w, now);
    }
  }

  cancel(clientOrderId: string): void {
    const now = this.clock.now();
    const w = findWorking(this.working, clientOrderId);
    if (!w || w.canceled) return this.emit({ kind: 'cancel-rejected', clientOrderId, reason: 'unknown_or_closed_order', ts: now });
    const lat = this.latency('cancelMs');
    if (lat === 0) this.remove(w, 'canceled', 'requested', now);
    else {
      w.cancelAt = Math.min(w.cancelAt, now + lat);
      this.state(w.order.symbol).dueAt = -Infinity;
    }
  }

  amend(clientOrderId: string, change: OrderAmend): void {
    const now = this.clock.now();
    const w = findWorking(this.working, clientOrderId);
    if (!w || w.canceled) return this.emit({ kind: 'amend-rejected', clientOrderId, reason: 'unknown_or_closed_order', ts: now });
    const lat = this.amendLatency();
    if (lat === 0) return this.emit(amendWorking(w, change.qty, change.price, change.triggerPrice, now));
    w.amendAt = now + lat;
    this.state(w.order.symbol).dueAt = -Infinity;
    w.amendQty = change.qty ?? NaN;
    w.amendPrice = change.price ?? NaN;
    w.amendTrigger = change.triggerPrice ?? NaN;
  }

  private remove(w: Working, how: 'canceled' | 'expired' | 'filled', reason: string, ts: number): void {
    w.canceled = true;
    const a = this.working;
    dropWorking(a, w);
    this.workingCount = a.length;
    this.state(w.order.symbol).working--;
    if (this.spare.length < SPARE_MAX) this.spare.push(w);
    if (how === 'canceled') this.emit({ kind: 'canceled', clientOrderId: w.order.clientOrderId, reason, ts });
    else if (how === 'expired') this.emit({ kind: 'expired', clientOrderId: w.order.clientOrderId, ts });
  }

  /**
   * Cancels due (latency elapsed) and GTD expiries, then returns the orders eligible at `ts`, in arrival
   * order. Returns a reused scratch array (valid until the next call): no allocation per event.
   */
  private eligible(st: SymState, ts: number): Working[] {
    // Scratch arrays are emptied by pop(), not `length = 0` (which frees the backing store, so the next push
    // allocates again).
    const all = this.scratchAll;
    while (all.length) all.pop();
    for (let k = 0; k < this.working.length; k++) if (this.working[k]!.inst === st.inst) all.push(this.working[k]!);
    const out = this.scratchOut;
    while (out.length) out.pop();
    let due = Infinity;
    for (let k = 0; k < all.length; k++) {
      const w = all[k]!;
      if (w.amendAt <= ts && w.amendAt < w.cancelAt) {
        const at = w.amendAt;
        w.amendAt = Infinity;
        this.emit(amendWorking(w, nan(w.amendQty), nan(w.amendPrice), nan(w.amendTrigger), at));
      }
      const gtd = w.order.expireAt !== undefined && w.order.tif === 'GTD' ? w.order.expireAt : Infinity;
      if (w.cancelAt <= ts) this.remove(w, 'canceled', 'requested', w.cancelAt);
      else if (gtd <= ts) this.remove(w, 'expired', 'gtd', gtd);
      else {
        if (w.activeFrom <= ts) out.push(w);
        else due = Math.min(due, w.activeFrom);
        due = Math.min(due, w.cancelAt, w.amendAt, gtd);
      }
    }
    st.dueAt = due;
    return out;
  }

  /**
   * The orders a book update must step, in arrival order (a reused scratch array, like `eligible`). While
   * nothing is due (`st.dueAt`: no cancel, amend or expiry lands and no order becomes active) the bookkeeping
   * of `eligible` has nothing to do, so a delta only collects the active orders it concerns (working-orders.ts).
   */
  private bookOrders(st: SymState, u: OrderBookUpdate, bid: Ticks, ask: Ticks, touched: readonly number[]): Working[] {
    const quiet = u.kind === 'delta' && u.ts < st.dueAt;
    return bookOrdersOf(quiet ? this.working : this.eligible(st, u.ts), this.scratchBook, st.inst, u, bid, ask, touched);
  }

  onBar(symbol: string, bars: CandleColumns, i: number): void {
    this.passes++;
    if (this.passFlow.size > 0) this.clearPass();
    this.barPass(symbol, bars, i);
    this.passes--;
  }

  private barPass(symbol: string, bars: CandleColumns, i: number): void {
    const st = this.state(symbol);
    st.bars = bars;
    st.i = i;
    st.src = 1;
    if (this.byPrices && st.inst.kind === 'perpetual') this.liquidate(st, floatToTicks(st.inst, bars.low[i]!), floatToTicks(st.inst, bars.high[i]!), bars.ts[i]!);
    if (st.working === 0) return;
    const ts = bars.ts[i]!;
    const ws = this.eligible(st, ts);
    if (ws.length === 0) return;
    const inst = st.inst;
    const P = this.path;
    const open = floatToTicks(inst, bars.open[i]!);
    // The rest of the path is converted only when some order is not done at the open (a market order is).
    let path = false;
    const volLots = floatToLots(inst, bars.volume[i]!);
    const cap = this.barCap;
    cap.left = this.participation > 0 ? Math.floor(volLots * this.participation) : Infinity;
    const ev = this.scratchEv;
    while (ev.length) ev.pop();
    for (let k = 0; k < ws.length; k++) {
      const w = ws[k]!;
      w.reset();
      const s = w.s;
      const once = w.order.tif === 'IOC' || w.order.tif === 'FOK';
      if (!w.jump(s * open, 0, true) && !once) {
        if (!path) {
          barPath(this.pathMode, open, floatToTicks(inst, bars.high[i]!), floatToTicks(inst, bars.low[i]!), floatToTicks(inst, bars.close[i]!), P);
          path = true;
        }
        if (!w.segment(s * P[0]!, s * P[1]!, 0) && !w.segment(s * P[1]!, s * P[2]!, 1)) w.segment(s * P[2]!, s * P[3]!, 2);
      }
      if (w.evT !== Infinity || w.evTrigT === w.evTrigT) ev.push(w);
      else if (once) this.remove(w, 'expired', 'ioc_unfilled', ts);
      else if (w.trigKind === 3 && !w.triggered) this.reportTrail(w, ts + bars.intervalMs - 1);
    }
    // Execute in path-time order of the FILLS (trigger-only events at their trigger time), so an OCO leg
    // filled earlier on the path cancels its sibling before the sibling's later fill.
    if (ev.length > 1) ev.sort(byEventTime);
    const span = Math.max(0, bars.intervalMs - 1);
    for (let k = 0; k < ws.length; k++) ws[k]!.arrived = true;
    for (let k = 0; k < ev.length; k++) {
      const w = ev[k]!;
      if (w.canceled) continue;
      this.execute(st, w, ts + Math.floor((evKey(w) / 3) * span), cap, volLots, 0);
    }
  }

  /** The venue's mark price of a perpetual (liquidateOnMark): a position whose liquidation price it reaches is closed. */
  onMark(symbol: string, mark: Ticks, ts: number): void {
    const st = this.state(symbol);
    if (!this.cfg.liquidation || st.inst.kind !== 'perpetual' || !(mark > 0)) return;
    this.passes++;
    if (this.passFlow.size > 0) this.clearPass();
    this.liquidate(st, mark, mark, ts);
    this.passes--;
  }

  onTrade(t: Trade): void {
    this.passes++;
    if (this.passFlow.size > 0) this.clearPass();
    this.tradePass(t);
    this.passes--;
  }

  private tradePass(t: Trade): void {
    const st = this.state(t.symbol);
    st.lastTrade = floatToTicks(st.inst, t.price);
    if (this.byPrices && st.inst.kind === 'perpetual') this.liquidate(st, st.lastTrade, st.lastTrade, t.ts);
    if (st.book) return this.bookTrade(st, t);
    st.src = 2;
    if (st.working === 0) return;
    const px = st.lastTrade;
    const qty = floatToLots(st.inst, t.qty);
    this.onPoint(st, t.ts, () => px, () => px, Math.floor(qty * (this.cfg.participation ?? 1)), qty, 0);
  }

  onQuote(q: Quote): void {
    this.passes++;
    if (this.passFlow.size > 0) this.clearPass();
    this.quotePass(q);
    this.passes--;
  }

  private quotePass(q: Quote): void {
    const st = this.state(q.symbol);
    st.bid = q.bid; st.ask = q.ask; st.bidQty = q.bidQty; st.askQty = q.askQty;
    st.src = 3;
    if (st.working === 0) return;
    const bid = floatToTicks(st.inst, q.bid);
    const ask = floatToTicks(st.inst, q.ask);
    // Each side has its own liquidity: buys take the ask size, sells the bid size.
    const part = this.cfg.participation ?? 1;
    const capBuy = { left: Math.floor(floatToLots(st.inst, q.askQty) * part) };
    const capSell = { left: Math.floor(floatToLots(st.inst, q.bidQty) * part) };
    const ws = this.eligible(st, q.ts);
    for (const w of ws) {
      w.reset();
      const ref = w.s > 0 ? ask : bid;
      w.jump(w.s * ref, 0, false);
      if (w.evT !== Infinity || w.evTrigT === w.evTrigT) this.execute(st, w, q.ts, w.s > 0 ? capBuy : capSell, Infinity, ask - bid);
      else if (w.order.tif === 'IOC' || w.order.tif === 'FOK') this.remove(w, 'expired', 'ioc_unfilled', q.ts);
      w.arrived = true;
    }
  }

  onBook(u: OrderBookUpdate): void {
    this.passes++;
    if (this.passFlow.size > 0) this.clearPass();
    this.bookPass(u);
    this.passes--;
  }

  private bookPass(u: OrderBookUpdate): void {
    const st = this.state(u.symbol);
    const book = (st.book ??= new L2Book(st.inst));
    book.apply(u);
    const bid = book.best('bid');
    const ask = book.best('ask');
    st.bid = bid * st.inst.tickF;
    st.ask = ask * st.inst.tickF;
    if (bid === bid && ask === ask) {
      st.src = 3;
      if (this.byPrices && st.inst.kind === 'perpetual') this.liquidate(st, Math.floor((bid + ask) / 2), Math.ceil((bid + ask) / 2), u.ts);
    }
    if (st.working === 0) return;
    const list = this.bookOrders(st, u, bid, ask, book.changed);
    for (let k = 0; k < list.length; k++) if (!list[k]!.canceled) bookStep(this.host, st, list[k]!, u.ts, undefined);
  }

  /** A print on a symbol with a book: queue fills for resting limits, trigger evidence, takers walk the book. */
  private bookTrade(st: SymState, t: Trade): void {
    if (st.working === 0) return;
    const print: Print = { price: st.lastTrade, left: floatToLots(st.inst, t.qty) };
    for (const w of this.eligible(st, t.ts)) if (!w.canceled) bookStep(this.host, st, w, t.ts, print);
  }

  /** The venue's side of the book model (book-fills.ts). */
  private readonly host: BookHost = {
    emit: (e) => this.emit(e),
    remove: (w, how, reason, ts) => this.remove(w, how, reason, ts),
    reportTrail: (w, ts) => this.reportTrail(w, ts),
    fill: (st, w, q, price, maker, ts, touch) => this.fill(st, w, q, price, maker, ts, touch),
    allowed: (st, w, want, price, maker, ts) => {
      let q = want;
      if (w.order.reduceOnly) {
        const reducible = w.s > 0 ? -st.pos : st.pos;
        if (reducible <= 0) {
          this.remove(w, 'canceled', 'reduce_only_would_increase', ts);
          return 0;
        }
        q = Math.min(q, reducible);
      }
      if (w.s > 0 && this.funds && st.inst.kind === 'spot') q = this.affordable(st, price, q, maker, ts);
      else if (w.s < 0) q = this.sellable(st, q);
      if (q === 0) this.remove(w, 'canceled', 'insufficient_balance', ts);
      return q;
    },
  };

  /** Tells the kernel where a trailing stop's trigger now is (only ever in the trader's favour). */
  private reportTrail(w: Working, ts: number): void {
    if (w.trigY === w.reportedTrigY || w.trigY === Infinity) return;
    w.reportedTrigY = w.trigY;
    this.emit({ kind: 'trail-moved', clientOrderId: w.order.clientOrderId, triggerPrice: w.s * w.trigY, ts });
  }

  /** A single-price event (trade print): every eligible order sees the same jump, in arrival order. */
  private onPoint(st: SymState, ts: number, buyPx: () => number, sellPx: () => number, capLots: number, volLots: number, spread: number): void {
    const cap = { left: capLots };
    for (const w of this.eligible(st, ts)) {
      w.reset();
      w.jump(w.s * (w.s > 0 ? buyPx() : sellPx()), 0, false);
      if (w.evT !== Infinity || w.evTrigT === w.evTrigT) this.execute(st, w, ts, cap, volLots, spread);
      else if (w.order.tif === 'IOC' || w.order.tif === 'FOK') this.remove(w, 'expired', 'ioc_unfilled', ts);
      else if (w.trigKind === 3) this.reportTrail(w, ts);
      w.arrived = true;
    }
  }

  /** Carries out what evaluation found for `w`: trigger report, post-only cancel, fill with caps, TIF rest. */
  private execute(st: SymState, w: Working, ts: number, cap: { left: number }, volLots: number, spread: number): void {
    const id = w.order.clientOrderId;
    if (w.evTrigT === w.evTrigT) this.emit({ kind: 'triggered', clientOrderId: id, ts });
    if (w.evPostOnlyReject) return this.remove(w, 'canceled', 'post_only_would_take', ts);
    if (w.evT === Infinity) return;
    let q = Math.min(w.remaining, cap.left);
    if (w.order.reduceOnly) {
      const reducible = w.s > 0 ? -st.pos : st.pos;
      if (reducible <= 0) return this.remove(w, 'canceled', 'reduce_only_would_increase', ts);
      q = Math.min(q, reducible);
    }
    const once = w.order.tif === 'IOC' || w.order.tif === 'FOK';
    if (w.order.tif === 'FOK' && q < w.remaining) return this.remove(w, 'expired', 'fok_unfillable', ts);
    if (q > 0) {
      let y = w.evY;
      if (!w.evMaker && this.cfg.slippage && this.cfg.slippage.kind !== 'none') {
        y = Math.min(y + slippageTicks(this.cfg.slippage, Math.abs(y), q, volLots, spread, this.rnd), w.limY);
      }
      const want = q;
      if (w.s > 0 && this.funds && st.inst.kind === 'spot') q = this.affordable(st, y, q, w.evMaker, ts);
      else if (w.s < 0 && this.spot) q = this.sellable(st, q);
      if (q === 0) return this.remove(w, 'canceled', 'insufficient_balance', ts);
      cap.left -= q;
      this.fill(st, w, q, w.s * y, w.evMaker, ts);
      if (q < want && !w.canceled) return this.remove(w, 'canceled', 'insufficient_balance', ts);
    }
    if (!w.canceled && w.remaining > 0 && once) this.remove(w, 'expired', 'ioc_unfilled', ts);
  }

  private clearPass(): void {
    this.passFlow.clear();
    this.passPos.clear();
  }

  /** Price a working order would trade at now, for reservations: the touch it takes, else the last price. */
  private refTicks(w: Working): number {
    const st = this.state(w.order.symbol);
    const b = st.book?.best(w.s > 0 ? 'ask' : 'bid');
    return b !== undefined && b === b ? b : st.ref(w.s);
  }

  /** Spot balances per asset of the venue's instruments: total (the ledger's), reserved by working orders, free. */
  spotBalances(): SpotBalanceView[] {
    if (!this.spot || !this.funds) return [];
    return spotBalanceView(this.sym.values(), this.working, this.funds, this.spot, (x) => this.refTicks(x));
  }

  /** Strict spot: a sale is cut to the base held (this pass's fills included). */
  private sellable(st: SymState, q: number): number {
    if (!this.spot || st.inst.kind !== 'spot') return q;
    return Math.max(0, Math.min(q, this.spot.held(st.inst.symbol, this.passPos.get(st.inst.symbol) ?? 0)));
  }

  /** Liquidates a perpetual position whose liquidation price lies within [low, high] of this event's prices. */
  private liquidate(st: SymState, low: Ticks, high: Ticks, ts: number): void {
    const l = this.cfg.liquidation!(st.inst.symbol);
    if (!l || l.qty === 0 || !(l.price > 0)) return;
    if (l.qty > 0 ? low > l.price : high < l.price) return;
    for (const w of [...this.working]) if (w.inst === st.inst) this.remove(w, 'canceled', 'liquidation', ts);
    const inst = st.inst;
    const qty = Math.abs(l.qty);
    st.pos -= l.qty;
    this.emit({
      kind: 'fill',
      fill: {
        venue: this.id, tradeId: this.tradePrefix + ++this.fillSeq, clientOrderId: `liquidation-${inst.symbol}-${this.fillSeq}`, symbol: inst.symbol,
        side: l.qty > 0 ? 'sell' : 'buy', qty, price: l.price, fee: this.fees.charge(inst, l.price, qty, 'taker', ts), feeCurrency: inst.settle, liquidity: 'taker', ts,
      },
    });
  }

  /** Cash the account has for a spot fill right now: the ledger's, plus this pass's fills not yet applied. */
  private cashNow(currency: string): Money {
    return this.funds!(currency) + (this.passFlow.get(currency) ?? 0n);
  }

  /** The lots of a spot buy of `q` at `ticks` the cash pays for (spot-funds.ts). */
  private affordable(st: SymState, ticks: number, q: number, maker: boolean, ts: number): number {
    const inst = st.inst;
    const rate = this.fees.rate(inst, maker ? 'maker' : 'taker', ts);
    return affordableLots(inst, ticks, q, rate, this.cashNow(inst.quote), st.pos);
  }

  private fill(st: SymState, w: Working, q: number, price: number, maker: boolean, ts: number, touch?: number): void {
    const inst = st.inst;
    const liq = maker ? 'maker' : 'taker';
    const fee = this.fees.charge(inst, price, q, liq, ts);
    if (this.funds && inst.kind === 'spot') {
      const n = notional(inst, price, q);
      const flow = w.s > 0 ? -(n + fee) : n - fee;
      this.passFlow.set(inst.quote, (this.passFlow.get(inst.quote) ?? 0n) + flow);
      if (this.spot) this.passPos.set(inst.symbol, (this.passPos.get(inst.symbol) ?? 0) + w.s * q);
    }
    const tradeId = this.tradePrefix + ++this.fillSeq;
    // Two literals rather than a spread: the candle path's fills keep one shape and allocate nothing extra.
    const f: Fill = touch === undefined
      ? { venue: this.id, tradeId, clientOrderId: w.order.clientOrderId, symbol: inst.symbol, side: w.order.side, qty: q, price, fee, feeCurrency: inst.settle, liquidity: liq, ts }
      : { venue: this.id, tradeId, clientOrderId: w.order.clientOrderId, symbol: inst.symbol, side: w.order.side, qty: q, price, fee, feeCurrency: inst.settle, liquidity: liq, ts, touch };
    w.remaining -= q;
    st.pos += w.s * q;
    if (w.remaining === 0) this.remove(w, 'filled', '', ts);
    this.emit({ kind: 'fill', fill: f });
    const g = w.order.groupId;
    if (g !== undefined && w.remaining === 0) {
      for (const o of [...this.working]) {
        if (o !== w && o.order.groupId === g && o.order.parentId === w.order.parentId && (o.order.groupKind === 'oco' || o.order.parentId !== undefined)) {
          this.remove(o, 'canceled', 'oco_sibling_filled', ts);
        }
      }
    }
  }
}

