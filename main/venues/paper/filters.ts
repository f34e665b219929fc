/**
 * The exchange's order filters, as a venue applies them when an order arrives: quantity limits (LOT_SIZE),
 * minimum order value (NOTIONAL, at the limit price, else the trigger, else the price the order would
 * trade at now) and the price band around the reference price (PERCENT_PRICE). The reason is the
 * exchange's own wording, so a paper refusal reads as the live one would. Grid (tick / lot) refusals happen
 * earlier, when the decimal ticket becomes ticks and lots (`priceToTicks` / `qtyToLots`).
 */
import type { Instrument, Order, Ticks } from '../../core/model/index.ts';
import { notional } from '../../core/model/index.ts';

/** Why the exchange refuses `order` (undefined: it passes). `ref`: price the order would trade at now (NaN unknown). */
export function filterRefusal(inst: Instrument, order: Readonly<Order>, ref: Ticks, minNotional: boolean): string | undefined {
  if (order.qty < inst.minQtyLots || order.qty > inst.maxQtyLots) return 'Filter failure: LOT_SIZE';
  const px = order.price ?? order.triggerPrice ?? ref;
  if (minNotional && inst.minNotionalMoney > 0n && px === px && !order.reduceOnly && notional(inst, px, order.qty) < inst.minNotionalMoney) return 'Filter failure: NOTIONAL';
  if (order.price !== undefined && ref === ref && ref > 0) {
    if (inst.bandUpF > 0 && order.price > ref * inst.bandUpF) return 'Filter failure: PERCENT_PRICE';
    if (inst.bandDownF > 0 && order.price < ref * inst.bandDownF) return 'Filter failure: PERCENT_PRICE';
  }
  return undefined;
}
