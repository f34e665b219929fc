/**
 * The risk side of one account's session: when the trading state last changed, the recent monitor alerts and
 * state changes, the active override (applied, expired on its own, audited), and the account's figures
 * against its profile for the risk panel and the daily report. Constructor-injected: the engine, the
 * adjustable gate, the clock and the audit sink of the session.
 */
import type { RiskAccountView, RiskEventView, RiskOverrideView, RiskPortfolioView } from '../../contract/risk-views.ts';
import { auditOverride } from '../../core/audit/session.ts';
import type { Engine } from '../../core/engine/index.ts';
import { ValidationError } from '../../core/errors.ts';
import { MIN_ROWS } from '../../core/risk/stats.ts';
import { approveOverride, type ActiveOverride, type OverrideRequest } from '../../core/risk/override.ts';
import type { AuditSink, Clock, TradingState } from '../../core/ports.ts';
import type { AdjustableRiskGate } from './risk.ts';

const MAX_EVENTS = 200;

export interface RiskDeskParts {
  readonly engine: Engine;
  readonly gate: AdjustableRiskGate;
  readonly clock: Clock;
  readonly audit: AuditSink;
  /** Called when something the panel shows changed (an alert, an override starting or ending). */
  readonly changed: () => void;
}

export class RiskDesk {
  private readonly p: RiskDeskParts;
  private sinceTs: number;
  private readonly log: RiskEventView[] = [];
  private active: ActiveOverride | undefined;
  private n = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Set while the desk itself changes the state (an override), so the change is logged as an override. */
  private applying = false;

  constructor(p: RiskDeskParts) {
    this.p = p;
    this.sinceTs = p.clock.now();
    p.engine.bus.on('trading-state', ({ state, reason }) => {
      this.sinceTs = p.clock.now();
      this.push({ ts: this.sinceTs, kind: this.applying ? 'override' : 'state', rule: 'trading_state', message: reason, state });
    });
    p.engine.bus.on('risk-alert', (a) => {
      this.push({ ts: p.clock.now(), kind: 'alert', rule: a.rule, message: a.message, limit: a.limit, value: a.value, ...(a.state ? { state: a.state } : {}), ...(a.symbol ? { symbol: a.symbol } : {}) });
      p.changed();
    });
  }

  get since(): number {
    return this.sinceTs;
  }

  events(): RiskEventView[] {
    return this.log.slice();
  }

  override(): RiskOverrideView | null {
    const o = this.active;
    if (!o) return null;
    return { id: o.id, by: o.by, reason: o.reason, since: o.since, until: o.until, ...(o.state ? { state: o.state } : {}), ...(o.limits ? { limits: { ...o.limits } as Record<string, number> } : {}) };
  }

  /** Applies an approved, authenticated override (replacing any active one). `by` = who re-authenticated. */
  apply(req: OverrideRequest, by: string): RiskOverrideView {
    const { engine, gate, clock, audit } = this.p;
    approveOverride(req, (this.active?.previousProfile ?? gate.profile));
    if (engine.tradingState === 'active' && req.state === 'reducing-only') throw new ValidationError('an override never tightens the state: use reducing-only directly', [{ path: 'state', message: 'tighter than the current state' }]);
    if (this.active) this.end('replaced by a new override', by);
    const profile = approveOverride(req, gate.profile);
    const now = clock.now();
    const id = `ovr-${now.toString(36)}-${++this.n}`;
    const o: ActiveOverride = {
      id, by, reason: req.reason, since: now, until: now + req.minutes * 60_000, previousState: engine.tradingState, previousProfile: gate.profile,
      ...(req.state ? { state: req.state } : {}), ...(req.limits ? { limits: req.limits } : {}),
    };
    this.active = o;
    if (req.limits) gate.setProfile(profile);
    auditOverride(audit, now, { action: 'risk-override', reason: req.reason, by, details: { id, what: { state: req.state ?? null, limits: req.limits ?? null }, from: o.previousState, until: o.until, minutes: req.minutes } });
    if (req.state && req.state !== engine.tradingState) this.setState(req.state, `override by ${by} until ${new Date(o.until).toISOString()}: ${req.reason}`);
    this.arm();
    this.p.changed();
    return this.override()!;
  }

  /** Ends the active override now: limits and state return to what they were before it. */
  end(reason: string, by: string): boolean {
    const o = this.active;
    if (!o) return false;
    this.active = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const { gate, clock, audit, engine } = this.p;
    if (o.limits) gate.setProfile(o.previousProfile);
    auditOverride(audit, clock.now(), { action: 'risk-override-ended', reason, by, details: { id: o.id, until: o.until } });
    // Only undo what the override did: a state someone set since (a halt by a monitor) stays.
    if (o.state && engine.tradingState === o.state && o.previousState !== o.state) this.setState(o.previousState, `override ${o.id} ${reason}`);
    this.p.changed();
    return true;
  }

