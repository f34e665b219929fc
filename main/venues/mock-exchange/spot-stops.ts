/**
 * Kestrel Sim's spot stop-limit orders, as Binance spot has them: STOP_LOSS_LIMIT and TAKE_PROFIT_LIMIT wait,
 * funds locked, until the LAST TRADE PRICE reaches `stopPrice`, then work as a LIMIT order at `price` (taking
 * what crosses, resting the rest). A stop-loss sells when the price falls to its stop and buys when it rises to
 * it; a take-profit the other way. An order whose stop the last price has already reached is refused at once
 * (-2010 "Stop price would trigger immediately."), as is a stop price on an order type that has none (-1106).
 * The market forms (STOP_LOSS, TAKE_PROFIT) are not offered: the sim's spot symbols do not list them, like many
 * of Binance's.
 */
import type { Money } from '../../core/model/money.ts';
import { fail, type ApiFailure } from './signing.ts';
import type { Side } from './sim-account.ts';

export const SPOT_STOPS: ReadonlySet<string> = new Set(['STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT']);

/** Where the last price must be for the stop to fire: at or below it (falling) or at or above it (rising). */
function firesFalling(type: string, side: Side): boolean {
  const stopLoss = type === 'STOP_LOSS_LIMIT' || type === 'STOP_MARKET';
  return (side === 'SELL') === stopLoss;
}

/** Whether prints between `low` and `high` reach a conditional order's trigger (spot stop-limits and futures stops alike). */
export function stopReached(type: string, side: Side, stop: Money, low: Money, high: Money): boolean {
  return firesFalling(type, side) ? low <= stop : high >= stop;
}

/**
 * Binance's checks of a spot order's stop fields, before the filters: the parameters a stop-limit must carry
 * (-1102), a stop price where the type takes none (-1106), and, given the last trade price, a stop that would
 * fire at once (-2010). `undefined` when the order may go on.
 */
export function checkSpotStop(r: { readonly type: string; readonly side: Side; readonly timeInForce?: string; readonly price?: Money; readonly stopPrice?: Money }): ApiFailure | undefined {
  if (!SPOT_STOPS.has(r.type)) return r.stopPrice !== undefined ? fail(-1106, "Parameter 'stopPrice' sent when not required.") : undefined;
  if (!r.timeInForce || !['GTC', 'IOC', 'FOK'].includes(r.timeInForce)) return fail(-1102, "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.");
  if (r.price === undefined || r.price <= 0n) return fail(-1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed.");
  if (r.stopPrice === undefined || r.stopPrice <= 0n) return fail(-1102, "Mandatory parameter 'stopPrice' was not sent, was empty/null, or malformed.");
  return undefined;
}

export const WOULD_TRIGGER = fail(-2010, 'Stop price would trigger immediately.');

/** Whether a stop placed now, with the last trade at `last`, would fire at once. */
export function triggersNow(type: string, side: Side, stop: Money, last: Money): boolean {
  return stopReached(type, side, stop, last, last);
}
