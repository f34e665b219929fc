/**
 * An amend (contract, decimal strings) → the engine's change (integer ticks and lots), exactly: an amend
 * names the new price or size, so it is refused off the instrument's grid rather than snapped.
 */
import { ValidationError } from '../../core/errors.ts';
import type { Instrument, Money } from '../../core/model/index.ts';
import type { OrderAmend } from '../../core/ports.ts';
import { toSteps } from './ticket.ts';

export interface AmendRequest {
  readonly price?: string | undefined;
  readonly triggerPrice?: string | undefined;
  readonly qty?: string | undefined;
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
