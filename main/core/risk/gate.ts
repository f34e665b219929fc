/**
 * Pre-trade risk gate, first version. Sits in the path of every order from every source (the kernel has no
 * other way to reach a venue). Checks, each producing a machine-readable reason when it fails:
 *   trading_halted, reducing_only, reduce_only_would_increase, no_reference_price, max_order_notional,
 *   max_position_notional, max_position_pct_equity, max_open_orders, price_band.
 * All failing rules are reported, not just the first, so the trader sees everything to fix at once.
 * Notional comparisons are exact: limits are converted once to tick·lot units of the instrument and compared
 * against integer ticks × lots.
 */
import type { RiskReason } from '../errors.ts';
import type { Instrument } from '../model/index.ts';
import { money, moneyToString, divRound } from '../model/index.ts';
import type { RiskGate, RiskInput, RiskVerdict } from '../ports.ts';

export interface RiskLimits {
  /** Max notional of one order, settlement currency, decimal text. */
  readonly maxOrderNotional?: string;
  /** Max absolute position notional after the order (incl. other working orders). */
  readonly maxPositionNotional?: string;
  /** Max position notional as a fraction of equity (0.5 = 50 %). */
  readonly maxPositionPctEquity?: number;
  readonly maxOpenOrders?: number;
  /** Max distance of a limit/trigger price from the last price, in basis points. */
  readonly priceBandBps?: number;
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

  constructor(limits: RiskLimits = {}, perSymbol: Readonly<Record<string, RiskLimits>> = {}) {
    this.limits = limits;
    this.perSymbol = perSymbol;
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

  check(x: RiskInput): RiskVerdict {
    const l = this.perSymbol[x.instrument.symbol] ?? this.limits;
    const r = x.request;
    let reasons: RiskReason[] | undefined;
    const signed = r.side === 'buy' ? r.qty : -r.qty;
    const after = x.positionQty + signed;
    const reduces = x.positionQty !== 0 && Math.sign(signed) !== Math.sign(x.positionQty) && Math.abs(after) <= Math.abs(x.positionQty) && Math.sign(after) !== -Math.sign(x.positionQty);

    if (x.tradingState === 'halted') reasons = fail(reasons, 'trading_halted', 'trading is halted');
    else if (x.tradingState === 'reducing-only' && !reduces) reasons = fail(reasons, 'reducing_only', 'only orders that reduce the position are allowed');
    if (r.reduceOnly && !reduces) reasons = fail(reasons, 'reduce_only_would_increase', 'reduce-only order would open or increase a position');

    const px = r.price ?? r.triggerPrice ?? x.lastPrice;
    const inst = x.instrument;
    const u = this.unitsFor(inst, l);
    const needPrice = u.order !== Infinity || u.position !== Infinity || l.maxPositionPctEquity !== undefined;
    if (px <= 0) {
      if (needPrice) reasons = fail(reasons, 'no_reference_price', 'no price to value the order against (no limit price and no last price)');
    } else {
      const orderUnits = px * r.qty;
      if (orderUnits > u.order) reasons = fail(reasons, 'max_order_notional', 'order notional above limit', l.maxOrderNotional, units(inst, orderUnits));
      // Worst case: all working orders on the same side fill too.
      const exposure = Math.max(Math.abs(after), Math.abs(after + x.workingQty));
      const posUnits = exposure * px;
      if (!reduces && posUnits > u.position) reasons = fail(reasons, 'max_position_notional', 'position notional after the order above limit', l.maxPositionNotional, units(inst, posUnits));
      if (!reduces && l.maxPositionPctEquity !== undefined) {
        const v = posUnits * inst.notionalUnitF;
        const cap = l.maxPositionPctEquity * Math.max(0, x.equity);
        if (v > cap) reasons = fail(reasons, 'max_position_pct_equity', 'position above the allowed share of equity', l.maxPositionPctEquity, x.equity > 0 ? round4(v / x.equity) : 'equity<=0');
      }
    }
    if (l.maxOpenOrders !== undefined && x.openOrders + 1 > l.maxOpenOrders) reasons = fail(reasons, 'max_open_orders', 'too many open orders', l.maxOpenOrders, x.openOrders + 1);
    if (l.priceBandBps !== undefined && x.lastPrice > 0) {
      const dev = Math.max(r.price === undefined ? 0 : Math.abs(r.price - x.lastPrice), r.triggerPrice === undefined ? 0 : Math.abs(r.triggerPrice - x.lastPrice));
      const devBps = (dev * 10_000) / x.lastPrice;
      if (devBps > l.priceBandBps) reasons = fail(reasons, 'price_band', 'price too far from the last price (fat finger?)', l.priceBandBps, round4(devBps));
    }
    return reasons ? { ok: false, reasons } : PASS;
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

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
