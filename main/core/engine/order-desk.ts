/**
 * The order side of the kernel: the one path every order takes (validate → risk gate → OMS → store → venue)
 * and the venue events coming back (order state machine, fills, contingencies), with their audit. The Engine
 * (kernel.ts) adds market data, strategies and the candle loop on top; both share this run-to-completion
 * queue, so a command or a bar drains the venue events it caused before it returns.
 */
import { IllegalTransitionError, KestrelError, NotFoundError, RiskRejectedError, ValidationError } from '../errors.ts';
import type { CandleColumns, Fill, Instrument, Order, OrderRequest, OrderSource } from '../model/index.ts';
import { isTerminal } from '../model/index.ts';
import type { AuditEvent, AuditSink, Clock, RiskAlert, RiskBook, RiskGate, RiskInput, RiskVerdict, SimulatedVenue, Store, TradingState, Venue, VenueEvent, VenueListener } from '../ports.ts';
import { emptyRiskBook, isSimulatedVenue, MemoryStore, NullAuditSink } from '../ports.ts';
import { OrderManager, type OrderLink } from '../execution/oms.ts';
import { isProtective, MAX_AUTO_REPLACE, protectableQty, protectionLost, retryable, type ProtectiveLostPolicy } from '../execution/protection.ts';
import { validateRequest } from '../execution/validate.ts';
import { Portfolio, type PositionState } from '../portfolio/portfolio.ts';
import { LimitsRiskGate } from '../risk/gate.ts';
import { Bus } from './bus.ts';
import { SimClock } from './clock.ts';
import type { EngineConfig, EngineEvents, OrderEventKind } from './events.ts';
import type { Strategy, StrategyContext } from './strategy.ts';
import { SmallMap } from './small-map.ts';

export abstract class OrderDesk implements VenueListener {
  readonly bus = new Bus<EngineEvents>();
  readonly oms: OrderManager;
  readonly portfolio: Portfolio;
  readonly clock: Clock;
  protected readonly simClock: SimClock | undefined;
  readonly venue: Venue;
  /** The venue when it simulates matching (paper/replay); read by the candle loop. */
  readonly sim: SimulatedVenue | undefined;
  protected readonly store: Store;
  private readonly audit: AuditSink;
  /** Whether audit events are built at all (see AuditSink.enabled). */
  private readonly auditing: boolean;
  protected readonly risk: RiskGate;
  protected readonly instruments = new Map<string, Instrument>();
  /** Per-symbol hot state: a double field in an object stays unboxed (a Map<string, number> would box). */
  protected readonly slots = new Map<string, Slot>();
  /** The slots as an array, for the risk book's pass (no iterator allocation). */
  protected readonly slotList: Slot[] = [];
  /** Whether the gate watches equity and prices between orders (RiskGate.monitors). */
  readonly watching: boolean;
  protected readonly fillListeners = new SmallMap<string, StrategyContext>();
  protected readonly ctxOf = new Map<Strategy, StrategyContext>();
  protected state: TradingState = 'active';
  /** The state a `liftable` alert (a backtest's daily-loss hold) put the account in, while nothing else holds it there. */
  private liftable: TradingState | undefined;
  protected readonly queue: VenueEvent[] = [];
  protected depth = 0;
  private auditSeq = 0;
  private readonly riskIn: RiskInput;
  /** What a protective order lost at the venue (or refused by it) becomes (EngineConfig.protectiveLost; the account's setting, changeable while running). */
  protectiveLost: ProtectiveLostPolicy;
  /** Automatic re-placements per OCO set (or symbol and tag for a standalone stop) this session. */
  private readonly replacedCount = new Map<string, number>();
  /** Lost protective orders not re-placed (flagged unprotected), by client order id, until settled. */
  protected readonly lostOrders = new Map<string, Order>();

