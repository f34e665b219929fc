/**
 * The pre-trade risk gate: the one gate every order from every source passes, in backtest, paper and live
 * alike (the kernel has no other way to reach a venue). Checks, each a machine-readable reason naming the
 * rule, its limit and the value found:
 *   per order: trading_halted, reducing_only, reduce_only_would_increase, no_reference_price,
 *     max_order_notional, max_position_notional, max_position_pct_equity, max_open_orders, price_band,
 *     and for a perpetual, always (the venue's own rule, not a profile limit): position_tier_at_leverage;
 *   per account: max_daily_loss, max_daily_loss_pct, drawdown_halt, max_open_positions, max_gross_exposure,
 *     max_net_exposure, max_leverage, buying_power.
 * All failing rules are reported, not just the first, so the trader sees everything to fix at once.
 * Caps may be reached but not exceeded (value > cap refuses); loss limits are breached at the limit
 * (loss ≥ limit refuses). Orders that only reduce a position are never refused by an exposure or loss
 * rule: a breached account can always get smaller. Per-instrument notionals are exact (limits converted
 * once to tick·lot units); account figures are the portfolio's float valuation.
 *
 * The gate also owns the monitors between orders (monitor.ts) so that the figures it refuses on and the
 * alerts the account gets are the same numbers.
 */
import type { RiskReason } from '../errors.ts';
import type { Instrument } from '../model/index.ts';
import { money, moneyToString, divRound } from '../model/index.ts';
import type { RiskAlert, RiskGate, RiskInput, RiskVerdict } from '../ports.ts';
import { maxNotionalAt } from '../margin/leverage.ts';
import { EquityWatch, over, SwanWatch, type WatchLimits } from './monitor.ts';
import { PortfolioStats, type StatsConfig } from './stats.ts';
import { varAfter, type RiskSnapshot } from './var.ts';

export interface RiskLimits extends WatchLimits {
  /** Max notional of one order, settlement currency, decimal text. */
  readonly maxOrderNotional?: string;
  /** Max absolute position notional after the order (incl. other working orders). */
  readonly maxPositionNotional?: string;
  /** Max position notional as a fraction of equity (0.5 = 50 %). */
  readonly maxPositionPctEquity?: number;
  readonly maxOpenOrders?: number;
  /** Max distance of a limit/trigger price from the last price, in basis points. */
  readonly priceBandBps?: number;
  /** Symbols with a position or working orders. */
  readonly maxOpenPositions?: number;
  /** Account-wide exposure caps, settlement currency. */
  readonly maxGrossExposure?: number;
  readonly maxNetExposure?: number;
  /** Gross exposure / equity. */
  readonly maxLeverage?: number;
  /** Initial margin of the exposure after the order must fit in equity. */
  readonly checkBuyingPower?: boolean;
  /** Correlation-bucket and VaR rules; their inputs come from `stats` (or a snapshot set by hand). */
  readonly correlation?: { readonly threshold: number; readonly maxBucketPctEquity: number };
  readonly var?: { readonly maxPctEquity: number };
  /** How the returns behind correlation and VaR are sampled from the watched prices (risk/stats.ts). */
  readonly stats?: StatsConfig;
}

export const PASS: RiskVerdict = Object.freeze({ ok: true, reasons: Object.freeze([]) as readonly RiskReason[] });

interface Units {
  order: number;
  position: number;
}

export class LimitsRiskGate implements RiskGate {
  private readonly limits: RiskLimits;
  private readonly perSymbol: Readonly<Record<string, RiskLimits>>;
  private readonly units = new Map<string, Units>();
  /** Tier caps by symbol, then leverage (instruments are immutable, so a cap never changes for one key). */
  private readonly tiers = new Map<string, ({ units: number; text: string } | undefined)[]>();
  readonly wantsBook: boolean;
  readonly monitors: boolean;
  /** Day-start and peak equity; undefined when no loss limit is set. */
  readonly watch: EquityWatch | undefined;
  private readonly swan: SwanWatch | undefined;
  /** A snapshot set by hand (tests, benches); otherwise `stats` builds them from the watched prices. */
  private snap: RiskSnapshot | undefined;
  readonly stats: PortfolioStats | undefined;
  /** The snapshot the two maps below were made for. */
  private indexed: RiskSnapshot | undefined;
  /** Snapshot symbol index → the book's slot index, for the book the mapping was made for. */
  private snapSlots: Int32Array | undefined;
  private snapSlotsFor: readonly string[] | undefined;
  private snapIndex = new Map<string, number>();
  private readonly scratch = new Float64Array(4096);

