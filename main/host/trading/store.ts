/**
 * Store port adapter for sessions writing to the SQLite ledger. The kernel records a bracket's exits as
 * intents twice: once `held` when the bracket is placed, and again `pending-submit` when the entry fills and
 * they are released. The ledger (rightly) refuses a second intent for the same client order id, which
 * would abort the release half-way. Here a re-intent of an order first stored as held becomes an order
 * update, so the ledger sees held → pending-submit as the state change it is.
 * (Reported to the core and storage owners; remove once the kernel records a release as an update.)
 */
import type { Fill, Order } from '../../core/model/index.ts';
import type { Store } from '../../core/ports.ts';

export class ReleaseAwareStore implements Store {
  private readonly inner: Store;
  private readonly held = new Set<string>();

  constructor(inner: Store) {
    this.inner = inner;
  }

  recordIntent(order: Readonly<Order>): void {
    if (this.held.delete(order.clientOrderId)) return this.inner.recordOrderUpdate(order);
    this.inner.recordIntent(order);
    if (order.state === 'held') this.held.add(order.clientOrderId);
  }

  recordOrderUpdate(order: Readonly<Order>): void {
    this.inner.recordOrderUpdate(order);
  }

  recordFill(fill: Fill): boolean {
    return this.inner.recordFill(fill);
  }
}