  constructor(cfg: EngineConfig) {
    this.venue = cfg.venue;
    this.sim = isSimulatedVenue(cfg.venue) ? cfg.venue : undefined;
    this.clock = cfg.clock ?? new SimClock();
    this.simClock = this.clock instanceof SimClock ? this.clock : undefined;
    this.store = cfg.store ?? new MemoryStore();
    this.audit = cfg.audit ?? new NullAuditSink();
    this.auditing = this.audit.enabled !== false;
    this.risk = cfg.risk ?? new LimitsRiskGate();
    this.protectiveLost = cfg.protectiveLost ?? 'replace';
    const session = cfg.sessionId ?? 'K';
    const history = cfg.history ?? true;
    this.oms = new OrderManager(session, { history });
    this.portfolio = new Portfolio(cfg.portfolio, cfg.instruments, { ledger: history });
    for (const i of cfg.instruments) {
      this.instruments.set(i.symbol, i);
      const slot = new Slot(i, this.portfolio.positions.get(i.symbol)!);
      this.slots.set(i.symbol, slot);
      this.slotList.push(slot);
    }
    this.watching = this.risk.monitors === true;
    const book = emptyRiskBook();
    book.symbols = this.slotList.map((s) => s.inst.symbol);
    book.exposure = new Float64Array(this.slotList.length);
    this.riskIn = { request: undefined!, source: 'system', instrument: undefined!, tradingState: 'active', positionQty: 0, workingQty: 0, openOrders: 0, lastPrice: 0, equity: 0, ts: 0, book };
    cfg.venue.connect(this, session);
  }

  instrument(symbol: string): Instrument {
    const i = this.instruments.get(symbol);
    if (!i) throw new NotFoundError('instrument', symbol);
    return i;
  }

  get tradingState(): TradingState {
    return this.state;
  }

  // ───────────── internals: placing ─────────────

  protected enter<T>(fn: () => T): T {
    this.depth++;
    try {
      return fn();
    } finally {
      this.leave();
    }
  }

  protected leave(): void {
    if (--this.depth === 0 && this.queue.length > 0) this.drain();
  }

  /** The gate's inputs as they are right now (one reused object: see RiskInput). */
  protected riskInput(req: OrderRequest, source: OrderSource, inst: Instrument): RiskInput {
    const x = this.riskIn;
    x.request = req;
    x.source = source;
    x.instrument = inst;
    x.tradingState = this.state;
    x.positionQty = this.portfolio.positionQty(req.symbol);
    x.workingQty = this.oms.workingQty(req.symbol);
    x.openOrders = this.oms.openCount();
    const slot = this.slots.get(req.symbol)!;
    const last = slot.last;
    x.leverage = slot.pos.perp ? slot.pos.leverage : undefined;
    x.lastPrice = last > 0 ? Math.round(last / inst.tickF) : 0;
    x.equity = this.portfolio.equity();
    x.ts = this.clock.now();
    if (this.risk.wantsBook) this.fillBook(x.book, req.symbol);
    return x;
  }

  /** The account's worst-case exposure (see RiskBook): one pass over open orders, one over symbols. */
  private fillBook(b: RiskBook, symbol: string): void {
    const L = this.slotList;
    for (let k = 0; k < L.length; k++) L[k]!.workBuy = L[k]!.workSell = 0;
    const open = this.oms.open.items;
    for (let k = 0; k < open.length; k++) {
      const o = open[k]!;
      if (o.state === 'held') continue;
      const s = this.slots.get(o.symbol);
      if (!s) continue;
      if (o.side === 'buy') s.workBuy += o.qty - o.filledQty;
      else s.workSell -= o.qty - o.filledQty;
    }
    b.openPositions = 0;
    b.gross = b.netLong = b.netShort = b.margin = 0;
    b.symHeld = false;
    b.symGross = b.symNetLong = b.symNetShort = b.symMargin = b.symWorkBuy = b.symWorkSell = 0;
    b.symLeverage = 1;
    for (let k = 0; k < L.length; k++) {
      const s = L[k]!;
      const p = s.pos;
      const mine = s.inst.symbol === symbol;
      const lev = p.perp && p.leverage > 0 ? p.leverage : 1;
      if (mine) b.symLeverage = lev;
      const q = p.qty, hi = q + s.workBuy, lo = q + s.workSell;
      b.exposure[k] = 0;
      if (q === 0 && hi === 0 && lo === 0) continue;
      // A perpetual's exposure and margin at the venue's mark once one arrived (as the venue computes them), else the last price.
      const v = p.lotValueF * p.pnlMarkF() * (p.fxF > 0 ? p.fxF : 1);
      b.exposure[k] = q * v;
      const gross = Math.max(Math.abs(hi), Math.abs(lo)) * v;
      b.openPositions++;
      b.gross += gross;
      b.netLong += hi * v;
      b.netShort += lo * v;
      b.margin += gross / lev;
      if (mine) {
        b.symHeld = true;
        b.symGross = gross;
        b.symNetLong = hi * v;
        b.symNetShort = lo * v;
        b.symMargin = gross / lev;
        b.symWorkBuy = s.workBuy;
        b.symWorkSell = s.workSell;
      }
    }
  }

