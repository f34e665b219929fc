/**
 * The book-aware fill model: how the paper venue matches once it keeps an L2 book for a symbol (any
 * `onBook` update switches the symbol to it; symbols without a book keep the candle / print rules of
 * matching.ts unchanged). The rules, written out with worked examples in FILLS.md:
 *
 * - A TAKER (market order, a limit marketable on its first event after the submit latency, a stop once
 *   triggered) walks the displayed opposite levels best first, one fill per level, never beyond its limit,
 *   each level's size counted once across all our orders (book.ts). The fill carries the touch (the best
 *   available opposite price when it walked) so the slippage against it is reported. What the book cannot
 *   fill waits for the next event (IOC / FOK: expire).
 * - A RESTING LIMIT joins the queue behind the size displayed at its price when it arrives (`queueAhead`);
 *   the queue ahead only shrinks: by prints at its price, and when the level's displayed size drops below it.
 *   A print AT its price first works off the queue ahead, the rest fills it; a print THROUGH its price
 *   (the level was cleared) fills it up to the print's size; a book whose opposite side reaches its price
 *   fills it from that side's available size after the queue ahead. Always at its own limit, as maker.
 *   One print's size is shared by all our orders: queue fills never exceed what traded.
 * - Triggers (stop / take-profit / trailing) use the print on a trade, the touch on a book update.
 */
import type { Lots, Ticks } from '../../core/model/index.ts';
import type { VenueEvent } from '../../core/ports.ts';
import type { Working } from './matching.ts';
import { TRIG_TP, TRIG_TRAIL } from './matching.ts';
import type { SymState } from './sym-state.ts';

/** What the venue lends the book model (paper-venue.ts implements it). */
export interface BookHost {
  emit(e: VenueEvent): void;
  remove(w: Working, how: 'canceled' | 'expired', reason: string, ts: number): void;
  reportTrail(w: Working, ts: number): void;
  /**
   * How many of `want` lots at `price` this order may fill now (reduce-only, spot funds); 0 after removing
   * the order with the reason when nothing may.
   */
  allowed(st: SymState, w: Working, want: Lots, price: Ticks, maker: boolean, ts: number): Lots;
  fill(st: SymState, w: Working, q: Lots, price: Ticks, maker: boolean, ts: number, touch?: Ticks): void;
}

/** A print's size, shared by the orders it can fill. */
export interface Print {
  readonly price: Ticks;
  left: Lots;
}

/** One event for one eligible order: a book update (`print` undefined) or a trade print. */
export function bookStep(h: BookHost, st: SymState, w: Working, ts: number, print: Print | undefined): void {
  const book = st.book!;
  const s = w.s;
  const opp = s > 0 ? 'ask' : 'bid';
  const touch = book.best(opp);
  const arrival = !w.arrived;
  w.arrived = true;
  let justTriggered = false;
  if (!w.triggered) {
    const ev = print ? print.price : touch;
    if (ev !== ev) return;
    const y = s * ev;
    if (w.trigKind === TRIG_TRAIL) {
      if (Number.isNaN(w.best) && w.trigY !== Infinity) w.best = y;
      w.trail(y);
    }
    if (!(w.trigKind === TRIG_TP ? y <= w.trigY : y >= w.trigY)) {
      if (w.trigKind === TRIG_TRAIL) h.reportTrail(w, ts);
      return;
    }
    w.triggered = true;
    justTriggered = true;
    h.emit({ kind: 'triggered', clientOrderId: w.order.clientOrderId, ts });
  }
  const once = w.order.tif === 'IOC' || w.order.tif === 'FOK';
  if (w.market || arrival || justTriggered) {
    if (touch === touch && s * touch <= w.limY) {
      if (!w.market && w.order.postOnly) return h.remove(w, 'canceled', 'post_only_would_take', ts);
      return take(h, st, w, ts, touch);
    }
    if (w.market || once) {
      if (once) h.remove(w, 'expired', w.order.tif === 'FOK' ? 'fok_unfillable' : 'ioc_unfilled', ts);
      return; // a market order with no opposite liquidity waits for the next event
    }
  }
  const price = s * w.limY;
  const shown = book.displayed(s > 0 ? 'bid' : 'ask', price);
  w.queueAhead = w.queueAhead < 0 ? shown : Math.min(w.queueAhead, shown);
  if (arrival || justTriggered) return; // joined the queue on this event: fills start with the next one
  if (print) restingPrint(h, st, w, ts, print, price);
  else if (touch === touch && s * touch <= w.limY) restingCross(h, st, w, ts, price);
}

