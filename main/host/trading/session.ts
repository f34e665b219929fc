/**
 * A trading session: the one kernel (main/core/engine) with its ports plugged in, plus what the workstation
 * asks of it — ticket preview and entry, the blotter, risk status and the kill switch — as contract views.
 * Paper and live differ only in the parts handed in (see compose.ts); nothing here knows which it is.
 *
 * Every order goes engine.submit / submitBracket / submitOco → risk gate → OMS → venue: the session has no other way to
 * reach a venue. Preview asks the SAME gate instance with the same inputs the kernel would assemble, but
 * calls neither the OMS nor the venue; it audits only a refusal (the trader was told no: a decision with a trace).
 *
 * UI events are batched: order changes are collected while a command or a market batch runs and pushed
 * once at its end, so one submit is one `trading.orders` event, not one per state change.
 */
import type { ProtectiveLostPolicy } from '../../core/execution/protection.ts';
import type { AccountView, FillView, InstrumentView, LiveCandle, OrderView, PositionView, Preview, PriceTick, RiskLimitsView, RiskStatus, SymbolMarginView, TicketRequest, TradingState } from '../../contract/trading.ts';
import { auditConfigChange, auditOverride } from '../../core/audit/session.ts';
import { KestrelError, NotFoundError, ValidationError } from '../../core/errors.ts';
import { Engine } from '../../core/engine/kernel.ts';
import type { Candle, Fill, Instrument, Order, OrderBookUpdate, OrderRequest, OrderSource, Quote, Trade } from '../../core/model/index.ts';
import { isTerminal, notional, ticksToPrice } from '../../core/model/index.ts';
import type { PortfolioConfig } from '../../core/portfolio/portfolio.ts';
import type { AuditSink, Clock, MarketData, MarketDataHandler, Store, Venue } from '../../core/ports.ts';
import type { AdjustableRiskGate } from './risk.ts';
import { RiskDesk } from './risk-desk.ts';
import type { OverrideRequest } from '../../core/risk/override.ts';
import type { RiskProfile } from '../../core/risk/profile.ts';
import type { RiskOverrideView } from '../../contract/risk-views.ts';
import { auditPreviewRefusal, previewTicket } from './preview.ts';
import { parseTicket } from './ticket.ts';
import { checkAmendTrigger, parseAmend, type AmendRequest } from './amend.ts';
import { fillView, moneyText, orderView, positionView } from './views.ts';
import { marginState } from '../../core/margin/account.ts';
import { changeMargin, type SymbolMargin } from '../../core/margin/leverage.ts';
import { marginContext, symbolMarginView } from './symbol-margin.ts';
import type { MarginMode } from '../../core/margin/margin.ts';
import type { FundingEvent } from '../../core/portfolio/portfolio.ts';

export interface SessionParts {
  readonly sessionId: string;
  readonly accountId: string;
  readonly mode: 'paper' | 'live';
  readonly instruments: readonly Instrument[];
  /** Symbols whose prices are synthetic. */
  readonly demoSymbols: ReadonlySet<string>;
  readonly venue: Venue;
  readonly marketData: MarketData;
  /** Source its 1m candles carry (the chart's dataset): the venue whose prints it trades on; default 'demo' (paper) or the venue id (live). */
  readonly source?: string;
  readonly clock: Clock;
  readonly store: Store;
  readonly audit: AuditSink;
  readonly risk: AdjustableRiskGate;
  readonly portfolio: PortfolioConfig;
  readonly startingBalance: string;
  /** Runs `fn` with all its ledger writes in one commit (Ledger.batch); identity when absent. */
  readonly batch?: <T>(fn: () => T) => T;
  /** Brings market data up to now before a command runs (the demo feed emits its due ticks; a venue feed records the prints seen). */
  readonly catchUp?: () => void;
  /** Runs in every market batch after its data: perpetual funding is booked here (funding-feed.ts). */
  readonly afterMarket?: () => void;
  /** Fills booked by earlier sessions of the same account: the portfolio continues from them. */
  readonly priorFills?: readonly Fill[];
  /** Funding payments booked by earlier sessions of the same account (the ledger's funding rows). */
  readonly priorFunding?: readonly FundingEvent[];
  /** Perpetuals: how positions are margined (their liquidation price); default isolated. */
  readonly marginMode?: MarginMode;
  /** Perpetuals: symbols margined otherwise than `marginMode` (set per symbol by the trader). */
  readonly marginModes?: Readonly<Record<string, MarginMode>>;
  readonly tradingState?: { readonly state: TradingState; readonly reason: string };
  /** Live sessions: the account's protective-order policy (EngineConfig.protectiveLost). */
  readonly protectiveLost?: ProtectiveLostPolicy;
}