  /**
   * Acts on a monitor's finding: alert (bus + audit), then, when it asks, cancel every order, close positions
   * at market (reduce-only system orders: the one kind a halt lets through) and move to a stricter state.
   */
  protected riskAlert(a: RiskAlert): void {
    // A lift with nothing to lift (another rule, or a human, holds the account now) is no event at all.
    if (a.lift && (this.liftable === undefined || this.state !== this.liftable)) return;
    const ts = this.clock.now();
    this.emitAudit({ type: 'risk-alert', ts, ...(a.symbol ? { symbol: a.symbol } : {}), payload: { rule: a.rule, message: a.message, limit: a.limit, value: a.value, state: a.state ?? null, cancel: a.cancel ?? false, flatten: a.flatten ?? null } });
    this.bus.emit('risk-alert', a);
    if (a.cancel) for (const o of [...this.oms.open]) this.requestCancel(o, a.rule);
    if (a.flatten) this.flatten(a.flatten === 'all' ? undefined : a.flatten, a.rule);
    if (a.lift) this.changeState('active', a.message);
    else if (a.state && RANK[a.state] > RANK[this.state]) {
      this.changeState(a.state, a.message);
      if (a.liftable) this.liftable = a.state;
    } else if (a.state) this.liftable = undefined; // another rule holds the account there too: no lift frees it
  }

  /** Closes positions at market with reduce-only system orders (all, or the listed symbols). Returns the orders. */
  flatten(symbols: readonly string[] | undefined, tag: string): Order[] {
    const out: Order[] = [];
    for (const s of this.slotList) {
      const q = s.pos.qty;
      if (q === 0 || (symbols && !symbols.includes(s.inst.symbol))) continue;
      const req: OrderRequest = { symbol: s.inst.symbol, side: q > 0 ? 'sell' : 'buy', type: 'market', qty: Math.abs(q), reduceOnly: true, tag };
      try {
        out.push(this.place(req, 'system', {}, undefined));
      } catch (err) {
        if (!(err instanceof KestrelError)) throw err;
        this.emitAudit({ type: 'override', ts: this.clock.now(), symbol: s.inst.symbol, payload: { refused: 'flatten', code: err.code, message: err.message, details: err.details ?? {} } });
      }
    }
    return out;
  }

  protected changeState(state: TradingState, reason: string): void {
    const from = this.state;
    this.state = state;
    this.liftable = undefined;
    this.emitAudit({ type: 'trading-state', ts: this.clock.now(), payload: { from, to: state, reason } });
    this.bus.emit('trading-state', { state, reason });
  }

  /**
   * The monitors between orders, after a mark: black swan on the print, then daily loss and drawdown on the
   * equity (the caller has brought equityF up to date or this does).
   */
  watchMarks(slot: Slot, price: number): void {
    const ts = this.clock.now();
    const r = this.risk;
    const swan = r.observePrice?.(slot.inst.symbol, ts, price, slot.pos.qty !== 0);
    if (swan) this.enter(() => this.riskAlert(swan));
    this.portfolio.updateEquity();
    const a = r.observe?.(ts, this.portfolio.equityF);
    if (a) this.enter(() => this.riskAlert(a));
  }

  /** `replaces`: an order the request takes the place of (an amend): its working quantity and slot are left out. */
  protected gate(req: OrderRequest, source: OrderSource, strategy: Strategy | undefined, replaces?: Order): Instrument {
    const inst = this.instruments.get(req.symbol);
    validateRequest(req, inst);
    const x = this.riskInput(req, source, inst!);
    if (replaces && replaces.state !== 'held') {
      x.workingQty -= replaces.side === 'buy' ? replaces.qty - replaces.filledQty : replaces.filledQty - replaces.qty;
      x.openOrders -= 1;
    }
    const verdict = this.risk.check(x);
    const ts = this.clock.now();
    if (this.auditing) this.auditVerdict(req, source, strategy, verdict, ts);
    if (this.bus.count > 0 && this.bus.has('risk')) this.bus.emit('risk', { request: req, source, verdict });
    if (!verdict.ok) throw new RiskRejectedError(verdict.reasons);
    return inst!;
  }