  /** `carry`: an earlier gate of the same account whose day-start and peak equity continue here. */
  constructor(limits: RiskLimits = {}, perSymbol: Readonly<Record<string, RiskLimits>> = {}, carry?: LimitsRiskGate) {
    this.limits = limits;
    this.perSymbol = perSymbol;
    const l = limits;
    this.wantsBook = l.maxOpenPositions !== undefined || l.maxGrossExposure !== undefined || l.maxNetExposure !== undefined || l.maxLeverage !== undefined || l.checkBuyingPower === true || l.correlation !== undefined || l.var !== undefined;
    const watches = l.maxDailyLoss !== undefined || l.maxDailyLossPct !== undefined || l.drawdownAlertPct !== undefined || l.drawdownHaltPct !== undefined;
    this.watch = watches ? new EquityWatch(l) : undefined;
    if (this.watch && carry?.watch) this.watch.adopt(carry.watch);
    if (carry?.snap) this.setSnapshot(carry.snap);
    const st = l.stats && (l.correlation || l.var) ? l.stats : undefined;
    this.stats = st ? (carry?.stats?.sameAs(st) ? carry.stats : new PortfolioStats(st)) : undefined;
    this.swan = l.blackSwan ? new SwanWatch(l.blackSwan) : undefined;
    this.monitors = watches || this.swan !== undefined || this.stats !== undefined;
  }

  /**
   * The correlation matrix and VaR inputs the correlation-bucket and VaR rules read (built between orders:
   * RollingReturns / the SIMD cov kernel, then risk/var.ts snapshot()). Without one those rules pass.
   */
  setSnapshot(s: RiskSnapshot | undefined): void {
    this.snap = s;
  }

  /** The snapshot in force: the one set by hand, else the latest built from the watched prices. */
  get snapshot(): RiskSnapshot | undefined {
    return this.snap ?? this.stats?.current;
  }

  observe(ts: number, equity: number): RiskAlert | null {
    return this.watch ? this.watch.observe(ts, equity) : null;
  }

  observePrice(symbol: string, ts: number, price: number, held: boolean): RiskAlert | null {
    this.stats?.observe(symbol, ts, price);
    return this.swan ? this.swan.observe(symbol, ts, price, held) : null;
  }

  /** A venue-wide outage (reported by the host): the black-swan protocol, or a plain halt without one. */
  outage(reason: string): RiskAlert {
    return this.swan ? this.swan.outage(reason) : { rule: 'venue_outage', message: `venue outage: ${reason}: orders canceled, halted`, limit: 0, value: 1, state: 'halted', cancel: true };
  }

  private unitsFor(inst: Instrument, l: RiskLimits): Units {
    let u = this.units.get(inst.symbol);
    if (!u) {
      const conv = (s: string | undefined): number => (s === undefined ? Infinity : Number(divRound(money(s), inst.notionalUnit, 'floor')));
      u = { order: conv(l.maxOrderNotional), position: conv(l.maxPositionNotional) };
      this.units.set(inst.symbol, u);
    }
    return u;
  }

  /** The largest position (tick·lot units, and as text) a perpetual may hold at `leverage`: its tier's cap. */
  private tierCap(inst: Instrument, leverage: number): { units: number; text: string } {
    // Indexed by the (whole) leverage per symbol: no key string built per order.
    let bySym = this.tiers.get(inst.symbol);
    if (!bySym) this.tiers.set(inst.symbol, (bySym = []));
    const k = Number.isInteger(leverage) && leverage > 0 && leverage <= 1000 ? leverage : -1;
    let c = k > 0 ? bySym[k] : undefined;
    if (!c) {
      const cap = maxNotionalAt(inst, leverage);
      c = cap === undefined ? { units: Infinity, text: 'any' } : { units: Number(divRound(cap, inst.notionalUnit, 'floor')), text: moneyToString(cap, 2) };
      if (k > 0) bySym[k] = c;
    }
    return c;
  }

