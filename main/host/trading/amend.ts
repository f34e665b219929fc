/**
 * An amend (contract, decimal strings) → the engine's change (integer ticks and lots), exactly: an amend
 * names the new price or size, so it is refused off the instrument's grid rather than snapped.
 */
import { ValidationError } from '../../core/errors.ts';
import type { Instrument, Money, Order } from '../../core/model/index.ts';
import type { OrderAmend } from '../../core/ports.ts';
import { crossedTrigger, toSteps, triggerNowIssue } from './ticket.ts';

export interface AmendRequest {
  readonly price?: string | undefined;
  readonly triggerPrice?: string | undefined;
  readonly qty?: string | undefined;
  /** The trader confirmed that the new trigger fires at once (see checkAmendTrigger). */
  readonly confirmTriggerNow?: boolean | undefined;
}

export function parseAmend(a: AmendRequest, inst: Instrument): OrderAmend {
  const exact = (field: string, text: string, step: Money): number => {
    const r = toSteps(field, text, step, 'exact');
    if ('issue' in r) throw new ValidationError(`Invalid amend for ${inst.symbol}: ${field} ${r.issue.message}`, [r.issue]);
    return r.steps;
  };
  const out: { -readonly [K in keyof OrderAmend]: OrderAmend[K] } = {};
  if (a.price !== undefined) out.price = exact('price', a.price, inst.tick);
  if (a.triggerPrice !== undefined) out.triggerPrice = exact('triggerPrice', a.triggerPrice, inst.tick);
  if (a.qty !== undefined) out.qty = exact('qty', a.qty, inst.lot);
  if (out.price === undefined && out.triggerPrice === undefined && out.qty === undefined) {
    throw new ValidationError('Nothing to amend: give a price, trigger price or quantity', [{ path: 'price', message: 'give price, triggerPrice or qty' }]);
  }
  return out;
}

/**
 * A stop (not yet triggered) moved to a trigger the market has already crossed would fire the moment the
 * venue hears of it: refused unless the trader confirmed exactly that, as at submit (exchanges and MT5 do too).
 */
export function checkAmendTrigger(o: Order, change: OrderAmend, inst: Instrument, lastTicks: number, confirmed: boolean): void {
  if (confirmed || change.triggerPrice === undefined || o.state === 'triggered') return;
  const moved = { ...o, triggerPrice: change.triggerPrice };
  if (!crossedTrigger(moved, lastTicks)) return;
  const issue = triggerNowIssue(inst, moved, lastTicks);
  throw new ValidationError(`Invalid amend for ${inst.symbol}: trigger price ${issue.message}`, [issue], { triggersNow: true });
}
