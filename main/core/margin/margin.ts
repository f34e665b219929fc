/**
 * Perpetual margin (linear, USDⓈ-M): maintenance margin from the venue's leverage brackets, initial margin
 * from the leverage, and the liquidation price of a position in isolated or cross mode. Exact: Money
 * (bigint atto-units) throughout, prices in ticks.
 *
 * A position is liquidated when its margin balance falls to its maintenance margin:
 *   collateral + unrealized P&L(P) = mmr × notional(P) − cum
 * where `collateral` is the isolated margin (entry notional / leverage) or, in cross mode, the wallet
 * balance less the other positions' maintenance margins plus their unrealized P&L, and `cum` is the
 * bracket's maintenance amount (so the tiers join without a jump). Solving for P:
 *   long:  P = (Nₑ − collateral − cum) / (|q|·u·(1 − mmr))     short: P = (Nₑ + collateral + cum) / (|q|·u·(1 + mmr))
 * with Nₑ the entry notional and u the Money value of one tick × one lot. The bracket is chosen at the
 * entry notional (venues re-evaluate it at the mark; the difference only matters near a bracket edge).
 * A long rounds its liquidation price up to the tick and a short down: never later than the exact price.
 */
import type { Instrument, Lots, MarginTier, Money, Ticks } from '../model/index.ts';
import { money, MONEY_SCALE, mulRate } from '../model/index.ts';

export type MarginMode = 'cross' | 'isolated';

/** When a venue publishes no brackets: one tier, 0.5 % maintenance, the instrument's max leverage. */
const DEFAULT_MMR = money('0.005');

export interface Bracket {
  /** Upper notional bound (Money; 0 = unbounded). */
  readonly max: Money;
  readonly rate: Money;
  /** Maintenance amount: Σ over lower brackets of bound × (this rate − that rate). */
  readonly cum: Money;
  readonly maxLeverage: number;
}

const cache = new WeakMap<Instrument, Bracket[]>();

export function brackets(inst: Instrument): Bracket[] {
  let b = cache.get(inst);
  if (b) return b;
  const tiers: readonly MarginTier[] = inst.marginTiers.length ? inst.marginTiers : [{ maxNotional: '0', maintenanceRate: '0.005', maxLeverage: inst.maxLeverage }];
  b = [];
  let cum = 0n;
  let prevMax = 0n;
  let prevRate = 0n;
  for (const t of tiers) {
    const rate = money(t.maintenanceRate);
    cum += mulRate(prevMax, rate - prevRate, 'half-even');
    const max = money(t.maxNotional);
    b.push({ max, rate, cum, maxLeverage: t.maxLeverage });
    prevMax = max;
    prevRate = rate;
  }
  cache.set(inst, b);
  return b;
}

/** The bracket a position of this notional falls in (the last one when beyond every bound). */
export function bracketFor(inst: Instrument, notional: Money): Bracket {
  const b = brackets(inst);
  for (const x of b) if (x.max === 0n || notional <= x.max) return x;
  return b[b.length - 1] ?? { max: 0n, rate: DEFAULT_MMR, cum: 0n, maxLeverage: inst.maxLeverage };
}

/** Maintenance margin of a position of `notional`. */
export function maintenanceMargin(inst: Instrument, notional: Money): Money {
  const b = bracketFor(inst, notional);
  const m = mulRate(notional, b.rate, 'ceil') - b.cum;
  return m > 0n ? m : 0n;
}

/** Initial margin of `notional` at `leverage` (rounded up: against the trader). */
export function initialMargin(notional: Money, leverage: number): Money {
  const lev = BigInt(Math.round(leverage * 1000));
  return (notional * 1000n + lev - 1n) / lev;
}

export interface MarginPosition {
  readonly qty: Lots;
  /** Σ qty × price over open lots, in tick·lots (PositionState.cost), signed like qty. */
  readonly cost: number;
}

/**
 * Liquidation price in ticks (NaN when flat, or when the collateral covers any move: a long with more
 * collateral than its notional). `collateral`: isolated margin, or the cross-margin balance (see header).
 */
export function liquidationPrice(inst: Instrument, p: MarginPosition, collateral: Money): Ticks {
  if (p.qty === 0) return NaN;
  const u = inst.notionalUnit;
  const q = BigInt(Math.abs(p.qty));
  const entry = BigInt(Math.abs(p.cost)) * u;
  const b = bracketFor(inst, entry);
  if (p.qty > 0) {
    const num = entry - collateral - b.cum;
    if (num <= 0n) return NaN;
    const den = q * u * (MONEY_SCALE - b.rate);
    return Number((num * MONEY_SCALE + den - 1n) / den);
  }
  const num = entry + collateral + b.cum;
  const den = q * u * (MONEY_SCALE + b.rate);
  return Number((num * MONEY_SCALE) / den);
}

/** Isolated collateral of a position: its entry notional / leverage. */
export function isolatedCollateral(inst: Instrument, p: MarginPosition, leverage: number): Money {
  return initialMargin(BigInt(Math.abs(p.cost)) * inst.notionalUnit, leverage);
}