  private auditVerdict(req: OrderRequest, source: OrderSource, strategy: Strategy | undefined, verdict: RiskVerdict, ts: number): void {
    const x = this.riskIn;
    if (source === 'strategy' && strategy) {
      this.emitAudit({ type: 'signal', ts, symbol: req.symbol, strategyVersion: strategy.version, payload: { strategy: strategy.id, name: 'order', inputs: { request: req, lastPrice: x.lastPrice, position: x.positionQty } } });
    }
    this.emitAudit({
      type: 'risk-verdict', ts, symbol: req.symbol, strategyVersion: strategy?.version,
      payload: { ok: verdict.ok, reasons: verdict.reasons, request: req, source, inputs: { tradingState: x.tradingState, positionQty: x.positionQty, workingQty: x.workingQty, openOrders: x.openOrders, lastPrice: x.lastPrice, equity: x.equity } },
    });
  }

  protected place(req: OrderRequest, source: OrderSource, link: OrderLink, strategy: Strategy | undefined, gated = false): Order {
    if (!gated) this.gate(req, source, strategy);
    const o = this.oms.create(req, source, this.venue.id, this.clock.now(), link);
    this.store.recordIntent(o); // durable BEFORE the venue hears of it
    this.orderEvent('created', o);
    // Only strategies that listen get their orders tracked (no map entry per order otherwise).
    if (strategy && (strategy.onFill || strategy.onOrder)) {
      const ctx = this.ctxOf.get(strategy);
      if (ctx) this.fillListeners.set(o.clientOrderId, ctx);
    }
    this.tellLastBar(o.symbol);
    this.venue.submit(o);
    return o;
  }

  private tellLastBar(symbol: string): void {
    const slot = this.slots.get(symbol);
    if (this.sim && slot && slot.bars) this.sim.lastBar(symbol, slot.bars, slot.i);
  }

  protected requestCancel(o: Order, reason: string): void {
    if (isTerminal(o.state) || o.state === 'pending-cancel') return;
    const ts = this.clock.now();
    if (o.state === 'held') {
      this.oms.move(o, 'canceled', ts, reason);
      this.orderEvent('canceled', o);
      return;
    }
    this.oms.move(o, 'pending-cancel', ts, reason);
    this.orderEvent('pending-cancel', o);
    this.venue.cancel(o.clientOrderId);
  }

  /**
   * Takes over a working order this session did not place (an earlier run's, after a restart; or one found
   * at the venue and adopted by reconciliation): into the OMS and the audit, with no venue call. Fills it
   * had before are the portfolio's already (an earlier run's) or not ours to book (a foreign order's).
   */
  adopt(order: Readonly<Order>): Order {
    if (!this.instruments.has(order.symbol)) throw new ValidationError(`Unknown instrument ${order.symbol}`, [{ path: 'symbol', message: 'not tradable in this session' }]);
    const o = this.oms.adopt({ ...order });
    this.orderEvent('adopted', o);
    return o;
  }

  // ───────────── internals: venue events ─────────────

  onVenueEvent(e: VenueEvent): void {
    this.queue.push(e);
    if (this.depth === 0) this.drain();
  }

  protected drain(): void {
    this.depth++;
    try {
      for (let k = 0; k < this.queue.length; k++) {
        const e = this.queue[k]!;
        try {
          this.handle(e);
        } catch (err) {
          if (!(err instanceof KestrelError)) throw err;
          this.emitAudit({ type: 'override', ts: this.clock.now(), payload: { refused: e.kind, code: err.code, message: err.message, details: err.details ?? {} } });
          this.bus.emit('error', { error: err, event: e });
        }
      }
    } finally {
      // Emptied by pop(): `length = 0` drops the backing store, and the next push would allocate a new one.
      const q = this.queue;
      while (q.length > 0) q.pop();
      this.depth--;
    }
  }

