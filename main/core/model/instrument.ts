/**
 * An instrument and its exact grid. On the hot path a price is an integer number of ticks (`Ticks`) and a
 * quantity an integer number of lots (`Lots`), both plain JS numbers: integer arithmetic on doubles is
 * exact below 2^53, fast, and allocation-free. `notionalUnit` is the Money value of 1 tick × 1 lot × contract
 * size, so notional = ticks × lots × notionalUnit, exactly.
 */
import { ValidationError } from '../errors.ts';
import { money, moneyToString, divRound, MONEY_SCALE, type Money, type Rounding } from './money.ts';

/** Integer number of ticks (price = ticks × tickSize). */
export type Ticks = number;
/** Integer number of lots (quantity = lots × lotSize). Signed where it is a position. */
export type Lots = number;

export type InstrumentKind = 'spot' | 'perpetual';

/** One row of a tiered fee schedule: applies once 30-day traded volume (in quote) reaches `minVolume`. */
export interface FeeTier {
  readonly minVolume: string;
  readonly maker: string;
  readonly taker: string;
}

export interface InstrumentSpec {
  readonly symbol: string;
  readonly venue: string;
  readonly base: string;
  readonly quote: string;
  readonly kind: InstrumentKind;
  readonly tickSize: string;
  readonly lotSize: string;
  readonly minNotional?: string;
  /** Base units per contract for perpetuals ('1' for spot and most linear perps). */
  readonly contractSize?: string;
  /** Fee rates as decimal fractions, '0.001' = 10 bps; negative maker = rebate. */
  readonly makerFee?: string;
  readonly takerFee?: string;
  readonly feeTiers?: readonly FeeTier[];
  /** Max leverage the venue allows (perpetuals); spot defaults to 1. */
  readonly maxLeverage?: number;
  /** Smallest and largest order quantity the venue accepts (LOT_SIZE); '0' = no limit. */
  readonly minQty?: string;
  readonly maxQty?: string;
  /**
   * Price band (PERCENT_PRICE): a limit price must lie within [down × ref, up × ref] of the reference
   * (last / mark) price, e.g. up '5', down '0.2'. '0' = no band.
   */
  readonly priceBandUp?: string;
  readonly priceBandDown?: string;
  /** Perpetual maintenance margin tiers (leverage brackets), by position notional; none = one 0.5 % tier. */
  readonly marginTiers?: readonly MarginTier[];
}

/** One leverage bracket: up to `maxNotional` (quote; '0' = unbounded) this maintenance rate and max leverage. */
export interface MarginTier {
  readonly maxNotional: string;
  readonly maintenanceRate: string;
  readonly maxLeverage: number;
}

export interface Instrument extends Required<Omit<InstrumentSpec, 'feeTiers' | 'marginTiers'>> {
  readonly feeTiers: readonly FeeTier[];
  readonly marginTiers: readonly MarginTier[];
  /** minQty / maxQty in lots (0 / MAX_SAFE_INTEGER = no limit: instruments go into audited, canonical JSON, which has no Infinity); band multipliers as floats (0 = no band). */
  readonly minQtyLots: Lots;
  readonly maxQtyLots: Lots;
  readonly bandUpF: number;
  readonly bandDownF: number;
  /** Settlement currency: quote for spot and linear perpetuals. */
  readonly settle: string;
  readonly tick: Money;
  readonly lot: Money;
  readonly contract: Money;
  /** Money of one tick × one lot × contract size. */
  readonly notionalUnit: Money;
  readonly minNotionalMoney: Money;
  readonly makerRate: Money;
  readonly takerRate: Money;
  /** Float views for indicators and quick float-side checks; never used in the ledger. */
  readonly tickF: number;
  readonly lotF: number;
  readonly notionalUnitF: number;
  readonly priceDecimals: number;
  readonly qtyDecimals: number;
}

