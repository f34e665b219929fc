/**
 * An emulated stop fires (the kernel records `triggered`) and its market or limit form is refused by the
 * venue. `rejected` is not a legal state after `triggered` (main/core/execution/state-machine.ts): the live
 * venue reported it anyway, the kernel refused the transition, and the order stayed `triggered` for good,
 * shown working while nothing was at the venue. It ends `canceled`, with the venue's refusal as the reason,
 * as an order canceled while its create was in flight already did.
 */
import { describe, expect, it } from 'vitest';
import { WallClock } from '../../../main/core/engine/clock.ts';
import { Engine } from '../../../main/core/engine/kernel.ts';
import { defineInstrument, type Order } from '../../../main/core/model/index.ts';
import { MemoryStore, type VenueEvent } from '../../../main/core/ports.ts';
import { EMULATED, LiveVenue } from '../../../main/venues/live/live-venue.ts';
import { FakeOrderApi } from '../../support/fake-order-api.ts';

const BTC = defineInstrument({ symbol: 'BTC/USDT', venue: 'fakex', base: 'BTC', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '0.0001' });
const RESOLVE = { baseMs: 5, maxMs: 20, notPlacedAfterMs: 50, minChecks: 3, attempts: 50 };

/** Waits for a condition the venue's own async work makes true (no wall-clock assertion: a bound on waiting only). */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error(`never happened: ${what}`);
}

function rig() {
  const api = new FakeOrderApi();
  const venue = new LiveVenue({ id: 'fakex', api, instruments: [BTC], resolve: RESOLVE });
  const engine = new Engine({ instruments: [BTC], venue, portfolio: { baseCurrency: 'USDT', cash: { USDT: '100000' } }, clock: new WallClock(), store: new MemoryStore(), sessionId: 'L1' });
  const errors: unknown[] = [];
  engine.bus.on('error', (e) => void errors.push(e));
  const print = (price: number) => {
    venue.onPrice('BTC/USDT', price);
    engine.onTrade({ symbol: 'BTC/USDT', ts: Date.now(), price, qty: 0.01 });
  };
  print(42_000);
  return { api, venue, engine, errors, print };
}

describe('an emulated stop whose triggered order the venue refuses', () => {
  it('ends canceled with the venue\'s reason, not stuck triggered', async () => {
    const { api, engine, errors, print } = rig();
    const o = engine.submit({ symbol: 'BTC/USDT', side: 'sell', type: 'stop-limit', qty: 10, triggerPrice: 4_100_000, price: 4_090_000 });
    await until(() => o.state === 'accepted', 'the local ack');
    expect(o.venueOrderId).toBe(EMULATED);
    api.createFaults.push('insufficient-funds');
    print(40_950);
    await until(() => api.count('create') === 1 && o.state !== 'triggered', 'the refusal applied');
    expect(o.state).toBe('canceled');
    expect(o.reason).toBe('venue_InsufficientFunds');
    expect(errors).toEqual([]);
    expect(engine.openOrders()).not.toContain(o);
  });

  it('after a restart, a fired one whose form never reached the venue ends canceled (not placed), not stuck', async () => {
    const api = new FakeOrderApi();
    const first = new LiveVenue({ id: 'fakex', api, instruments: [BTC], resolve: RESOLVE });
    const fired = { clientOrderId: 'k-fired-1', symbol: 'BTC/USDT', side: 'sell', type: 'stop-limit', qty: 10, filledQty: 0, triggerPrice: 4_100_000, price: 4_090_000, state: 'triggered', venueOrderId: EMULATED, tif: 'GTC', reduceOnly: false, createdTs: 1, updatedTs: 1, filledNotionalTicks: 0, source: 'ticket' } as unknown as Order;
    first.close();
    const venue = new LiveVenue({ id: 'fakex', api, instruments: [BTC], resolve: RESOLVE });
    const events: VenueEvent[] = [];
    venue.connect({ onVenueEvent: (e) => void events.push(e) });
    venue.restore([fired], []);
    expect(venue.isUnknown(fired.clientOrderId)).toBe(true);
    await until(() => events.some((e) => e.kind !== 'fill' && e.clientOrderId === fired.clientOrderId && (e.kind === 'canceled' || e.kind === 'rejected')), 'the not-placed decision');
    const end = events.find((e) => e.kind === 'canceled' || e.kind === 'rejected')!;
    expect(end).toMatchObject({ kind: 'canceled', reason: 'not_placed' });
    expect(api.count('create')).toBe(0);
  });
});
