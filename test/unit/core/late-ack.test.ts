/**
 * A venue's acknowledgement that arrives after the trader asked to cancel (the order is pending-cancel) still
 * carries the order's venue id: it must reach the store, or a restart would take the order for one the venue
 * never acknowledged.
 */
import { describe, expect, it } from 'vitest';
import { Engine, SimClock } from '../../../main/core/engine/index.ts';
import { defineInstrument, type Fill, type Order } from '../../../main/core/model/index.ts';
import type { Store, Venue, VenueEvent, VenueListener } from '../../../main/core/ports.ts';
import { SPEC } from './engine-fixtures.ts';

class QuietVenue implements Venue {
  readonly id = 'quiet';
  listener!: VenueListener;
  connect(l: VenueListener): void {
    this.listener = l;
  }
  submit(): void {}
  cancel(): void {}
  amend(): void {}
  emit(e: VenueEvent): void {
    this.listener.onVenueEvent(e);
  }
}

/** The rows a durable store would hold: each order at its last recorded state. */
class RowStore implements Store {
  readonly rows = new Map<string, Order>();
  recordIntent(o: Readonly<Order>): void {
    this.rows.set(o.clientOrderId, { ...o });
  }
  recordOrderUpdate(o: Readonly<Order>): void {
    this.rows.set(o.clientOrderId, { ...o });
  }
  recordFill(_f: Fill): boolean {
    return true;
  }
}

describe('an acknowledgement after a cancel was asked', () => {
  it('stores the venue order id of a pending-cancel order; a repeated ack writes nothing more', () => {
    const inst = defineInstrument(SPEC);
    const venue = new QuietVenue();
    const store = new RowStore();
    const engine = new Engine({ instruments: [inst], venue, store, clock: new SimClock(), portfolio: { baseCurrency: 'USDT', cash: { USDT: '1000000' } } });
    engine.onTrade({ symbol: inst.symbol, price: 100, qty: 1, ts: 1 });
    const o = engine.submit({ symbol: inst.symbol, side: 'buy', type: 'limit', qty: 1, price: 9_900 });
    engine.cancel(o.clientOrderId);
    expect(store.rows.get(o.clientOrderId)).toMatchObject({ state: 'pending-cancel' });
    expect(store.rows.get(o.clientOrderId)!.venueOrderId).toBeUndefined();
    venue.emit({ kind: 'ack', clientOrderId: o.clientOrderId, venueOrderId: 'v-1', ts: 2 });
    expect(store.rows.get(o.clientOrderId)).toMatchObject({ state: 'pending-cancel', venueOrderId: 'v-1' });
    const spy = store.rows.get(o.clientOrderId);
    venue.emit({ kind: 'ack', clientOrderId: o.clientOrderId, venueOrderId: 'v-1', ts: 3 });
    expect(store.rows.get(o.clientOrderId)).toBe(spy);
  });
});
