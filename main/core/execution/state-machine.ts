/**
 * The order state machine, as one explicit table. Anything not listed is illegal and throws
 * IllegalTransitionError: a late or duplicated venue message must never silently overwrite a final state.
 *
 * Races that real venues produce are legal on purpose: a fill may arrive before the ack (pending-submit →
 * partially-filled/filled), and a fill may beat a cancel (pending-cancel → filled). A cancel-reject returns
 * pending-cancel to whatever working state the order was in.
 */
import { IllegalTransitionError } from '../errors.ts';
import type { Order, OrderState } from '../model/index.ts';

const WORKING_EXITS: readonly OrderState[] = ['partially-filled', 'filled', 'pending-cancel', 'pending-amend', 'canceled', 'expired'];

export const TRANSITIONS: Readonly<Record<OrderState, readonly OrderState[]>> = {
  held: ['pending-submit', 'canceled'],
  'pending-submit': ['accepted', 'rejected', 'partially-filled', 'filled', 'pending-cancel', 'canceled', 'expired'],
  accepted: ['triggered', ...WORKING_EXITS],
  triggered: WORKING_EXITS,
  'partially-filled': WORKING_EXITS,
  'pending-cancel': ['canceled', 'partially-filled', 'filled', 'expired', 'accepted', 'triggered'],
  'pending-amend': ['accepted', 'triggered', 'partially-filled', 'filled', 'pending-cancel', 'canceled', 'expired'],
  filled: [],
  canceled: [],
  rejected: [],
  expired: [],
};

const allowed = new Map<OrderState, ReadonlySet<OrderState>>(Object.entries(TRANSITIONS).map(([k, v]) => [k as OrderState, new Set(v)]));

export function canTransition(from: OrderState, to: OrderState): boolean {
  return allowed.get(from)!.has(to);
}

/** Moves `order` to `to` or throws; the only place order.state is written. */
export function transition(order: Order, to: OrderState, ts: number): void {
  if (!allowed.get(order.state)!.has(to)) {
    throw new IllegalTransitionError('order', order.state, to, { clientOrderId: order.clientOrderId });
  }
  order.state = to;
  order.updatedTs = ts;
}