  check(x: RiskInput): RiskVerdict {
    const l = this.perSymbol[x.instrument.symbol] ?? this.limits;
    const r = x.request;
    let reasons: RiskReason[] | undefined;
    const signed = r.side === 'buy' ? r.qty : -r.qty;
    const after = x.positionQty + signed;
    const reduces = x.positionQty !== 0 && Math.sign(signed) !== Math.sign(x.positionQty) && Math.abs(after) <= Math.abs(x.positionQty) && Math.sign(after) !== -Math.sign(x.positionQty);

    // What passes a halt: reduce-only orders that reduce, from the kernel itself (kill switch, black swan, a lost
    // stop placed again) or from the trader's reconciliation decisions (re-placing a stop the venue lost).
    const flatten = (x.source === 'system' || x.source === 'reconcile') && r.reduceOnly === true && reduces;
    if (x.tradingState === 'halted' && !flatten) reasons = fail(reasons, 'trading_halted', 'trading is halted');
    else if (x.tradingState === 'reducing-only' && !reduces) reasons = fail(reasons, 'reducing_only', 'only orders that reduce the position are allowed');
    if (r.reduceOnly && !reduces) reasons = fail(reasons, 'reduce_only_would_increase', 'reduce-only order would open or increase a position');

    const px = r.price ?? r.triggerPrice ?? x.lastPrice;
    const inst = x.instrument;
    const u = this.unitsFor(inst, l);
    const needPrice = u.order !== Infinity || u.position !== Infinity || l.maxPositionPctEquity !== undefined || this.wantsBook;
    if (px <= 0) {
      if (needPrice) reasons = fail(reasons, 'no_reference_price', 'no price to value the order against (no limit price and no last price)');
    } else {
      const orderUnits = px * r.qty;
      if (orderUnits > u.order) reasons = fail(reasons, 'max_order_notional', 'order notional above limit', l.maxOrderNotional, units(inst, orderUnits));
      // Worst case: all working orders on the same side fill too.
      const exposure = Math.max(Math.abs(after), Math.abs(after + x.workingQty));
      const posUnits = exposure * px;
      if (!reduces && posUnits > u.position) reasons = fail(reasons, 'max_position_notional', 'position notional after the order above limit', l.maxPositionNotional, units(inst, posUnits));
      // The venue's leverage tiers (Binance -2027): the position may not outgrow the tier its leverage allows.
      if (!reduces && x.leverage !== undefined && inst.kind === 'perpetual') {
        const cap = this.tierCap(inst, x.leverage);
        if (posUnits > cap.units) reasons = fail(reasons, 'position_tier_at_leverage', `Exceeded the maximum allowable position at current leverage (venue -2027): ${inst.symbol} at ${x.leverage}× holds at most ${cap.text}`, cap.text, units(inst, posUnits));
      }
      if (!reduces && l.maxPositionPctEquity !== undefined) {
        const v = posUnits * inst.notionalUnitF;
        const cap = l.maxPositionPctEquity * Math.max(0, x.equity);
        if (over(v, cap)) reasons = fail(reasons, 'max_position_pct_equity', 'position above the allowed share of equity', l.maxPositionPctEquity, x.equity > 0 ? round4(v / x.equity) : 'equity<=0');
      }
    }
    const w = this.watch;
    if (w && !reduces) {
      w.update(x.ts, x.equity);
      const b = w.dailyBreach();
      if (b) reasons = fail(reasons, b[0], 'daily loss limit reached: only reducing orders until the next trading day', b[1], b[2]);
      if (w.drawdownBreach()) reasons = fail(reasons, 'drawdown_halt', 'drawdown from peak equity at the halt level', l.drawdownHaltPct, round4(w.drawdown()));
    }
    if (this.wantsBook && !reduces && px > 0) reasons = this.account(x, l, px, reasons);
    if (l.maxOpenOrders !== undefined && x.openOrders + 1 > l.maxOpenOrders) reasons = fail(reasons, 'max_open_orders', 'too many open orders', l.maxOpenOrders, x.openOrders + 1);
    if (l.priceBandBps !== undefined && x.lastPrice > 0) {
      const dev = Math.max(r.price === undefined ? 0 : Math.abs(r.price - x.lastPrice), r.triggerPrice === undefined ? 0 : Math.abs(r.triggerPrice - x.lastPrice));
      const devBps = (dev * 10_000) / x.lastPrice;
      if (devBps > l.priceBandBps) reasons = fail(reasons, 'price_band', 'price too far from the last price (fat finger?)', l.priceBandBps, round4(devBps));
    }
    return reasons ? { ok: false, reasons } : PASS;
  }

