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
import { NotFoundError, RiskRejectedError, ValidationError } from '../errors.ts';
import type { BracketRequest, Candle, CandleColumns, Order, OrderBookUpdate, OrderRequest, OrderSource, Quote, Trade } from '../model/index.ts';
import { isTerminal } from '../model/index.ts';
import type { OrderAmend, RiskVerdict, TradingState } from '../ports.ts';
import { isProtective, protectableQty, type ProtectiveLostPolicy } from '../execution/protection.ts';
import { validateRequest } from '../execution/validate.ts';
import type { FundingEvent, Portfolio } from '../portfolio/portfolio.ts';
import type { SimClock } from './clock.ts';
import type { RunResult } from './events.ts';
import { NO_LINK, OrderDesk, type Slot } from './order-desk.ts';
import { CandleBuffer } from './series.ts';
import { StrategyContext, type Strategy } from './strategy.ts';

export type { EngineConfig, EngineEvents, OrderEventKind, RunResult } from './events.ts';

/** The kernel: the order desk plus market data, strategies and the candle loop. */
export class Engine extends OrderDesk {
  private readonly buffers = new Map<string, CandleBuffer>();
  private readonly strategies = new Map<string, StrategyContext[]>();

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

  /**
   * A working order the venue no longer has (reconciliation: not open there, not accounted for by a fetch),
   * closed in the ledger as canceled `reason`. A protective one is then handled as lost (order-desk.ts
   * `protectionLost`): re-placed or flagged as `how` says (default: the engine's policy), its sibling kept.
   */
  closeMissing(clientOrderId: string, reason: string, how?: ProtectiveLostPolicy, source: OrderSource = 'system'): void {
    this.enter(() => {
      const o = this.oms.get(clientOrderId);
      if (!o) throw new NotFoundError('order', clientOrderId);
      if (isTerminal(o.state)) return;
      const asked = o.state === 'pending-cancel';
      this.oms.move(o, 'canceled', this.clock.now(), reason);
      this.orderEvent('canceled', o);
      if (!asked && isProtective(o)) return this.protectionLost(o, reason, how ?? this.protectiveLost, source);
      this.contingent(o, 0);
    });
  }

  /**
   * Lost protective orders flagged unprotected (not re-placed) whose position still needs them, with the
   * quantity they would protect now. A flat position settles them.
   */
  unprotected(): { order: Readonly<Order>; qty: number }[] {
    const out: { order: Readonly<Order>; qty: number }[] = [];
    for (const o of this.lostOrders.values()) {
      const qty = protectableQty(o, this.portfolio.positionQty(o.symbol));
      if (qty > 0) out.push({ order: o, qty });
    }
    return out;
  }

  /** The trader's decision on a flagged lost protective order: placed again (`replace`) or left unprotected. */
  settleLost(clientOrderId: string, action: 'replace' | 'dismiss', source: OrderSource = 'reconcile'): Order | undefined {
    return this.enter(() => {
      const o = this.lostOrders.get(clientOrderId);
      if (!o) throw new NotFoundError('lost protective order', clientOrderId);
      if (action === 'dismiss') {
        this.lostOrders.delete(clientOrderId);
        return undefined;
      }
      const qty = protectableQty(o, this.portfolio.positionQty(o.symbol));
      if (qty <= 0) throw new ValidationError(`${clientOrderId} has no position left to protect`);
      return this.placeAgain(o, qty, source);
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
    this.changeState(state, reason);
  }

  /**
   * Kill switch: halts first (so nothing new gets in), cancels every working order, then closes every
   * position at market with reduce-only system orders (the one kind a halt lets through). Returns what it did.
   */
  killSwitch(reason: string): { canceled: string[]; flattening: Order[] } {
    return this.enter(() => {
      this.changeState('halted', reason);
      const canceled: string[] = [];
      for (const o of [...this.oms.open]) {
        if (o.state !== 'pending-cancel') canceled.push(o.clientOrderId);
        this.requestCancel(o, 'kill_switch');
      }
      return { canceled, flattening: this.flatten(undefined, 'kill-switch') };
    });
  }

  /** A venue-wide outage reported by the host: the black-swan protocol (cancel, flatten per policy, halt). */
  venueOutage(reason: string): void {
    const a = this.risk.outage?.(reason) ?? { rule: 'venue_outage', message: `venue outage: ${reason}: halted`, limit: 0, value: 1, state: 'halted' as const, cancel: true };
    this.enter(() => this.riskAlert(a));
  }

  /** `position`: what was held at the funding time (a record booked late: not today's position). */
  applyFunding(e: FundingEvent, position: number = this.portfolio.positionQty(e.symbol)): void {
    this.portfolio.applyFunding(e);
    this.emitAudit({ type: 'funding', ts: e.ts, symbol: e.symbol, payload: { rate: e.rate, markPrice: e.markPrice, position } });
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
      if (this.watching) this.watchMarks(s, t.price);
    });
  }

  onQuote(q: Quote): void {
    this.enter(() => {
      this.setTime(q.ts);
      this.sim?.onQuote(q);
      const s = this.slot(q.symbol);
      s.last = s.pos.markF = (q.bid + q.ask) / 2;
      if (this.watching) this.watchMarks(s, s.last);
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
    if (this.watching) this.watchMarks(slot, close);
    if (ctxs) {
      for (let k = 0; k < ctxs.length; k++) {
        const c = ctxs[k]!;
        c.i = i;
        c.strategy.onBar(c);
      }
    }
    if (this.bus.count > 0 && this.bus.has('bar')) this.bus.emit('bar', { symbol, i, bars });
  }

}

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
  const watching = engine.watching;
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
    if (watching) engine.watchMarks(slot, c);
    ctx.i = i;
    s.onBar(ctx);
  }
}
