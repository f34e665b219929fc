/**
 * Changing a perpetual's leverage or margin mode, with the rules a USDⓈ-M venue (Binance) applies, and its
 * refusals in the venue's words (its error code in `details.venueCode`):
 *
 * - leverage is a whole number from 1 to the symbol's max (the first bracket's): -4028 "Leverage N is not valid";
 * - the position plus working orders must fit the bracket of the new leverage (the notional a leverage allows
 *   shrinks as the leverage grows): -2027 "Exceeded the maximum allowable position at current leverage.";
 * - an isolated position's leverage may only be raised while it is open: -4161;
 * - in cross mode, a lower leverage needs the extra initial margin free in the equity: -2019 "Margin is insufficient.";
 * - the margin mode changes only with no position and no working order: -4048 / -4047.
 *
 * Isolated margin here is always entry notional / leverage (there is no add/remove margin), so a leverage
 * raise on an open isolated position moves its liquidation price toward the entry; in cross mode the
 * liquidation price does not depend on the leverage, only the initial margin does.
 */
import { ValidationError, VenueRejectedError } from '../errors.ts';
import { moneyToString, type Instrument, type Money } from '../model/index.ts';
import { brackets, bracketFor, initialMargin, type MarginMode } from './margin.ts';

export interface SymbolMargin {
  readonly mode: MarginMode;
  readonly leverage: number;
}

/** What the rules look at: the symbol's position and working orders, and the account's free equity. */
export interface MarginChangeContext {
  readonly inst: Instrument;
  readonly current: SymbolMargin;
  /** Signed position size in lots (0 = flat). */
  readonly qty: number;
  /** |position| notional at the mark plus the working orders' remaining notional (Money). */
  readonly notional: Money;
  readonly workingOrders: number;
  /** Cross mode: equity less the initial margin of everything else the account holds (Money). */
  readonly freeEquity: Money;
}

/** The highest leverage the venue allows on the symbol (its first bracket's). */
export function maxLeverageOf(inst: Instrument): number {
  return brackets(inst).reduce((m, b) => Math.max(m, b.maxLeverage), 0) || inst.maxLeverage;
}

/** The largest notional a position may have at `leverage` (Money; undefined = no bound). */
export function maxNotionalAt(inst: Instrument, leverage: number): Money | undefined {
  let out: Money | undefined = 0n;
  for (const b of brackets(inst)) {
    if (b.maxLeverage < leverage) continue;
    if (b.max === 0n) return undefined;
    if (b.max > out!) out = b.max;
  }
  return out;
}

const refuse = (venueCode: number, message: string, details: Record<string, unknown>): VenueRejectedError => new VenueRejectedError(message, { venueCode, ...details });

/** The symbol's margin after `to`, or the venue's refusal. Unchanged fields keep their value. */
export function changeMargin(ctx: MarginChangeContext, to: { readonly mode?: MarginMode | undefined; readonly leverage?: number | undefined }): SymbolMargin {
  const { inst, current } = ctx;
  const symbol = inst.symbol;
  if (inst.kind !== 'perpetual') throw new ValidationError(`${symbol} is not a perpetual: it has no leverage or margin mode`, [{ path: 'symbol', message: 'not a perpetual' }]);
  const mode = to.mode ?? current.mode;
  const leverage = to.leverage ?? current.leverage;
  if (mode !== current.mode) {
    if (ctx.qty !== 0) throw refuse(-4048, `Margin type cannot be changed if there exists position (${symbol}).`, { symbol, from: current.mode, to: mode });
    if (ctx.workingOrders > 0) throw refuse(-4047, `Margin type cannot be changed if there exists open orders (${symbol}: ${ctx.workingOrders}).`, { symbol, from: current.mode, to: mode });
  }
  if (leverage === current.leverage) return { mode, leverage };
  const max = maxLeverageOf(inst);
  if (!Number.isInteger(leverage) || leverage < 1 || leverage > max) {
    throw refuse(-4028, `Leverage ${leverage} is not valid: ${symbol} takes a whole number from 1 to ${max}.`, { symbol, leverage, maxLeverage: max });
  }
  if (bracketFor(inst, ctx.notional).maxLeverage < leverage) {
    const cap = maxNotionalAt(inst, leverage);
    throw refuse(-2027, `Exceeded the maximum allowable position at current leverage: ${symbol} at ${leverage}× allows a notional of at most ${cap === undefined ? 'any' : moneyInt(cap)}.`, { symbol, leverage, maxNotional: cap === undefined ? null : moneyInt(cap) });
  }
  if (ctx.qty !== 0 && leverage < current.leverage) {
    if (mode === 'isolated') throw refuse(-4161, `Leverage reduction is not supported in Isolated Margin Mode with open positions (${symbol}).`, { symbol, from: current.leverage, to: leverage });
    if (initialMargin(ctx.notional, leverage) > ctx.freeEquity) throw refuse(-2019, `Margin is insufficient: ${symbol} at ${leverage}× needs more initial margin than the account has free.`, { symbol, leverage });
  }
  return { mode, leverage };
}

const moneyInt = (m: Money): string => moneyToString(m, 0);