  /**
   * Account-wide rules for an order that adds exposure. The order's symbol is taken at its worst case after
   * the order (position + the order + every working order on its side), valued at the order's price.
   */
  private account(x: RiskInput, l: RiskLimits, px: number, reasons: RiskReason[] | undefined): RiskReason[] | undefined {
    const b = x.book;
    const unit = x.instrument.notionalUnitF * px;
    const d = x.request.side === 'buy' ? x.request.qty : -x.request.qty;
    const hi = x.positionQty + b.symWorkBuy + (d > 0 ? d : 0);
    const lo = x.positionQty + b.symWorkSell + (d < 0 ? d : 0);
    const symAfter = Math.max(Math.abs(hi), Math.abs(lo)) * unit;
    if (l.maxOpenPositions !== undefined && !b.symHeld && b.openPositions + 1 > l.maxOpenPositions) reasons = fail(reasons, 'max_open_positions', 'too many open positions', l.maxOpenPositions, b.openPositions + 1);
    const gross = b.gross - b.symGross + symAfter;
    if (l.maxGrossExposure !== undefined && over(gross, l.maxGrossExposure)) reasons = fail(reasons, 'max_gross_exposure', 'gross exposure after the order above limit', l.maxGrossExposure, round2(gross));
    if (l.maxNetExposure !== undefined) {
      // Only the side the order pushes: a sell never makes the long extreme worse (and marks may have).
      const net = d > 0 ? b.netLong - b.symNetLong + hi * unit : -(b.netShort - b.symNetShort + lo * unit);
      if (over(net, l.maxNetExposure)) reasons = fail(reasons, 'max_net_exposure', 'net exposure after the order above limit', l.maxNetExposure, round2(net));
    }
    if (l.maxLeverage !== undefined && over(gross, l.maxLeverage * Math.max(0, x.equity))) reasons = fail(reasons, 'max_leverage', 'gross exposure / equity after the order above limit', l.maxLeverage, x.equity > 0 ? round4(gross / x.equity) : 'equity<=0');
    if (l.checkBuyingPower) {
      const margin = b.margin - b.symMargin + symAfter / b.symLeverage;
      if (over(margin, x.equity)) reasons = fail(reasons, 'buying_power', 'initial margin after the order above equity (not enough buying power)', round2(x.equity), round2(margin));
    }
    if (l.correlation || l.var) {
      const s = this.snap ?? this.stats?.snapshotFor(b.symbols, b.exposure, x.equity);
      if (s) reasons = this.portfolioRules(s, x, l, (x.positionQty + d) * unit, reasons);
    }
    return reasons;
  }

  /** Correlation bucket and VaR of the account with the order's symbol at `after` (signed value). */
  private portfolioRules(s: RiskSnapshot, x: RiskInput, l: RiskLimits, after: number, reasons: RiskReason[] | undefined): RiskReason[] | undefined {
    if (this.indexed !== s) {
      this.indexed = s;
      this.snapIndex = new Map(s.symbols.map((sym, k) => [sym, k]));
      this.snapSlots = undefined;
    }
    const i = this.snapIndex.get(x.instrument.symbol);
    if (i === undefined) return reasons;
    const b = x.book;
    if (this.snapSlotsFor !== b.symbols || !this.snapSlots) {
      const slot = new Map(b.symbols.map((sym, k) => [sym, k]));
      this.snapSlots = Int32Array.from(s.symbols, (sym) => slot.get(sym) ?? -1);
      this.snapSlotsFor = b.symbols;
    }
    const slots = this.snapSlots;
    const eq = Math.max(0, x.equity);
    const c = l.correlation;
    if (c) {
      const k = s.symbols.length;
      let sum = Math.abs(after), members = 1;
      for (let j = 0; j < k; j++) {
        if (j === i || !(Math.abs(s.corr[i * k + j]!) > c.threshold)) continue;
        const slot = slots[j]!;
        const v = slot >= 0 ? Math.abs(b.exposure[slot]!) : 0;
        if (v > 0) {
          sum += v;
          members++;
        }
      }
      if (members > 1 && over(sum, c.maxBucketPctEquity * eq)) reasons = fail(reasons, 'correlation_bucket', `positions correlated above ${c.threshold} with ${x.instrument.symbol} above their cap (share of equity)`, c.maxBucketPctEquity, eq > 0 ? round4(sum / eq) : 'equity<=0');
    }
    if (l.var) {
      const v = varAfter(s, i, after - s.weights[i]!, this.scratch);
      if (over(v, l.var.maxPctEquity * eq)) reasons = fail(reasons, 'max_var', `1-day ${s.method} VaR (${s.confidence * 100}%) after the order above limit (share of equity)`, l.var.maxPctEquity, eq > 0 ? round4(v / eq) : 'equity<=0');
    }
    return reasons;
  }
}

// Module-level, not a closure in check(): a closure over a local would allocate a context on every check.
function fail(reasons: RiskReason[] | undefined, rule: string, message: string, limit?: string | number, actual?: string | number): RiskReason[] {
  const out = reasons ?? [];
  out.push(limit === undefined ? { rule, message } : { rule, message, limit, actual: actual! });
  return out;
}

function units(inst: Instrument, u: number): string {
  return moneyToString(BigInt(u) * inst.notionalUnit);
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