export function defineInstrument(spec: InstrumentSpec): Instrument {
  const issues: { path: string; message: string }[] = [];
  const pos = (k: string, v: string | undefined, allowZero = false): Money => {
    try {
      const m = money(v ?? '0');
      if (m < 0n || (!allowZero && m === 0n)) issues.push({ path: k, message: 'must be positive' });
      return m;
    } catch {
      issues.push({ path: k, message: `not a decimal: ${String(v)}` });
      return 1n;
    }
  };
  const tick = pos('tickSize', spec.tickSize);
  const lot = pos('lotSize', spec.lotSize);
  const contract = pos('contractSize', spec.contractSize ?? '1');
  const minNotionalMoney = pos('minNotional', spec.minNotional ?? '0', true);
  const minQty = pos('minQty', spec.minQty ?? '0', true);
  const maxQty = pos('maxQty', spec.maxQty ?? '0', true);
  const bandUp = pos('priceBandUp', spec.priceBandUp ?? '0', true);
  const bandDown = pos('priceBandDown', spec.priceBandDown ?? '0', true);
  const makerRate = money(spec.makerFee ?? '0');
  const takerRate = money(spec.takerFee ?? '0');
  if (!spec.symbol) issues.push({ path: 'symbol', message: 'required' });
  if (spec.kind !== 'spot' && spec.kind !== 'perpetual') issues.push({ path: 'kind', message: 'spot or perpetual' });
  if (issues.length) throw new ValidationError(`invalid instrument ${spec.symbol}`, issues);
  const unit2 = tick * lot * contract;
  let notionalUnit: Money;
  try {
    notionalUnit = divRound(unit2, MONEY_SCALE * MONEY_SCALE, 'exact');
  } catch {
    throw new ValidationError(`tick × lot × contract of ${spec.symbol} needs more than 18 decimals`);
  }
  const decimals = (s: string): number => (s.split('.')[1] ?? '').replace(/0+$/, '').length;
  return {
    symbol: spec.symbol,
    venue: spec.venue,
    base: spec.base,
    quote: spec.quote,
    kind: spec.kind,
    tickSize: moneyToString(tick),
    lotSize: moneyToString(lot),
    minNotional: moneyToString(minNotionalMoney),
    contractSize: moneyToString(contract),
    makerFee: moneyToString(makerRate),
    takerFee: moneyToString(takerRate),
    maxLeverage: spec.maxLeverage ?? (spec.kind === 'spot' ? 1 : 20),
    feeTiers: spec.feeTiers ?? [],
    minQty: moneyToString(minQty),
    maxQty: moneyToString(maxQty),
    priceBandUp: moneyToString(bandUp),
    priceBandDown: moneyToString(bandDown),
    marginTiers: spec.marginTiers ?? [],
    // Quantity limits on the lot grid: a minimum rounds up to a whole lot, a maximum down.
    minQtyLots: minQty === 0n ? 0 : Number((minQty + lot - 1n) / lot),
    maxQtyLots: maxQty === 0n ? Number.MAX_SAFE_INTEGER : Number(maxQty / lot),
    bandUpF: Number(moneyToString(bandUp)),
    bandDownF: Number(moneyToString(bandDown)),
    settle: spec.quote,
    tick, lot, contract, notionalUnit, minNotionalMoney, makerRate, takerRate,
    tickF: Number(moneyToString(tick)),
    lotF: Number(moneyToString(lot)),
    notionalUnitF: Number(moneyToString(notionalUnit)),
    priceDecimals: decimals(moneyToString(tick)),
    qtyDecimals: decimals(moneyToString(lot)),
  };
}

/** Exact notional of `lots` at `ticks`, in the settlement currency. */
export function notional(inst: Instrument, ticks: Ticks, lots: Lots): Money {
  // An integer product that is a safe integer as a double IS the exact product (rounding is monotonic and
  // 2^53 is representable): one BigInt conversion and one multiplication instead of two and two.
  const u = ticks * lots;
  return Number.isSafeInteger(u) ? BigInt(u) * inst.notionalUnit : BigInt(ticks) * BigInt(lots) * inst.notionalUnit;
}

/** Decimal price text → ticks. 'exact' (default) refuses off-grid prices instead of silently moving them. */
export function priceToTicks(inst: Instrument, price: string, mode: Rounding = 'exact'): Ticks {
  return toGrid(money(price), inst.tick, mode, 'price', price);
}

export function qtyToLots(inst: Instrument, qty: string, mode: Rounding = 'exact'): Lots {
  return toGrid(money(qty), inst.lot, mode, 'quantity', qty);
}

export function ticksToPrice(inst: Instrument, ticks: Ticks): string {
  return moneyToString(BigInt(ticks) * inst.tick);
}

export function lotsToQty(inst: Instrument, lots: Lots): string {
  return moneyToString(BigInt(lots) * inst.lot);
}

/**
 * Float price (from market data or an indicator) → ticks. Binary noise within 1e-9 of a grid point snaps to
 * it (123.45 / 0.01 = 12344.999999999998 is 12345 ticks); anything else is rounded by `mode`.
 */
export function floatToTicks(inst: Instrument, price: number, mode: Exclude<Rounding, 'exact'> = 'half-even'): Ticks {
  return snap(price / inst.tickF, mode);
}

export function floatToLots(inst: Instrument, qty: number, mode: Exclude<Rounding, 'exact'> = 'floor'): Lots {
  return snap(qty / inst.lotF, mode);
}

export function snap(q: number, mode: Exclude<Rounding, 'exact'>): number {
  const r = Math.round(q);
  if (Math.abs(q - r) <= 1e-9 * Math.max(1, Math.abs(q))) return r;
  switch (mode) {
    case 'floor': return Math.floor(q);
    case 'ceil': return Math.ceil(q);
    case 'trunc': return Math.trunc(q);
    case 'half-up': return Math.sign(q) * Math.floor(Math.abs(q) + 0.5);
    case 'half-even': {
      const f = Math.floor(q);
      const d = q - f;
      return d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
    }
  }
}

function toGrid(m: Money, step: Money, mode: Rounding, what: string, text: string): number {
  let n: bigint;
  try {
    n = divRound(m, step, mode);
  } catch {
    // The exchange's own name for the refusal (Binance's filter), so a paper refusal reads like the venue's.
    const filter = what === 'price' ? 'PRICE_FILTER' : 'LOT_SIZE';
    throw new ValidationError(`${what} ${text} is not a multiple of ${moneyToString(step)} (Filter failure: ${filter})`, [{ path: what, message: 'off the instrument grid' }]);
  }
  const v = Number(n);
  if (!Number.isSafeInteger(v)) throw new ValidationError(`${what} ${text} is out of range`);
  return v;
}
