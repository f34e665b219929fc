/**
 * The kernel: one deterministic, single-threaded event loop for backtest, paper and live. What differs
 * between them is only the ports handed in (clock, venue, store, audit sink, risk gate) — see ports.ts.
 *
 * Every order, from any source, takes the same path:
 *   validate → risk gate (verdict audited) → OMS (intent stored BEFORE the venue call) → venue
 *   → venue events → order state machine → fills (dedup by venue+tradeId) → portfolio → audit.
 * Venue events are queued and processed run-to-completion, one at a time, in arrival order, never
 * re-entrantly; so the same inputs always produce the same sequence of state changes.
 */
import { IllegalTransitionError, KestrelError, RiskRejectedError, ValidationError, NotFoundError } from '../errors.ts';
import type { BracketRequest, Candle, CandleColumns, Fill, Instrument, Order, OrderBookUpdate, OrderRequest, OrderSource, Quote, Trade } from '../model/index.ts';
import { isTerminal } from '../model/index.ts';
import type { AuditEvent, AuditSink, Clock, OrderAmend, RiskGate, RiskInput, RiskVerdict, SimulatedVenue, Store, TradingState, Venue, VenueEvent, VenueListener } from '../ports.ts';
import { isSimulatedVenue, MemoryStore, NullAuditSink } from '../ports.ts';
import { OrderManager, type OrderLink } from '../execution/oms.ts';
import { validateRequest } from '../execution/validate.ts';
import { Portfolio, type FundingEvent, type PortfolioConfig, type PositionState } from '../portfolio/portfolio.ts';
import { LimitsRiskGate } from '../risk/gate.ts';
import { Bus } from './bus.ts';
import { SimClock } from './clock.ts';
import { CandleBuffer } from './series.ts';
import { StrategyContext, type Strategy } from './strategy.ts';
import { SmallMap } from './small-map.ts';

export interface EngineConfig {
  readonly instruments: readonly Instrument[];
  readonly venue: Venue;
  readonly portfolio: PortfolioConfig;
  readonly clock?: Clock;
  readonly store?: Store;
  readonly audit?: AuditSink;
  readonly risk?: RiskGate;
  /**
   * The session's id, unique per session (e.g. the ledger's session id): the prefix of generated client
   * order ids, and handed to the venue on connect so simulated trade ids are unique across sessions too.
   */
  readonly sessionId?: string;
  /**
   * Keep every order and fill of the session (default true). A run whose fills are read off the bus as they
   * happen (a sweep row) turns it off: orders are forgotten once final and the portfolio keeps no ledger, so
   * oms.all() lists open orders and portfolio.fills() is refused.
   */
  readonly history?: boolean;
}

export type OrderEventKind = 'created' | 'accepted' | 'rejected' | 'triggered' | 'trail-moved' | 'filled' | 'partially-filled' | 'pending-cancel' | 'canceled' | 'cancel-rejected' | 'pending-amend' | 'amended' | 'amend-rejected' | 'expired' | 'released';

export interface EngineEvents {
  order: { readonly event: OrderEventKind; readonly order: Readonly<Order> };
  /** The order it filled; undefined for a fill of an order this session did not place. */
  fill: { readonly fill: Fill; readonly order: Readonly<Order> | undefined };
  risk: { readonly request: OrderRequest; readonly source: OrderSource; readonly verdict: RiskVerdict };
  'trading-state': { readonly state: TradingState; readonly reason: string };
  /** A venue event the kernel could not apply (unknown order, illegal transition): never silently dropped. */
  error: { readonly error: KestrelError; readonly event: VenueEvent };
  bar: { readonly symbol: string; readonly i: number; readonly bars: CandleColumns };
}

export interface RunResult {
  /** Equity at each bar's close (float valuation of the exact ledger). */
  readonly equity: Float64Array;
  /** The session's fills; empty when the engine keeps no history. */
  readonly fills: Fill[];
}