  private handle(e: VenueEvent): void {
    if (e.kind === 'fill') return this.handleFill(e.fill);
    const o = this.oms.get(e.clientOrderId);
    if (!o) throw new NotFoundError('order', e.clientOrderId);
    switch (e.kind) {
      case 'ack': {
        const known = o.venueOrderId;
        o.venueOrderId = e.venueOrderId;
        if (o.state === 'pending-submit') {
          this.oms.move(o, 'accepted', e.ts);
          this.orderEvent('accepted', o);
        } else if (known !== e.venueOrderId && !isTerminal(o.state)) {
          // Acknowledged after a cancel was asked (pending-cancel): the id is stored, so that a restart finds the
          // order at the venue by it rather than treating it as never acknowledged.
          this.store.recordOrderUpdate(o);
        }
        return;
      }
      case 'rejected':
        this.oms.move(o, 'rejected', e.ts, e.reason);
        this.orderEvent('rejected', o);
        // A refused exit leaves its sibling working: the position keeps what protection could be placed.
        if (isProtective(o)) return this.protectionLost(o, e.reason, this.protectiveLost, 'system', `refused by the venue (${e.detail ?? e.reason})`);
        return this.contingent(o, 0);
      case 'triggered':
        if (o.state === 'accepted') this.oms.move(o, 'triggered', e.ts);
        this.orderEvent('triggered', o);
        return;
      case 'trail-moved': {
        // Only ever in the trader's favour: a stale or replayed report must not move the stop back.
        const prev = o.triggerPrice;
        if (prev !== undefined && (o.side === 'sell' ? e.triggerPrice <= prev : e.triggerPrice >= prev)) return;
        o.triggerPrice = e.triggerPrice;
        this.orderEvent('trail-moved', o);
        return;
      }
      case 'canceled':
      case 'expired': {
        if (isTerminal(o.state)) return; // a cancel ack after the order already ended changes nothing
        const asked = o.state === 'pending-cancel';
        const reason = e.kind === 'canceled' ? e.reason : 'expired';
        this.oms.move(o, e.kind, e.ts, reason);
        this.orderEvent(e.kind, o);
        if (!asked && protectionLost(o, reason)) return this.protectionLost(o, reason, this.protectiveLost, 'system');
        return this.contingent(o, 0);
      }
      case 'cancel-rejected':
      case 'amend-rejected':
        if (o.state === 'pending-cancel' || o.state === 'pending-amend') this.oms.move(o, this.resting(o), e.ts, e.reason);
        this.orderEvent(e.kind, o);
        return;
      case 'amended':
        o.qty = e.qty;
        o.price = e.price;
        o.triggerPrice = e.triggerPrice;
        if (o.state === 'pending-amend') this.oms.move(o, this.resting(o), e.ts);
        this.orderEvent('amended', o);
        return;
    }
  }

  private resting(o: Order): 'accepted' | 'partially-filled' {
    return o.filledQty > 0 ? 'partially-filled' : 'accepted';
  }

  private handleFill(f: Fill): void {
    const o = this.oms.get(f.clientOrderId);
    // Refuse (with a typed error, before anything is applied) a fill the order cannot take: over its
    // quantity, or on an order already final. Duplicates pass through to be dropped by the dedup below.
    if (o && (o.filledQty + f.qty > o.qty || isTerminal(o.state)) && !this.isDuplicate(f)) {
      if (isTerminal(o.state)) throw new IllegalTransitionError('order', o.state, 'filled', { clientOrderId: o.clientOrderId, tradeId: f.tradeId });
      this.oms.applyFill(o, f); // throws the overfill error
    }
    if (!o && this.oms.forgotten(f.clientOrderId) && !this.isDuplicate(f)) throw new IllegalTransitionError('order', 'final', 'filled', { clientOrderId: f.clientOrderId, tradeId: f.tradeId });
    if (!this.store.recordFill(f)) return;
    if (!this.portfolio.applyFill(f)) return;
    if (o) this.oms.applyFill(o, f);
    // The fill's order snapshot is also the order event's below (the order does not change in between), unless
    // a fill listener ran and may have changed it.
    let snap: Order | undefined;
    if (this.auditing) {
      snap = o ? snapshot(o) : undefined;
      this.emitAudit({ type: 'fill', ts: f.ts, venueTs: f.venueTs, symbol: f.symbol, payload: { fill: f, order: snap ?? null, position: this.portfolio.positionQty(f.symbol) } });
    }
    if (this.bus.count > 0 && this.bus.has('fill')) {
      snap = undefined;
      this.bus.emit('fill', { fill: f, order: o });
    }
    if (!o) return;
    // Looked up before the order event: a complete fill ends the order, and its event drops the listener.
    const ctx = this.fillListeners.size > 0 ? this.fillListeners.get(o.clientOrderId) : undefined;
    this.orderEvent(o.state === 'filled' ? 'filled' : 'partially-filled', o, undefined, snap);
    if (ctx?.strategy.onFill) ctx.strategy.onFill(ctx, f);
    this.contingent(o, f.qty);
  }

