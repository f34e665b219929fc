/**
 * The money side of spot fills in the paper venue (paper-venue.ts, header "Spot funds"): what a buy costs with
 * its fee, how many lots the cash pays for, and the balances view of free / reserved per asset. Pure functions
 * of what the venue hands them (the cash already includes the running pass's fills), so the venue's fill path
 * calls them directly, with no object or closure in between.
 */
import type { Instrument, Money } from '../../core/model/index.ts';
import { MONEY_SCALE, mulRate, notional } from '../../core/model/index.ts';
import type { Working } from './matching.ts';
import { SpotBalances, type SpotBalanceView } from './spot-balances.ts';
import type { SymState } from './sym-state.ts';

/** Cost of buying `lots` at `ticks` with its fee (the fee model's rounding: ceil). */
export function buyCost(inst: Instrument, ticks: number, lots: number, rate: Money): Money {
  const n = notional(inst, ticks, lots);
  return n + mulRate(n, rate, 'ceil');
}

/**
 * The lots of a spot buy of `q` at `ticks` that `cash` pays for at fee `rate`; the part covering a short
 * (`pos` < 0) always passes (paying back a borrow).
 */
export function affordableLots(inst: Instrument, ticks: number, q: number, rate: Money, cash: Money, pos: number): number {
  if (buyCost(inst, ticks, q, rate) <= cash) return q;
  const cover = pos < 0 ? Math.min(q, -pos) : 0;
  const perLot = BigInt(ticks) * inst.notionalUnit;
  if (cash <= 0n || perLot <= 0n) return cover;
  // Largest n with n·perLot·(1 + rate) ≤ cash, then stepped down past the fee's ceil rounding.
  let n = Number((cash * MONEY_SCALE) / (perLot * (MONEY_SCALE + rate)));
  n = Math.min(n, q);
  while (n > cover && buyCost(inst, ticks, n, rate) > cash) n--;
  return Math.max(n, cover);
}

/** Spot balances per asset of the venue's instruments: total (the ledger's), reserved by working orders, free. */
export function spotBalanceView(
  states: Iterable<SymState>,
  working: readonly Working[],
  funds: (currency: string) => Money,
  spot: SpotBalances,
  refTicks: (w: Working) => number,
): SpotBalanceView[] {
  const total = new Map<string, Money>();
  const reserved = new Map<string, Money>();
  for (const st of states) {
    const inst = st.inst;
    if (inst.kind !== 'spot') continue;
    const r = SpotBalances.reserved(working, inst.quote, inst.symbol, refTicks);
    total.set(inst.quote, funds(inst.quote));
    reserved.set(inst.quote, r.quote);
    total.set(inst.base, BigInt(spot.held(inst.symbol, 0)) * inst.lot);
    reserved.set(inst.base, BigInt(r.base) * inst.lot);
  }
  return SpotBalances.view(total, reserved);
}
