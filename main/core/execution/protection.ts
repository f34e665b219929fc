/**
 * Protective orders (a bracket's exits, a reduce-only OCO, a reduce-only stop-loss / take-profit) that end
 * at the venue without Kestrel asking. Such an end — canceled on the exchange's site, expired by the venue,
 * missing at reconciliation — is not the sibling's fill: treating it as one (the OCO rule) would cancel the
 * other leg too and leave the position bare. The kernel keeps the sibling and re-places the lost leg or flags
 * the position unprotected (order-desk.ts `protectionLost`, ENGINE.md "Protective orders").
 */
import type { Order } from '../model/index.ts';

/** What becomes of a protective order lost at the venue: placed again (a new order of the same OCO set), or alert only. */
export type ProtectiveLostPolicy = 'replace' | 'flag';

/**
 * Venue reasons that are a rule of the venue at work, not protection lost: the position is gone or cannot be
 * reduced (liquidation, reduce-only with nothing to reduce), the sibling filled (a venue-side OCO), or the venue
 * refused the order's terms (funds, post-only). These end the OCO set as before.
 */
const DELIBERATE: ReadonlySet<string> = new Set(['liquidation', 'reduce_only_would_increase', 'oco_sibling_filled', 'insufficient_balance', 'post_only_would_take']);

/** Whether placing the same order again could succeed: not when the venue refused it for a rule that still holds. */
export function retryable(reason: string): boolean {
  return !DELIBERATE.has(reason) && reason !== 'venue_InsufficientFunds';
}

/** How many times one OCO set (or one symbol's standalone stops) is re-placed automatically in a session. */
export const MAX_AUTO_REPLACE = 3;

export function isProtective(o: Readonly<Order>): boolean {
  return o.reduceOnly && (o.parentId !== undefined || o.groupKind === 'oco' || o.tag === 'stop-loss' || o.tag === 'take-profit');
}

/**
 * Whether an order that just became final (canceled or expired) without Kestrel asking for it is protection
 * lost. An expiry the order asked for itself (IOC, FOK, DAY, a GTD time) is its own rule, not a loss.
 */
export function protectionLost(o: Readonly<Order>, reason: string): boolean {
  if (!isProtective(o) || DELIBERATE.has(reason)) return false;
  if (o.state === 'expired') return o.tif === 'GTC' && o.expireAt === undefined;
  return o.state === 'canceled';
}

/** The part of a lost protective order still worth protecting: its remainder, capped by the position it closes. */
export function protectableQty(o: Readonly<Order>, positionQty: number): number {
  const closes = o.side === 'sell' ? positionQty : -positionQty;
  return Math.max(0, Math.min(o.qty - o.filledQty, closes));
}