  private isDuplicate(f: Fill): boolean {
    return this.portfolio.hasFill(f.venue, f.tradeId);
  }

  protected contingent(o: Order, fillQty: number): void {
    if (!o.groupId) return;
    const acts = this.oms.contingencies(o, fillQty);
    for (const c of acts.cancel) this.requestCancel(c, 'oco');
    for (const r of acts.resize) {
      if (r.order.state === 'held' || isTerminal(r.order.state)) continue;
      this.oms.move(r.order, 'pending-amend', this.clock.now());
      this.orderEvent('pending-amend', r.order, { change: { qty: r.qty } });
      this.venue.amend(r.order.clientOrderId, { qty: r.qty });
    }
    for (const x of acts.release) this.release(x, o.filledQty);
  }

  /**
   * A protective order ended at the venue without Kestrel asking (canceled outside it, expired, missing at
   * reconciliation; execution/protection.ts). It is not its sibling's fill: the sibling keeps working, and the
   * lost order is re-placed (a new client id in the same OCO set, through the risk gate) or the position is
   * flagged unprotected, with an alert either way. With no position left to protect the set ends as an OCO
   * does. Automatic re-placements are bounded per set (a venue refusing the same order again must not loop);
   * the trader's own (`source` reconcile) are not.
   */
  protected protectionLost(o: Order, reason: string, how: ProtectiveLostPolicy, source: OrderSource, happened = `ended at the venue (${reason})`): void {
    const qty = protectableQty(o, this.portfolio.positionQty(o.symbol));
    if (qty <= 0) return this.contingent(o, 0);
    const key = o.groupId ?? `${o.symbol}:${o.tag ?? ''}`;
    const n = this.replacedCount.get(key) ?? 0;
    const what = `${o.tag ?? o.type} ${o.clientOrderId} on ${o.symbol} ${happened}`;
    let refused = '';
    if (how === 'replace' && source === 'system' && !retryable(reason)) refused = '; the same order would be refused again';
    else if (how === 'replace' && (source !== 'system' || n < MAX_AUTO_REPLACE)) {
      try {
        const r = this.placeAgain(o, qty, source);
        this.replacedCount.set(key, n + 1);
        this.riskAlert({ rule: 'protective_replaced', message: `${what}: re-placed as ${r.clientOrderId}`, limit: 0, value: qty, symbol: o.symbol });
        return;
      } catch (err) {
        if (!(err instanceof KestrelError)) throw err;
        refused = `; re-placing it was refused: ${err.message}`;
      }
    } else if (how === 'replace') refused = `; re-placed ${n} times already this session`;
    this.lostOrders.set(o.clientOrderId, o);
    this.riskAlert({ rule: 'unprotected', message: `${what}${refused}: the position is unprotected`, limit: 0, value: qty, symbol: o.symbol });
  }

  /** Places a lost protective order again, in its OCO set, sized to what it still protects. */
  protected placeAgain(o: Order, qty: number, source: OrderSource): Order {
    const link: OrderLink = o.groupId !== undefined ? { groupId: o.groupId, groupKind: o.groupKind, parentId: o.parentId } : NO_LINK;
    const req: OrderRequest = { symbol: o.symbol, side: o.side, type: o.type, qty, price: o.price, triggerPrice: o.triggerPrice, tif: o.tif, reduceOnly: true, postOnly: o.postOnly, tag: o.tag };
    const r = this.place(req, source, link, undefined);
    this.lostOrders.delete(o.clientOrderId);
    return r;
  }