  /** Expires a due override (called before every command and market batch, and by its own timer). */
  tick(): void {
    if (this.active && this.p.clock.now() >= this.active.until) this.end('expired', 'system');
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    const o = this.active;
    if (!o) return;
    // The session clock may run faster than the wall clock (paper feed speed): the timer is a backstop, the
    // tick on every batch is what expires it on time.
    this.timer = setTimeout(() => this.tick(), Math.max(1000, Math.min(o.until - this.p.clock.now(), 2 ** 31 - 1)));
    this.timer.unref?.();
  }

  private setState(state: TradingState, reason: string): void {
    this.applying = true;
    try {
      this.p.engine.setTradingState(state, reason);
    } finally {
      this.applying = false;
    }
  }

  private push(e: RiskEventView): void {
    this.log.push(e);
    if (this.log.length > MAX_EVENTS) this.log.splice(0, this.log.length - MAX_EVENTS);
  }

  /** The account against its profile: day P&L, drawdown, exposure, margin. */
  account(): RiskAccountView {
    const { engine, gate } = this.p;
    const prof = gate.profile;
    const watch = gate.core.watch;
    const equity = engine.portfolio.equity();
    if (watch) watch.update(this.p.clock.now(), equity);
    let gross = 0, net = 0, margin = 0, open = 0;
    for (const p of engine.portfolio.positions.values()) {
      if (p.qty === 0) continue;
      const v = p.qty * p.lotValueF * p.pnlMarkF() * (p.fxF > 0 ? p.fxF : 1);
      open++;
      gross += Math.abs(v);
      net += v;
      margin += Math.abs(v) / (p.perp && p.leverage > 0 ? p.leverage : 1);
    }
    const dayStart = watch && Number.isFinite(watch.dayStartEquity) ? watch.dayStartEquity : null;
    const abs = prof.maxDailyLoss === null ? Infinity : Number(prof.maxDailyLoss);
    const pct = prof.maxDailyLossPct === null || dayStart === null ? Infinity : (prof.maxDailyLossPct / 100) * dayStart;
    const limit = Math.min(abs, pct);
    const r2 = (x: number) => Math.round(x * 100) / 100;
    return {
      profile: prof.name, timeZone: prof.timeZone,
      dayStartEquity: dayStart === null ? null : r2(dayStart), dayPnl: dayStart === null ? null : r2(equity - dayStart), dailyLossLimit: Number.isFinite(limit) ? r2(limit) : null,
      peakEquity: watch && Number.isFinite(watch.peakEquity) ? r2(watch.peakEquity) : null, drawdown: watch ? Math.round(watch.drawdown() * 1e6) / 1e6 : 0,
      drawdownAlert: prof.drawdownAlertPct === null ? null : prof.drawdownAlertPct / 100, drawdownHalt: prof.drawdownHaltPct === null ? null : prof.drawdownHaltPct / 100,
      openPositions: open, maxOpenPositions: prof.maxOpenPositions,
      gross: r2(gross), net: r2(net), leverage: equity > 0 ? Math.round((gross / equity) * 1e4) / 1e4 : 0, maxLeverage: prof.maxLeverage,
      maxGross: prof.maxGrossExposure === null ? null : Number(prof.maxGrossExposure), maxNet: prof.maxNetExposure === null ? null : Number(prof.maxNetExposure),
      marginUsed: r2(margin), buyingPower: r2(Math.max(0, equity - margin)),
    };
  }

  /** Correlation and VaR as the gate sees them now (null when the profile has neither rule). */
  portfolio(): RiskPortfolioView | null {
    const { engine, gate } = this.p;
    const stats = gate.core.stats;
    const prof = gate.profile;
    if (!stats) return null;
    const symbols: string[] = [];
    const values: number[] = [];
    for (const [sym, p] of engine.portfolio.positions) {
      symbols.push(sym);
      values.push(p.qty * p.lotValueF * p.pnlMarkF() * (p.fxF > 0 ? p.fxF : 1));
    }
    const equity = engine.portfolio.equity();
    const snap = stats.snapshotFor(symbols, Float64Array.from(values), equity);
    const c = stats.cfg;
    const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
    return {
      method: c.method, confidence: c.confidence, intervalMs: c.intervalMs, window: c.window, rows: stats.rows, needRows: Math.min(MIN_ROWS, c.window),
      var: snap ? Math.round(snap.var * 100) / 100 : null, varPct: snap && equity > 0 ? r6(snap.var / equity) : null, maxVarPct: prof.var ? prof.var.maxPctEquity / 100 : null,
      threshold: prof.correlation?.threshold ?? null, maxBucketPct: prof.correlation ? prof.correlation.maxBucketPctEquity / 100 : null,
      symbols: snap ? [...snap.symbols] : [], corr: snap ? Array.from(snap.corr, r6) : [],
    };
  }
}