export class Engine implements VenueListener {
  readonly bus = new Bus<EngineEvents>();
  readonly oms: OrderManager;
  readonly portfolio: Portfolio;
  readonly clock: Clock;
  private readonly simClock: SimClock | undefined;
  readonly venue: Venue;
  /** The venue when it simulates matching (paper/replay); read by the candle loop. */
  readonly sim: SimulatedVenue | undefined;
  private readonly store: Store;
  private readonly audit: AuditSink;
  /** Whether audit events are built at all (see AuditSink.enabled). */
  private readonly auditing: boolean;
  private readonly risk: RiskGate;
  private readonly instruments = new Map<string, Instrument>();
  /** Per-symbol hot state: a double field in an object stays unboxed (a Map<string, number> would box). */
  private readonly slots = new Map<string, Slot>();
  private readonly buffers = new Map<string, CandleBuffer>();
  private readonly strategies = new Map<string, StrategyContext[]>();
  private readonly fillListeners = new SmallMap<string, StrategyContext>();
  private readonly ctxOf = new Map<Strategy, StrategyContext>();
  private state: TradingState = 'active';
  private readonly queue: VenueEvent[] = [];
  private depth = 0;
  private auditSeq = 0;
  private readonly riskIn: RiskInput;

  constructor(cfg: EngineConfig) {
    this.venue = cfg.venue;
    this.sim = isSimulatedVenue(cfg.venue) ? cfg.venue : undefined;
    this.clock = cfg.clock ?? new SimClock();
    this.simClock = this.clock instanceof SimClock ? this.clock : undefined;
    this.store = cfg.store ?? new MemoryStore();
    this.audit = cfg.audit ?? new NullAuditSink();
    this.auditing = this.audit.enabled !== false;
    this.risk = cfg.risk ?? new LimitsRiskGate();
    const session = cfg.sessionId ?? 'K';
    const history = cfg.history ?? true;
    this.oms = new OrderManager(session, { history });
    this.portfolio = new Portfolio(cfg.portfolio, cfg.instruments, { ledger: history });
    for (const i of cfg.instruments) {
      this.instruments.set(i.symbol, i);
      this.slots.set(i.symbol, new Slot(i, this.portfolio.positions.get(i.symbol)!));
    }
    this.riskIn = { request: undefined!, source: 'system', instrument: undefined!, tradingState: 'active', positionQty: 0, workingQty: 0, openOrders: 0, lastPrice: 0, equity: 0 };
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

  // ───────────── commands ─────────────

  /** Submits an order through the risk gate. Throws ValidationError or RiskRejectedError. */
  submit(req: OrderRequest, source: OrderSource = 'ticket'): Order {
    this.depth++;
    try {
      return this.place(req, source, NO_LINK, undefined);
    } finally {
      this.leave();
    }
  }

  /** Like submit, for strategies: a risk rejection returns undefined instead of throwing (it is audited). */
  trySubmit(req: OrderRequest, source: OrderSource, strategy?: Strategy): Order | undefined {
    this.depth++;
    try {
      return this.place(req, source, NO_LINK, strategy);
    } catch (e) {
      if (e instanceof RiskRejectedError) return undefined;
      throw e;
    } finally {
      this.leave();
    }
  }

  /** One-cancels-other: all legs pass the gate or none is placed. */
  submitOco(legs: readonly OrderRequest[], source: OrderSource = 'ticket'): Order[] {
    if (legs.length < 2) throw new ValidationError('an OCO needs at least two legs');
    return this.enter(() => {
      for (const l of legs) this.gate(l, source, undefined);
      const groupId = `${this.oms.nextId()}-oco`;
      return legs.map((l) => this.place(l, source, { groupId, groupKind: 'oco' }, undefined, true));
    });
  }

  /**
   * Bracket: entry now; take-profit (limit) and stop-loss (stop-market, or stop-limit with stopLimit) held
   * until the entry fills, then working as an OCO pair sized to the filled quantity. The exits pass the
   * risk gate when they are released (they reduce, so reducing-only allows them; halted does not).
   */
  submitBracket(b: BracketRequest, source: OrderSource = 'ticket'): Order[] {
    return this.enter(() => {
      const groupId = `${this.oms.nextId()}-bracket`;
      const entry = this.place(b.entry, source, { groupId, groupKind: 'bracket' }, undefined);
      const exit = b.entry.side === 'buy' ? 'sell' : 'buy';
      const base = { symbol: b.entry.symbol, side: exit, qty: b.entry.qty, reduceOnly: true } as const;
      const link = { groupId, groupKind: 'bracket', parentId: entry.clientOrderId, held: true } as const;
      const tp = this.oms.create({ ...base, type: 'limit', price: b.takeProfit, tag: 'take-profit' }, source, this.venue.id, this.clock.now(), link);
      const sl = this.oms.create(
        b.stopLimit === undefined ? { ...base, type: 'stop-market', triggerPrice: b.stopLoss, tag: 'stop-loss' } : { ...base, type: 'stop-limit', triggerPrice: b.stopLoss, price: b.stopLimit, tag: 'stop-loss' },
        source, this.venue.id, this.clock.now(), link,
      );
      for (const o of [tp, sl]) {
        validateRequest({ ...base, type: o.type, price: o.price, triggerPrice: o.triggerPrice }, this.instruments.get(o.symbol));
        this.store.recordIntent(o);
        this.orderEvent('created', o);
      }
      return [entry, tp, sl];
    });
  }

  cancel(clientOrderId: string): void {
    this.enter(() => {
      const o = this.oms.get(clientOrderId);
      if (!o) throw new NotFoundError('order', clientOrderId);
      this.requestCancel(o, 'requested');
    });
  }

  cancelAll(symbol?: string): void {
    this.enter(() => {
      for (const o of [...this.oms.open]) if (symbol === undefined || o.symbol === symbol) this.requestCancel(o, 'cancel_all');
    });
  }

  /**
   * Changes a working order's quantity, price or trigger. The order as it would be after the change passes
   * the risk gate in its own place: its current working quantity and open-order slot are not counted twice.
   */
  amend(clientOrderId: string, change: OrderAmend, source: OrderSource = 'ticket'): void {
    this.enter(() => {
      const o = this.oms.get(clientOrderId);
      if (!o) throw new NotFoundError('order', clientOrderId);
      const req: OrderRequest = {
        symbol: o.symbol, side: o.side, type: o.type, qty: change.qty ?? o.qty, price: change.price ?? o.price, triggerPrice: change.triggerPrice ?? o.triggerPrice,
        trail: o.trail, tif: o.tif, expireAt: o.expireAt, reduceOnly: o.reduceOnly, postOnly: o.postOnly, tag: o.tag,
      };
      if (req.qty <= o.filledQty) throw new ValidationError(`quantity must stay above the filled ${o.filledQty} lots`, [{ path: 'qty', message: 'at or below the filled quantity' }]);
      // Gated as the remaining quantity after the change, in place of the order's own.
      this.gate({ ...req, qty: req.qty - o.filledQty }, source, undefined, o);
      this.oms.move(o, 'pending-amend', this.clock.now());
      this.orderEvent('pending-amend', o, { change });
      this.venue.amend(clientOrderId, change);
    });
  }

  setTradingState(state: TradingState, reason: string): void {
    if (state !== 'active' && state !== 'reducing-only' && state !== 'halted') throw new ValidationError(`unknown trading state ${String(state)}`);
    const from = this.state;
    this.state = state;
    this.emitAudit({ type: 'trading-state', ts: this.clock.now(), payload: { from, to: state, reason } });
    this.bus.emit('trading-state', { state, reason });
  }

  applyFunding(e: FundingEvent): void {
    this.portfolio.applyFunding(e);
    this.emitAudit({ type: 'funding', ts: e.ts, symbol: e.symbol, payload: { rate: e.rate, markPrice: e.markPrice, position: this.portfolio.positionQty(e.symbol) } });
  }

  recordSignal(strategy: Strategy, symbol: string, name: string, inputs: Readonly<Record<string, unknown>>): void {
    this.emitAudit({ type: 'signal', ts: this.clock.now(), symbol, strategyVersion: strategy.version, payload: { strategy: strategy.id, name, inputs } });
  }

  // ───────────── queries ─────────────

  /**
   * The verdict the risk gate would give `req` from `source` right now, from the same inputs submit uses —
   * without validating, auditing, emitting or submitting anything (an order preview). Structural checks are
   * `validateRequest`'s (execution/validate.ts); an unknown symbol is a ValidationError here too.
   */
  checkRisk(req: OrderRequest, source: OrderSource = 'ticket'): RiskVerdict {
    const inst = this.instruments.get(req.symbol);
    if (!inst) throw new ValidationError(`unknown instrument ${req.symbol}`, [{ path: 'symbol', message: 'not configured' }]);
    return this.risk.check(this.riskInput(req, source, inst));
  }

  openOrders(symbol?: string): Order[] {
    const out: Order[] = [];
    for (const o of this.oms.open) if (symbol === undefined || o.symbol === symbol) out.push(o);
    return out;
  }

  order(clientOrderId: string): Readonly<Order> | undefined {
    return this.oms.get(clientOrderId);
  }

  lastPrice(symbol: string): number {
    return this.slot(symbol).last;
  }

  private slot(symbol: string): Slot {
    const s = this.slots.get(symbol);
    if (!s) throw new NotFoundError('instrument', symbol);
    return s;
  }

  // ───────────── market data ─────────────

  /** Attaches a strategy to a symbol's live candle stream (paper/live). */
  attach(symbol: string, strategy: Strategy, intervalMs: number): StrategyContext {
    const buf = this.buffer(symbol, intervalMs);
    const ctx = new StrategyContext(this, strategy, this.instrument(symbol), buf);
    const list = this.strategies.get(symbol) ?? [];
    list.push(ctx);
    this.strategies.set(symbol, list);
    this.ctxOf.set(strategy, ctx);
    strategy.onStart?.(ctx);
    return ctx;
  }

  /**
   * Stops feeding `strategy` (from the next candle; safe from inside its own callback). Its working orders
   * stay: cancel them first if they should go. Returns false if it was not attached.
   */
  detach(strategy: Strategy): boolean {
    const ctx = this.ctxOf.get(strategy);
    if (!ctx) return false;
    this.ctxOf.delete(strategy);
    this.fillListeners.deleteValue(ctx);
    const list = this.strategies.get(ctx.symbol);
    if (list) {
      // A new array, not splice: a candle step may be iterating the old one right now.
      const rest = list.filter((c) => c !== ctx);
      if (rest.length > 0) this.strategies.set(ctx.symbol, rest);
      else this.strategies.delete(ctx.symbol);
    }
    return true;
  }

  private buffer(symbol: string, intervalMs: number): CandleBuffer {
    let b = this.buffers.get(symbol);
    if (!b) this.buffers.set(symbol, (b = new CandleBuffer(intervalMs)));
    return b;
  }

  /** A closed candle arrives (live/paper). Same step as runCandles. */
  onCandle(symbol: string, candle: Candle, intervalMs = 60_000): void {
    const slot = this.slot(symbol);
    const buf = this.buffer(symbol, intervalMs);
    const i = buf.push(candle);
    const ctxs = this.strategies.get(symbol);
    if (ctxs) for (const c of ctxs) c.bars = buf;
    this.step(slot, buf, i, ctxs);
  }

  onTrade(t: Trade): void {
    this.enter(() => {
      this.setTime(t.ts);
      this.sim?.onTrade(t);
      const s = this.slot(t.symbol);
      s.last = t.price;
      s.pos.markF = t.price;
    });
  }

  onQuote(q: Quote): void {
    this.enter(() => {
      this.setTime(q.ts);
      this.sim?.onQuote(q);
      const s = this.slot(q.symbol);
      s.last = s.pos.markF = (q.bid + q.ask) / 2;
    });
  }

  onBook(u: OrderBookUpdate): void {
    this.enter(() => {
      this.setTime(u.ts);
      this.sim?.onBook(u);
    });
  }

  private setTime(t: number): void {
    if (this.simClock) this.simClock.t = t;
  }

  /**
   * Backtest over columnar candles: for each bar, the venue matches working orders along the bar's path
   * (at the bar's open time), then the portfolio marks at the close, then the strategy sees the closed bar
   * (at close time). Nothing is allocated per bar unless orders or fills happen. `equityOut`, when long
   * enough, receives the equity curve instead of a new array.
   */
  run(symbol: string, bars: CandleColumns, strategy?: Strategy, equityOut?: Float64Array): RunResult {
    const n = bars.length;
    // A caller that runs many backtests (a sweep task) lends one buffer: every bar's slot is written below.
    const equity = equityOut && equityOut.length >= n ? equityOut.subarray(0, n) : new Float64Array(n);
    const slot = this.slot(symbol);
    const pf = this.portfolio;
    let ctx: StrategyContext | undefined;
    if (strategy) {
      ctx = new StrategyContext(this, strategy, slot.inst, bars);
      this.ctxOf.set(strategy, ctx);
      strategy.onStart?.(ctx);
    }
    if (this.simClock && this.sim && ctx && !this.bus.has('bar')) {
      fastLoop(this, this.simClock, slot, pf, ctx, bars, equity);
    } else {
      const ctxs = ctx ? [ctx] : undefined;
      // step() leaves the equity in a field: returning a double from a non-inlined call would box it.
      for (let i = 0; i < n; i++) {
        this.step(slot, bars, i, ctxs);
        equity[i] = pf.equityF;
      }
    }
    return { equity, fills: this.oms.history ? this.portfolio.fills() : [] };
  }

  /** Venue matching for bar i, then the queued venue events. Kept out of line so the candle loop stays small. */
  venueBar(symbol: string, bars: CandleColumns, i: number): void {
    this.depth++;
    this.sim!.onBar(symbol, bars, i);
    if (--this.depth === 0 && this.queue.length > 0) this.drain();
  }

  private step(slot: Slot, bars: CandleColumns, i: number, ctxs: StrategyContext[] | undefined): void {
    const symbol = slot.inst.symbol;
    const clock = this.simClock;
    if (clock) clock.t = bars.ts[i]!;
    const sim = this.sim;
    if (sim && sim.workingCount > 0) {
      this.depth++;
      sim.onBar(symbol, bars, i);
      if (--this.depth === 0 && this.queue.length > 0) this.drain();
    }
    const close = bars.close[i]!;
    slot.bars = bars;
    slot.i = i;
    slot.last = close;
    slot.pos.markF = close;
    this.portfolio.updateEquity();
    if (clock) clock.t = bars.ts[i]! + bars.intervalMs;
    if (ctxs) {
      for (let k = 0; k < ctxs.length; k++) {
        const c = ctxs[k]!;
        c.i = i;
        c.strategy.onBar(c);
      }
    }
    if (this.bus.count > 0 && this.bus.has('bar')) this.bus.emit('bar', { symbol, i, bars });
  }

  // ───────────── internals: placing ─────────────

  private enter<T>(fn: () => T): T {
    this.depth++;
    try {
      return fn();
    } finally {
      this.leave();
    }
  }

  private leave(): void {
    if (--this.depth === 0 && this.queue.length > 0) this.drain();
  }

  /** The gate's inputs as they are right now (one reused object: see RiskInput). */
  private riskInput(req: OrderRequest, source: OrderSource, inst: Instrument): RiskInput {
    const x = this.riskIn;
    x.request = req;
    x.source = source;
    x.instrument = inst;
    x.tradingState = this.state;
    x.positionQty = this.portfolio.positionQty(req.symbol);
    x.workingQty = this.oms.workingQty(req.symbol);
    x.openOrders = this.oms.openCount();
    const last = this.slots.get(req.symbol)!.last;
    x.lastPrice = last > 0 ? Math.round(last / inst.tickF) : 0;
    x.equity = this.portfolio.equity();
    return x;
  }

  /** `replaces`: an order the request takes the place of (an amend): its working quantity and slot are left out. */
  private gate(req: OrderRequest, source: OrderSource, strategy: Strategy | undefined, replaces?: Order): Instrument {
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

  private place(req: OrderRequest, source: OrderSource, link: OrderLink, strategy: Strategy | undefined, gated = false): Order {
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

  private requestCancel(o: Order, reason: string): void {
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

  // ───────────── internals: venue events ─────────────

  onVenueEvent(e: VenueEvent): void {
    this.queue.push(e);
    if (this.depth === 0) this.drain();
  }

  private drain(): void {
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
      case 'ack':
        o.venueOrderId = e.venueOrderId;
        if (o.state === 'pending-submit') {
          this.oms.move(o, 'accepted', e.ts);
          this.orderEvent('accepted', o);
        }
        return;
      case 'rejected':
        this.oms.move(o, 'rejected', e.ts, e.reason);
        this.orderEvent('rejected', o);
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
      case 'expired':
        if (isTerminal(o.state)) return; // a cancel ack after the order already ended changes nothing
        this.oms.move(o, e.kind, e.ts, e.kind === 'canceled' ? e.reason : 'expired');
        this.orderEvent(e.kind, o);
        return this.contingent(o, 0);
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
    if (this.auditing) this.emitAudit({ type: 'fill', ts: f.ts, venueTs: f.venueTs, symbol: f.symbol, payload: { fill: f, order: o ? snapshot(o) : null, position: this.portfolio.positionQty(f.symbol) } });
    if (this.bus.count > 0 && this.bus.has('fill')) this.bus.emit('fill', { fill: f, order: o });
    if (!o) return;
    this.orderEvent(o.state === 'filled' ? 'filled' : 'partially-filled', o);
    const ctx = this.fillListeners.size > 0 ? this.fillListeners.get(o.clientOrderId) : undefined;
    if (ctx?.strategy.onFill) ctx.strategy.onFill(ctx, f);
    this.contingent(o, f.qty);
  }

  private isDuplicate(f: Fill): boolean {
    return this.portfolio.hasFill(f.venue, f.tradeId);
  }

  private contingent(o: Order, fillQty: number): void {
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

  private orderEvent(event: OrderEventKind, o: Order, extra?: Record<string, unknown>): void {
    this.store.recordOrderUpdate(o);
    if (this.auditing) this.emitAudit({ type: 'order', ts: this.clock.now(), symbol: o.symbol, payload: extra ? { event, order: snapshot(o), ...extra } : { event, order: snapshot(o) } });
    if (this.bus.count > 0 && this.bus.has('order')) this.bus.emit('order', { event, order: o });
    if (event !== 'created' && this.fillListeners.size > 0) {
      const ctx = this.fillListeners.get(o.clientOrderId);
      if (ctx?.strategy.onOrder) ctx.strategy.onOrder(ctx, o);
      if (ctx && isTerminal(o.state)) this.fillListeners.delete(o.clientOrderId);
    }
  }

  private emitAudit(e: Omit<AuditEvent, 'seq'>): void {
    if (!this.auditing) return;
    // One literal with every key (absent ones undefined, which canonicalJson skips), not a spread: all events
    // share one hidden class, kept alive by the literal's boilerplate. A spread makes shapes that die with the
    // last event, and a GC then discards every optimized function that embedded them.
    this.audit.append({ type: e.type, ts: e.ts, seq: ++this.auditSeq, venueTs: e.venueTs, strategyVersion: e.strategyVersion, symbol: e.symbol, payload: e.payload });
  }
}

const NO_LINK: OrderLink = Object.freeze({});

/**
 * The common backtest composition (simulated clock, simulated venue, one strategy), written as a small
 * standalone loop: the JIT compiles (and on-stack-replaces) a small function much sooner, which matters
 * because a forced GC discards compiled code. Same order of operations as Engine.step: venue matches bar i
 * at its open → mark at the close → equity → strategy sees the closed bar at close time.
 */
function fastLoop(engine: Engine, clock: SimClock, slot: Slot, pf: Portfolio, ctx: StrategyContext, bars: CandleColumns, equity: Float64Array): void {
  const pos = slot.pos;
  const s = ctx.strategy;
  const ts = bars.ts;
  const close = bars.close;
  const iv = bars.intervalMs;
  const symbol = slot.inst.symbol;
  const n = bars.length;
  const sim = engine.sim!;
  slot.bars = bars;
  for (let i = 0; i < n; i++) {
    const t = ts[i]!;
    clock.t = t;
    // The venue is only called while orders rest; otherwise a candle costs a few field writes.
    if (sim.workingCount > 0) engine.venueBar(symbol, bars, i);
    const c = close[i]!;
    slot.i = i;
    slot.last = c;
    pos.markF = c;
    pf.updateEquity();
    equity[i] = pf.equityF;
    clock.t = t + iv;
    ctx.i = i;
    s.onBar(ctx);
  }
}

class Slot {
  readonly inst: Instrument;
  readonly pos: PositionState;
  last = NaN;
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
