/**
 * Kestrel Sim's USDⓈ-M notional and leverage brackets, in Binance's shape (GET /fapi/v1/leverageBracket):
 * several tiers per symbol, each with the highest initial leverage a position up to its notional cap may use
 * and its maintenance margin ratio. The tiers follow the structure Binance publishes (majors from 125×, alts
 * from 75×, down to 1× for the largest positions); the figures are the sim's own recipe.
 *
 * What they govern, as on Binance:
 * - a leverage above the first tier's initialLeverage is -4028;
 * - a position (plus its open orders) may not exceed the cap of the highest tier whose leverage is at least the
 *   position's leverage: -2027 "Exceeded the maximum allowable position at current leverage." — when the
 *   leverage is set (POST /fapi/v1/leverage) and when an order would grow the position past it.
 */
import { money, MONEY_SCALE, type Money } from '../../core/model/money.ts';
import { abs, mul, type Side, type SimAccount } from './sim-account.ts';

/** [initialLeverage, notionalCap (USDT), maintMarginRatio] from the smallest tier up. */
type Tier = readonly [number, number, string];

const MAJOR: readonly Tier[] = [
  [125, 50_000, '0.004'], [100, 600_000, '0.005'], [75, 3_000_000, '0.0065'], [50, 12_000_000, '0.01'], [25, 70_000_000, '0.02'], [20, 100_000_000, '0.025'],
  [10, 230_000_000, '0.05'], [5, 480_000_000, '0.1'], [4, 600_000_000, '0.125'], [3, 800_000_000, '0.15'], [2, 1_200_000_000, '0.25'], [1, 1_800_000_000, '0.5'],
];
const ALT: readonly Tier[] = [
  [75, 5_000, '0.005'], [50, 50_000, '0.01'], [25, 250_000, '0.02'], [20, 1_000_000, '0.025'], [10, 5_000_000, '0.05'], [5, 10_000_000, '0.1'],
  [4, 12_500_000, '0.125'], [3, 25_000_000, '0.15'], [2, 50_000_000, '0.25'], [1, 100_000_000, '0.5'],
];

export interface SimBracket {
  readonly bracket: number;
  readonly initialLeverage: number;
  readonly notionalCap: number;
  readonly notionalFloor: number;
  readonly maintMarginRatio: number;
  /** Maintenance amount: Σ over lower tiers of floor × (this ratio − that ratio), so the tiers join without a jump. */
  readonly cum: number;
}

const cache = new Map<string, readonly SimBracket[]>();

/** The symbol's tiers (BTC and ETH pairs: the major table; every other symbol: the alt table). */
export function bracketsOf(symbolId: string): readonly SimBracket[] {
  let out = cache.get(symbolId);
  if (out) return out;
  const table = /^(BTC|ETH)/.test(symbolId) ? MAJOR : ALT;
  const rows: SimBracket[] = [];
  let floor = 0;
  let prevRate = 0n;
  let cum = 0n;
  table.forEach(([lev, cap, rate], k) => {
    const r = money(rate);
    cum += (BigInt(floor) * (r - prevRate));
    rows.push({ bracket: k + 1, initialLeverage: lev, notionalCap: cap, notionalFloor: floor, maintMarginRatio: Number(rate), cum: Number(cum) / Number(MONEY_SCALE) });
    floor = cap;
    prevRate = r;
  });
  out = rows;
  cache.set(symbolId, out);
  return out;
}

/** The highest leverage the symbol allows (its first tier's). */
export function maxLeverageOf(symbolId: string): number {
  return bracketsOf(symbolId)[0]!.initialLeverage;
}

/** The largest position notional (Money) at `leverage`: the cap of the highest tier that still allows it. */
export function maxNotionalAt(symbolId: string, leverage: number): Money {
  let cap = 0;
  for (const b of bracketsOf(symbolId)) if (b.initialLeverage >= leverage) cap = Math.max(cap, b.notionalCap);
  return money(cap);
}

export const EXCEEDED_AT_LEVERAGE = { code: -2027, msg: 'Exceeded the maximum allowable position at current leverage.' } as const;

/**
 * A symbol's position notional at its worst (Money): the position at the mark plus every open buy, or less every
 * open sell, whichever is larger in size; `extra` is an order being placed. Orders count at their price (a market
 * order at the mark).
 */
export function positionExposure(a: SimAccount, symbolId: string, mark: Money, extra?: { side: Side; qty: Money; price: Money }): Money {
  const pos = a.positions.get(symbolId);
  const base = pos ? mul(mark, pos.amt) : 0n;
  let buys = 0n;
  let sells = 0n;
  const add = (side: Side, qty: Money, price: Money) => {
    const n = mul(price > 0n ? price : mark, qty);
    if (side === 'BUY') buys += n;
    else sells += n;
  };
  for (const o of a.openOrders('futures', symbolId)) if (!o.reduceOnly && !o.closePosition) add(o.side, o.origQty - o.executedQty, o.price);
  if (extra) add(extra.side, extra.qty, extra.price);
  const hi = abs(base + buys);
  const lo = abs(base - sells);
  return hi > lo ? hi : lo;
}