export interface SessionListener {
  orders(orders: OrderView[]): void;
  fill(fill: FillView): void;
  /** Account or positions may have changed (a fill, or marks moved with open positions). */
  portfolioChanged(urgent: boolean): void;
  ticks(prices: PriceTick[]): void;
  candle(c: LiveCandle, closed: Candle | undefined): void;
  tradingState(state: TradingState, reason: string): void;
}

export class TradingSession implements MarketDataHandler {
  readonly engine: Engine;
  readonly parts: SessionParts;
  readonly startedAt: number;
  private readonly insts: Map<string, Instrument>;
  private readonly listener: SessionListener;
  private readonly changed = new Map<string, Order>();
  private readonly ticked = new Map<string, PriceTick>();
  private readonly forming = new Map<string, LiveCandle>();
  private stateReason: string;
  /** Since-when, alerts, overrides and the account's figures against its profile. */
  readonly riskDesk: RiskDesk;
  private unsubscribe: (() => void) | undefined;
  private filledSinceFlush = false;
  private stopped = false;
  /** Perpetuals: each symbol's margin mode where it differs from the session's (its leverage is on the portfolio's position). */
  private readonly modes: Map<string, MarginMode>;

  constructor(parts: SessionParts, listener: SessionListener) {
    this.parts = parts;
    this.modes = new Map(Object.entries(parts.marginModes ?? {}));
    this.listener = listener;
    this.insts = new Map(parts.instruments.map((i) => [i.symbol, i]));
    this.startedAt = parts.clock.now();
    this.engine = new Engine({
      instruments: parts.instruments, venue: parts.venue, portfolio: parts.portfolio, clock: parts.clock,
      store: parts.store, audit: parts.audit, risk: parts.risk, sessionId: parts.sessionId,
      ...(parts.protectiveLost ? { protectiveLost: parts.protectiveLost } : {}),
    });
    for (const f of parts.priorFills ?? []) if (this.insts.has(f.symbol)) this.engine.portfolio.applyFill(f);
    for (const e of parts.priorFunding ?? []) if (this.insts.has(e.symbol)) this.engine.portfolio.applyFunding(e);
    this.riskDesk = new RiskDesk({ engine: this.engine, gate: parts.risk, clock: parts.clock, audit: parts.audit, changed: () => this.listener.tradingState(this.engine.tradingState, this.stateReason) });
    this.stateReason = parts.tradingState?.reason ?? 'session start';
    if (parts.tradingState && parts.tradingState.state !== 'active') this.engine.setTradingState(parts.tradingState.state, parts.tradingState.reason);
    this.engine.bus.on('order', ({ order }) => void this.changed.set(order.clientOrderId, order));
    this.engine.bus.on('fill', ({ fill: f }) => {
      this.filledSinceFlush = true;
      const inst = this.insts.get(f.symbol);
      if (inst) this.listener.fill(fillView(f, inst));
    });
    this.engine.bus.on('trading-state', ({ state, reason }) => {
      this.stateReason = reason;
      this.listener.tradingState(state, reason);
    });
  }

  start(): void {
    if (this.unsubscribe || this.stopped) return;
    this.unsubscribe = this.parts.marketData.subscribe([...this.insts.keys()], this);
  }

