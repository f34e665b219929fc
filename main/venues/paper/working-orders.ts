/**
 * The paper venue's list of working orders (paper-venue.ts): lookup, removal, the orders a book update must
 * step, amends landing, and the order the intrabar path executes them in. Plain functions over the venue's
 * arrays (no Map by id, no splice, reused scratch arrays): they run per order and per market event, and a
 * module-level function costs the hot path nothing a method would not.
 */
import type { OrderBookUpdate, Ticks } from '../../core/model/index.ts';
import type { VenueEvent } from '../../core/ports.ts';
import type { Working } from './matching.ts';

/**
 * The working order with this id. A scan of the (few) live orders rather than a Map by id: a map that gains
 * and loses one entry per order reallocates its table over and over on the hot path.
 */
export function findWorking(a: readonly Working[], clientOrderId: string): Working | undefined {
  for (let k = 0; k < a.length; k++) if (a[k]!.order.clientOrderId === clientOrderId) return a[k];
  return undefined;
}

/** Takes `w` out of the list. Shift down and pop, not splice: splice allocates an array of the removed elements on every call. */
export function dropWorking(a: Working[], w: Working): void {
  const i = a.indexOf(w);
  if (i >= 0) {
    for (let k = i; k < a.length - 1; k++) a[k] = a[k + 1]!;
    a.pop();
  }
}

/**
 * Of `from`, the orders of `st`'s instrument a book update must step, in arrival order, into `out` (emptied
 * first, returned). A limit already resting in its queue only needs a delta when it touches its own level
 * (`touched`) or the other side reaches its price: most deltas touch one level, often none of ours.
 */
export function bookOrdersOf(from: readonly Working[], out: Working[], inst: Working['inst'], u: OrderBookUpdate, bid: Ticks, ask: Ticks, touched: readonly number[]): Working[] {
  const delta = u.kind === 'delta';
  // Emptied by pop(), not `length = 0` (which frees the backing store, so the next push allocates again).
  while (out.length) out.pop();
  for (let k = 0; k < from.length; k++) {
    const w = from[k]!;
    if (w.inst !== inst || w.canceled || w.activeFrom > u.ts) continue;
    if (delta && w.queueAhead >= 0 && w.arrived && w.triggered && !w.market) {
      const opp = w.s > 0 ? ask : bid;
      if (!(opp === opp && w.s * opp <= w.limY)) {
        let at = false;
        for (let j = 0; j < touched.length && !at; j++) at = touched[j] === w.limY;
        if (!at) continue;
      }
    }
    out.push(w);
  }
  return out;
}

/**
 * An amend reaching the venue, applied to `w`; returns the event to report. A new price, or a larger size,
 * goes to the back of the queue at the price; a smaller size keeps its place (as venues treat a quantity
 * reduction).
 */
export function amendWorking(w: Working, qtyIn: number | undefined, price: number | undefined, trigger: number | undefined, ts: number): VenueEvent {
  const clientOrderId = w.order.clientOrderId;
  const filled = w.order.qty - w.remaining;
  const qty = qtyIn ?? w.order.qty;
  if (qty <= filled) return { kind: 'amend-rejected', clientOrderId, reason: 'qty_not_above_filled', ts };
  const before = w.remaining;
  w.remaining = qty - filled;
  if (price !== undefined && w.s * price !== w.limY) {
    w.limY = w.s * price;
    w.queueAhead = -1;
  } else if (w.remaining > before) w.queueAhead = -1;
  if (trigger !== undefined && !w.triggered) w.trigY = w.s * trigger;
  return {
    kind: 'amended', clientOrderId, qty, ts,
    price: w.limY === Infinity ? undefined : w.s * w.limY,
    triggerPrice: w.trigY === Infinity ? undefined : w.s * w.trigY,
  };
}

/** A delayed amend's field: NaN stands for "not changed". */
export const nan = (x: number): number | undefined => (x === x ? x : undefined);

/** Path time of an order's event: its fill, or its trigger when it only triggered. */
export function evKey(w: Working): number {
  return w.evT !== Infinity ? w.evT : w.evTrigT;
}

// Module-level (not closures inside onBar): a closure capturing a local makes V8 allocate a context on
// EVERY call of the enclosing function, even calls that return early — i.e. once per candle.
export function byEventTime(a: Working, b: Working): number {
  return evKey(a) - evKey(b) || a.seq - b.seq;
}