  /** A bracket exit goes live, sized to what the entry filled, through the risk gate like any order. */
  private release(o: Order, qty: number): void {
    if (o.state !== 'held') return;
    o.qty = qty;
    try {
      this.gate({ symbol: o.symbol, side: o.side, type: o.type, qty, price: o.price, triggerPrice: o.triggerPrice, reduceOnly: o.reduceOnly, tag: o.tag }, o.source, undefined);
    } catch (e) {
      if (!(e instanceof KestrelError)) throw e;
      this.oms.move(o, 'canceled', this.clock.now(), e.code);
      this.orderEvent('canceled', o);
      return;
    }
    // The intent was stored once, held, when the bracket was placed; the release is a state change of that
    // stored order (held → pending-submit, qty sized to the fill), recorded by orderEvent before the venue call.
    this.oms.move(o, 'pending-submit', this.clock.now());
    this.orderEvent('released', o);
    this.tellLastBar(o.symbol);
    this.venue.submit(o);
  }

  // ───────────── audit ─────────────

  /** `snap`: a snapshot of `o` as it is now, already made for another event (shared, never changed). */
  protected orderEvent(event: OrderEventKind, o: Order, extra?: Record<string, unknown>, snap?: Order): void {
    this.store.recordOrderUpdate(o);
    if (this.auditing) {
      const order = snap ?? snapshot(o);
      this.emitAudit({ type: 'order', ts: this.clock.now(), symbol: o.symbol, payload: extra ? { event, order, ...extra } : { event, order } });
    }
    if (this.bus.count > 0 && this.bus.has('order')) this.bus.emit('order', { event, order: o });
    if (event !== 'created' && this.fillListeners.size > 0) {
      const ctx = this.fillListeners.get(o.clientOrderId);
      if (ctx?.strategy.onOrder) ctx.strategy.onOrder(ctx, o);
      if (ctx && isTerminal(o.state)) this.fillListeners.delete(o.clientOrderId);
    }
  }

  protected emitAudit(e: Omit<AuditEvent, 'seq'>): void {
    if (!this.auditing) return;
    // One literal with every key (absent ones undefined, which canonicalJson skips), not a spread: all events
    // share one hidden class, kept alive by the literal's boilerplate. A spread makes shapes that die with the
    // last event, and a GC then discards every optimized function that embedded them.
    this.audit.append({ type: e.type, ts: e.ts, seq: ++this.auditSeq, venueTs: e.venueTs, strategyVersion: e.strategyVersion, symbol: e.symbol, payload: e.payload });
  }
}

export const NO_LINK: OrderLink = Object.freeze({});

const RANK: Readonly<Record<TradingState, number>> = { active: 0, 'reducing-only': 1, halted: 2 };

export class Slot {
  readonly inst: Instrument;
  readonly pos: PositionState;
  last = NaN;
  /** Scratch for the risk book: working lots on the symbol, buys (≥ 0) and sells (≤ 0). */
  workBuy = 0;
  workSell = 0;
  /** Last closed bar shown to strategies (told to a simulated venue before each submit). */
  bars: CandleColumns | undefined = undefined;
  i = -1;
  constructor(inst: Instrument, pos: PositionState) {
    this.inst = inst;
    this.pos = pos;
  }
}

/** Order as plain data at this moment (the live object keeps changing). canonicalJson skips undefined fields. */
function snapshot(o: Order): Order {
  return {
    clientOrderId: o.clientOrderId, venueOrderId: o.venueOrderId, symbol: o.symbol, venue: o.venue, side: o.side, type: o.type,
    qty: o.qty, price: o.price, triggerPrice: o.triggerPrice, trail: o.trail, tif: o.tif, expireAt: o.expireAt,
    reduceOnly: o.reduceOnly, postOnly: o.postOnly, source: o.source, tag: o.tag, state: o.state, filledQty: o.filledQty,
    filledNotionalTicks: o.filledNotionalTicks, groupId: o.groupId, groupKind: o.groupKind, parentId: o.parentId,
    createdTs: o.createdTs, updatedTs: o.updatedTs, reason: o.reason,
  };
}