  stop(): void {
    this.riskDesk.stop();
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  get running(): boolean {
    return !this.stopped;
  }

  // ───────────── market data (the MarketDataHandler port) ─────────────

  onTrade(t: Trade): void {
    this.engine.onTrade(t);
    const inst = this.insts.get(t.symbol)!;
    const price = ticksToPrice(inst, Math.round(t.price / inst.tickF));
    this.ticked.set(t.symbol, { symbol: t.symbol, price, ts: t.ts });
    const minute = t.ts - (t.ts % 60_000);
    const f = this.forming.get(t.symbol);
    if (!f || f.ts !== minute) {
      this.forming.set(t.symbol, { source: this.feedSource(), symbol: t.symbol, timeframe: '1m', closed: false, ts: minute, open: t.price, high: t.price, low: t.price, close: t.price, volume: t.qty });
    } else {
      f.high = Math.max(f.high, t.price);
      f.low = Math.min(f.low, t.price);
      f.close = t.price;
      f.volume += t.qty;
    }
  }

  onCandle(symbol: string, candle: Candle): void {
    this.engine.onCandle(symbol, candle, 60_000);
    this.listener.candle({ source: this.feedSource(), symbol, timeframe: '1m', closed: true, ...pickOhlcv(candle) }, candle);
  }

  onQuote(q: Quote): void {
    this.engine.onQuote(q);
  }

  onBook(u: OrderBookUpdate): void {
    this.engine.onBook(u);
  }

  /** Runs a market batch (a feed pump) in one ledger commit, then pushes what changed. */
  marketBatch(fn: () => void): void {
    if (this.stopped) return;
    (this.parts.batch ?? run)(() => {
      fn();
      this.parts.afterMarket?.();
      this.riskDesk.tick();
    });
    this.flush();
    if (this.ticked.size) {
      this.listener.ticks([...this.ticked.values()]);
      this.ticked.clear();
      for (const c of this.forming.values()) this.listener.candle({ ...c }, undefined);
    }
    if (this.hasExposure()) this.listener.portfolioChanged(false);
  }

  private feedSource(): string {
    return this.parts.source ?? (this.parts.mode === 'paper' ? 'demo' : this.parts.venue.id);
  }

  private hasExposure(): boolean {
    for (const s of this.insts.keys()) if (this.engine.portfolio.positionQty(s) !== 0) return true;
    return false;
  }

  /** Runs one command: market data brought up to date first, events pushed after. */
  private command<T>(fn: () => T): T {
    if (this.stopped) throw new KestrelError('conflict', 'The trading session has stopped');
    if (this.parts.catchUp) this.marketBatch(this.parts.catchUp);
    this.riskDesk.tick();
    try {
      return (this.parts.batch ?? run)(fn);
    } finally {
      this.flush();
    }
  }

  private flush(): void {
    if (this.changed.size) {
      const views = [...this.changed.values()].map((o) => orderView(o, this.insts.get(o.symbol)!));
      this.changed.clear();
      this.listener.orders(views);
    }
    if (this.filledSinceFlush) {
      this.filledSinceFlush = false;
      this.listener.portfolioChanged(true);
    }
  }

  instrument(symbol: string): Instrument {
    const i = this.insts.get(symbol);
    if (!i) throw new ValidationError(`Unknown instrument ${symbol}`, [{ path: 'symbol', message: 'not tradable in this session' }]);
    return i;
  }

  lastTicks(symbol: string): number {
    const last = this.engine.lastPrice(symbol);
    return last > 0 ? Math.round(last / this.instrument(symbol).tickF) : 0;
  }

  instrumentViews(): InstrumentView[] {
    return [...this.insts.values()].map((i) => {
      const t = this.lastTicks(i.symbol);
      return {
        symbol: i.symbol, venue: i.venue, base: i.base, quote: i.quote, kind: i.kind, tickSize: i.tickSize, lotSize: i.lotSize,
        minNotional: i.minNotional, makerFee: i.makerFee, takerFee: i.takerFee, priceDecimals: i.priceDecimals, qtyDecimals: i.qtyDecimals,
        demo: this.parts.demoSymbols.has(i.symbol), lastPrice: t > 0 ? ticksToPrice(i, t) : null,
      };
    });
  }

  prices(): PriceTick[] {
    const out: PriceTick[] = [];
    for (const inst of this.insts.values()) {
      const t = this.lastTicks(inst.symbol);
      if (t > 0) out.push({ symbol: inst.symbol, price: ticksToPrice(inst, t), ts: this.parts.clock.now() });
    }
    return out;
  }

  // ───────────── orders ─────────────

  /** What submit would do with this ticket (prices snapped), without submitting or storing; a refusal is audited. */
  preview(t: TicketRequest): Preview {
    if (this.parts.catchUp) this.marketBatch(this.parts.catchUp);
    const { preview, request } = previewTicket(this.engine, this.instrument(t.symbol), t, this.lastTicks(t.symbol), this.equityExact());
    auditPreviewRefusal(this.parts.audit, this.parts.clock.now(), preview, request, t.source ?? 'ticket');
    return preview;
  }

  /** `source`: where the order came from when not the ticket's own field (webhooks: 'webhook'). */
  submit(t: TicketRequest, source: OrderSource = t.source ?? 'ticket'): OrderView[] {
    return this.command(() => this.place(t, source));
  }

  /**
   * Several tickets as one command (one market catch-up, one ledger commit), each placed on its own through
   * the gate: one refused or invalid ticket is its own error and does not stop the others. For senders that
   * arrive many at once (webhooks): a commit per order would cap them at the disk's fsync rate.
   */
  submitEach(tickets: readonly TicketRequest[], source: OrderSource): (OrderView[] | Error)[] {
    return this.command(() =>
      tickets.map((t) => {
        try {
          return this.place(t, source);
        } catch (e) {
          return e instanceof Error ? e : new Error(String(e));
        }
      }),
    );
  }

  private place(t: TicketRequest, source: OrderSource): OrderView[] {
    const inst = this.instrument(t.symbol);
    const p = parseTicket(t, inst, 'exact', { lastTicks: this.lastTicks(t.symbol), equity: this.equityExact() });
    const orders = p.bracket ? this.engine.submitBracket(p.bracket, source) : p.oco ? this.engine.submitOco(p.oco, source) : [this.engine.submit(p.request, source)];
    return orders.map((o) => orderView(o, inst));
  }

  cancel(clientOrderId: string): OrderView {
    return this.command(() => {
      const o = this.engine.order(clientOrderId);
      if (!o) throw new NotFoundError('order', clientOrderId);
      if (isTerminal(o.state)) throw new KestrelError('conflict', `Order ${clientOrderId} is already ${o.state}`, { details: { clientOrderId, state: o.state } });
      this.engine.cancel(clientOrderId);
      return orderView(o, this.instrument(o.symbol));
    });
  }

  /** Submits a kernel request (ticks and lots) from a system path (reconciliation re-placing a protective order). */
  submitRequest(req: OrderRequest, source: OrderSource): OrderView {
    return this.command(() => {
      const o = this.engine.submit(req, source);
      return orderView(o, this.instrument(o.symbol));
    });
  }

  /** Runs `fn` against the engine in one ledger batch and pushes what changed (reconciliation's decisions). */
  batchRun<T>(fn: () => T): T {
    return this.command(fn);
  }

  /** Changes a working order's price, trigger or size (through the risk gate, in the order's own place). */
  amend(clientOrderId: string, change: AmendRequest, source: 'ticket' | 'hotkey' = 'ticket'): OrderView {
    return this.command(() => {
      const o = this.engine.order(clientOrderId);
      if (!o) throw new NotFoundError('order', clientOrderId);
      if (isTerminal(o.state) || o.state === 'pending-cancel' || o.state === 'held') {
        throw new KestrelError('conflict', `Order ${clientOrderId} cannot be amended while ${o.state}`, { details: { clientOrderId, state: o.state } });
      }
      const inst = this.instrument(o.symbol);
      const parsed = parseAmend(change, inst);
      checkAmendTrigger(o, parsed, inst, this.lastTicks(o.symbol), change.confirmTriggerNow === true);
      this.engine.amend(clientOrderId, parsed, source);
      return orderView(o, inst);
    });
  }

  /** Requests cancellation of every open order (of one symbol); returns how many were asked to cancel. */
  cancelAll(symbol?: string): number {
    if (symbol !== undefined) this.instrument(symbol);
    return this.command(() => {
      const n = this.engine.openOrders(symbol).filter((o) => o.state !== 'pending-cancel').length;
      this.engine.cancelAll(symbol);
      return n;
    });
  }

  openOrders(symbol?: string): OrderView[] {
    return this.engine.openOrders(symbol).map((o) => orderView(o, this.insts.get(o.symbol)!));
  }

  orderHistory(symbol: string | undefined, limit: number): OrderView[] {
    const all = [...this.engine.oms.all()].filter((o) => symbol === undefined || o.symbol === symbol);
    return all.reverse().slice(0, limit).map((o) => orderView(o, this.insts.get(o.symbol)!));
  }

  fills(symbol: string | undefined, limit: number): FillView[] {
    const all = this.engine.portfolio.fills().filter((f) => (symbol === undefined || f.symbol === symbol) && this.insts.has(f.symbol));
    return all.reverse().slice(0, limit).map((f) => fillView(f, this.insts.get(f.symbol)!));
  }

  // ───────────── portfolio ─────────────

  positions(): PositionView[] {
    const out: PositionView[] = [];
    for (const inst of this.insts.values()) {
      const p = this.engine.portfolio.position(inst.symbol);
      if (p.qty === 0 && p.realizedPnl === 0n && p.fees === 0n && p.funding === 0n) continue;
      const v = positionView(p, inst, marginState(this.engine.portfolio, inst.symbol, this.marginModeOf(inst.symbol))?.liquidationPrice);
      const st = this.engine.portfolio.positions.get(inst.symbol)!;
      v.markSource = st.markedByVenue ? 'mark' : 'last';
      if (st.perp && this.parts.marginMode !== undefined) {
        v.marginMode = this.marginModeOf(inst.symbol);
        v.leverage = st.leverage;
      }
      out.push(v);
    }
    return out;
  }

  /** A perpetual's margin mode in this session. */
  marginModeOf(symbol: string): MarginMode {
    return this.modes.get(symbol) ?? this.parts.marginMode ?? 'isolated';
  }

  /** A perpetual's margin settings and the venue's limits on them. */
  margin(symbol: string): SymbolMarginView {
    return symbolMarginView(this, this.instrument(symbol));
  }

  /**
   * Sets a perpetual's leverage and/or margin mode (perpetual accounts), refused as the venue would refuse it
   * (core/margin/leverage.ts). The liquidation price and margin follow at once; audited as a config change.
   */
  setMargin(symbol: string, to: { readonly mode?: MarginMode | undefined; readonly leverage?: number | undefined }, origin: string): SymbolMarginView {
    return this.command(() => this.writeMargin(symbol, this.checkMargin(symbol, to), origin));
  }

  /** What a margin change would become under the venue's rules (the same checks as setMargin), or its refusal; changes nothing. */
  checkMargin(symbol: string, to: { readonly mode?: MarginMode | undefined; readonly leverage?: number | undefined }): SymbolMargin {
    if (this.parts.marginMode === undefined) throw new KestrelError('conflict', 'Leverage and margin mode are set on perpetual accounts only');
    const inst = this.instrument(symbol);
    return changeMargin(marginContext(this, inst, this.currentMargin(symbol)), to);
  }

  /** The symbol's margin mode and leverage in this session. */
  currentMargin(symbol: string): SymbolMargin {
    return { mode: this.marginModeOf(symbol), leverage: this.engine.portfolio.positions.get(symbol)!.leverage };
  }

  /**
   * Applies a margin the rules (or the venue itself, for a live account) already accepted: the position's leverage,
   * the symbol's mode, a config-change audit event. No-op when nothing changes.
   */
  applyMargin(symbol: string, next: SymbolMargin, origin: string): SymbolMarginView {
    return this.command(() => this.writeMargin(symbol, next, origin));
  }

  private writeMargin(symbol: string, next: SymbolMargin, origin: string): SymbolMarginView {
    const inst = this.instrument(symbol);
    const from = this.currentMargin(symbol);
    if (next.mode !== from.mode || next.leverage !== from.leverage) {
      this.engine.portfolio.positions.get(symbol)!.leverage = next.leverage;
      this.modes.set(symbol, next.mode);
      auditConfigChange(this.parts.audit, this.parts.clock.now(), { what: 'margin', symbol, from, to: next, by: origin });
      this.listener.portfolioChanged(true);
    }
    return symbolMarginView(this, inst);
  }

  private equityExact(): bigint {
    return this.engine.portfolio.equityByCurrency().get(this.parts.portfolio.baseCurrency) ?? 0n;
  }

  account(): AccountView {
    const pf = this.engine.portfolio;
    let margin = 0n, realized = 0n, unrealized = 0n, fees = 0n;
    for (const inst of this.insts.values()) {
      const p = pf.position(inst.symbol);
      margin += p.margin; realized += p.realizedPnl; unrealized += p.unrealizedPnl; fees += p.fees;
    }
    const ccy = this.parts.portfolio.baseCurrency;
    return {
      accountId: this.parts.accountId, sessionId: this.parts.sessionId, mode: this.parts.mode, currency: ccy,
      startingBalance: this.parts.startingBalance,
      cash: moneyText(pf.cash(ccy)), equity: moneyText(this.equityExact()), marginUsed: moneyText(margin),
      realizedPnl: moneyText(realized), unrealizedPnl: moneyText(unrealized), fees: moneyText(fees),
      ts: this.parts.clock.now(),
      ...(hasSpotBalances(this.parts.venue) ? { balances: this.parts.venue.spotBalances() } : {}),
    };
  }

  // ───────────── risk ─────────────

  riskStatus(): RiskStatus {
    const equity = this.equityExact();
    let largest = 0n;
    const positions = [];
    for (const inst of this.insts.values()) {
      const p = this.engine.portfolio.position(inst.symbol);
      if (p.qty === 0) continue;
      const n = notional(inst, p.markPrice, Math.abs(p.qty));
      if (n > largest) largest = n;
      positions.push({ symbol: inst.symbol, notional: moneyText(n, 2), pctEquity: pct(n, equity) });
    }
    return {
      tradingState: this.engine.tradingState, stateReason: this.stateReason, limits: this.parts.risk.limits,
      usage: { openOrders: this.engine.oms.openCount(), equity: moneyText(equity), largestPositionNotional: moneyText(largest, 2), largestPositionPct: pct(largest, equity), positions },
      since: this.riskDesk.since, account: this.riskDesk.account(), portfolio: this.riskDesk.portfolio(), override: this.riskDesk.override(), events: this.riskDesk.events(),
      ts: this.parts.clock.now(),
    };
  }

  setLimits(limits: RiskLimitsView, origin: string): void {
    const from = this.parts.risk.limits;
    this.parts.risk.set(limits);
    auditConfigChange(this.parts.audit, this.parts.clock.now(), { what: 'risk-limits', from, to: this.parts.risk.limits, by: origin });
  }

  setRiskProfile(profile: RiskProfile): void {
    this.command(() => this.parts.risk.setProfile(profile));
  }

  setTradingState(state: TradingState, reason: string): void {
    this.command(() => this.engine.setTradingState(state, reason));
  }

  /**
   * Halts trading first (so nothing new gets in), cancels every open order and, with `flatten` (the default,
   * confirmed by the trader in the UI), closes every position at market. Ends any override. Audited.
   */
  killSwitch(reason: string, origin: string, flatten = true): { canceled: number; flattening: number } {
    return this.command(() => {
      this.riskDesk.end('kill switch', origin);
      if (flatten) {
        const r = this.engine.killSwitch(reason);
        auditOverride(this.parts.audit, this.parts.clock.now(), { action: 'kill-switch', reason, by: origin, details: { canceled: r.canceled, flatten: r.flattening.map((o) => ({ clientOrderId: o.clientOrderId, symbol: o.symbol, side: o.side, qty: o.qty })) } });
        return { canceled: r.canceled.length, flattening: r.flattening.length };
      }
      this.engine.setTradingState('halted', reason);
      const ids = this.engine.openOrders().filter((o) => o.state !== 'pending-cancel').map((o) => o.clientOrderId);
      this.engine.cancelAll();
      auditOverride(this.parts.audit, this.parts.clock.now(), { action: 'kill-switch', reason, by: origin, details: { canceled: ids } });
      return { canceled: ids.length, flattening: 0 };
    });
  }

  /** Applies an authenticated override (see RiskDesk). */
  applyOverride(req: OverrideRequest, by: string): RiskOverrideView {
    return this.command(() => this.riskDesk.apply(req, by));
  }

  endOverride(reason: string, by: string): boolean {
    return this.command(() => this.riskDesk.end(reason, by));
  }
}

const run = <T>(fn: () => T): T => fn();

/** A venue that keeps strict spot balances (the paper venue with holdings). */
function hasSpotBalances(v: Venue): v is Venue & { spotBalances(): { asset: string; total: string; reserved: string; free: string }[] } {
  return typeof (v as { spotBalances?: unknown }).spotBalances === 'function';
}

function pickOhlcv(c: Candle) {
  return { ts: c.ts, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume };
}

/** n / equity in percent, two decimals; "0" when equity is not positive. */
function pct(n: bigint, equity: bigint): string {
  if (equity <= 0n) return '0';
  return moneyText((n * 100n * 10n ** 18n) / equity, 2);
}
