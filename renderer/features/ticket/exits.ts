/**
 * Take-profit and stop-loss entered as a distance from the entry (ticks, percent, or money at the order's
 * quantity) turned into the price that is sent, and the projected P&L at each. Display arithmetic on floats,
 * snapped to the tick: the trader sees the price before the preview, and the host checks it again.
 */
import type { Side } from '../../../main/contract/trading.ts';
import { isDecimal, numberProblem, snapToTick } from './logic.ts';

export type ExitUnit = 'price' | 'ticks' | 'pct' | 'money';
export const EXIT_UNITS: readonly { id: ExitUnit; label: string }[] = [
  { id: 'price', label: 'price' },
  { id: 'ticks', label: 'ticks' },
  { id: 'pct', label: '%' },
  { id: 'money', label: 'money' },
];

export interface ExitInput {
  side: Side;
  kind: 'tp' | 'sl';
  /** Entry price (the limit, or the last price for a market entry). */
  entry: string;
  value: string;
  unit: Exclude<ExitUnit, 'price'>;
  tick: string;
  qty: string;
}

/** Decimals of a decimal string's fraction. */
const dp = (s: string) => (s.includes('.') ? s.split('.')[1]!.length : 0);

/** The exit price `value` away from the entry on the side that makes it a profit (TP) or a loss (SL). */
export function exitPrice(x: ExitInput): { price: string } | { problem: string } {
  const what = x.unit === 'ticks' ? 'number of ticks' : x.unit === 'pct' ? 'percentage' : 'amount';
  const bad = numberProblem(x.value, what);
  if (bad) return { problem: bad };
  if (!isDecimal(x.entry) || Number(x.entry) <= 0) return { problem: 'Needs an entry price first' };
  const v = Number(x.value);
  let dist: number;
  if (x.unit === 'ticks') dist = v * Number(x.tick);
  else if (x.unit === 'pct') dist = (Number(x.entry) * v) / 100;
  else {
    if (!isDecimal(x.qty) || Number(x.qty) <= 0) return { problem: 'Needs a quantity first (money is per the order’s quantity)' };
    dist = v / Number(x.qty);
  }
  const up = (x.side === 'buy') === (x.kind === 'tp');
  const p = Number(x.entry) + (up ? dist : -dist);
  if (!(p > 0)) return { problem: `That puts the ${x.kind === 'tp' ? 'take profit' : 'stop loss'} at or below zero` };
  const price = snapToTick(p.toFixed(Math.max(dp(x.tick), 2) + 2), x.tick);
  if (Number(price) === Number(x.entry)) return { problem: 'Less than one tick from the entry' };
  return { price };
}

/** P&L before fees if the position opened at `entry` closes at `exit` (quote currency). */
export function projectedPnl(side: Side, entry: string, exit: string, qty: string): number | null {
  if (![entry, exit, qty].every((s) => isDecimal(s))) return null;
  return (Number(exit) - Number(entry)) * Number(qty) * (side === 'buy' ? 1 : -1);
}

/** The quantity a share of equity buys at `price`, on the lot (an estimate to show while typing; the preview computes it). */
export function estimateQty(pct: string, equity: string | undefined, price: string | undefined, lot: string): string | null {
  if (!isDecimal(pct) || !equity || !price || !isDecimal(price) || Number(price) <= 0 || !isDecimal(lot) || Number(lot) <= 0) return null;
  const lots = Math.floor((Number(pct) / 100) * Number(equity) / Number(price) / Number(lot) + 1e-9);
  return lots > 0 ? (lots * Number(lot)).toFixed(dp(lot)) : '0';
}

/**
 * The largest order the account's funds allow at `price`, on the lot (the ticket's "at most ≈"). Spot: the free
 * quote over the price. Perpetual: the available margin (equity less the margin in use) carries leverage × itself of
 * notional, less the taker fee on that notional: |qty| × price × (1 / leverage + fee) ≤ available.
 */
export function maxOrderQty(x: { available: string | undefined; price: string | undefined; lot: string; perpetual?: { leverage: number; takerFee: string } }): string | null {
  const { available, price, lot } = x;
  if (!available || !isDecimal(available) || !price || !isDecimal(price) || Number(price) <= 0 || !isDecimal(lot) || Number(lot) <= 0) return null;
  const perp = x.perpetual;
  if (perp && (!(perp.leverage >= 1) || !isDecimal(perp.takerFee))) return null;
  const perUnit = perp ? Number(price) * (1 / perp.leverage + Number(perp.takerFee)) : Number(price);
  const lots = Math.floor(Number(available) / perUnit / Number(lot) + 1e-9);
  return lots > 0 ? (lots * Number(lot)).toFixed(dp(lot)) : '0';
}