/** Walks the opposite levels up to the order's limit. */
function take(h: BookHost, st: SymState, w: Working, ts: number, touch: Ticks): void {
  const book = st.book!;
  const s = w.s;
  if (w.order.tif === 'FOK') {
    let avail = 0;
    for (const [p, a] of book.levels(w.order.side)) if (s * p <= w.limY) avail += a;
    if (avail < w.remaining) return h.remove(w, 'expired', 'fok_unfillable', ts);
  }
  const opp = s > 0 ? 'ask' : 'bid';
  // Best first without building the sorted side (a taker usually takes one level): a level is left only
  // once taken whole, so the next best available is the next level down, as in book.levels().
  for (let p = touch; p === p; p = book.best(opp)) {
    if (w.canceled || w.remaining === 0 || s * p > w.limY) break;
    const want = Math.min(w.remaining, book.available(opp, p));
    const q = h.allowed(st, w, want, p, false, ts);
    if (q === 0) return;
    book.take(opp, p, q);
    h.fill(st, w, q, p, false, ts, touch);
    if (q < want) {
      if (!w.canceled) h.remove(w, 'canceled', w.order.reduceOnly ? 'reduce_only_would_increase' : 'insufficient_balance', ts);
      return;
    }
  }
  if (!w.canceled && w.remaining > 0 && (w.order.tif === 'IOC' || w.order.tif === 'FOK')) h.remove(w, 'expired', 'ioc_unfilled', ts);
}

/** A trade print against a resting limit at `price`. */
function restingPrint(h: BookHost, st: SymState, w: Working, ts: number, print: Print, price: Ticks): void {
  const y = w.s * print.price;
  if (y > w.limY || print.left <= 0) return;
  let vol = print.left;
  if (y === w.limY) {
    // At the price: the queue ahead trades first (every order at this price sees the whole print).
    const used = Math.min(w.queueAhead, vol);
    w.queueAhead -= used;
    vol -= used;
  } else w.queueAhead = 0;
  const want = Math.min(w.remaining, vol);
  if (want <= 0) return;
  const q = h.allowed(st, w, want, price, true, ts);
  if (q === 0) return;
  print.left -= q;
  h.fill(st, w, q, price, true, ts);
}

/** The book's opposite side reached a resting limit's price: it fills from that side's available size. */
function restingCross(h: BookHost, st: SymState, w: Working, ts: number, price: Ticks): void {
  const book = st.book!;
  const s = w.s;
  const levels = book.levels(w.order.side);
  let vol = 0;
  for (const [p, a] of levels) if (s * p <= w.limY) vol += a;
  if (vol === 0) return;
  const used = Math.min(w.queueAhead, vol);
  w.queueAhead -= used;
  const want = Math.min(w.remaining, vol - used);
  if (want <= 0) return;
  const q = h.allowed(st, w, want, price, true, ts);
  if (q === 0) return;
  // The crossing size is taken best first, as the crossing orders would have met ours.
  let left = q + used;
  const opp = s > 0 ? 'ask' : 'bid';
  for (const [p, a] of levels) {
    if (left === 0 || s * p > w.limY) break;
    const t = Math.min(a, left);
    book.take(opp, p, t);
    left -= t;
  }
  h.fill(st, w, q, price, true, ts);
}
