/**
 * Stops and take-profits a venue cannot hold for a symbol are held by the live venue and fired on the
 * session's prints (local-triggers.ts): nothing reaches the exchange until the trigger, then the order's
 * market or limit form goes out once, under the order's own client id; cancels and amends stay local; a
 * restart arms them again, and one whose trigger had fired is resolved by client id, never resent.
 */
import { describe, expect, it } from 'vitest';
import { WallClock } from '../../../main/core/engine/clock.ts';
import { Engine } from '../../../main/core/engine/kernel.ts';
import { defineInstrument, type Order } from '../../../main/core/model/index.ts';
import { MemoryStore } from '../../../main/core/ports.ts';
import { EMULATED, LiveVenue } from '../../../main/venues/live/live-venue.ts';
import { fires, LocalTriggers } from '../../../main/venues/live/local-triggers.ts';
import { FakeOrderApi } from '../../support/fake-order-api.ts';

// The fake venue holds market, limit, stop-market and take-profit natively: stop-limit and take-profit-limit are emulated.
const BTC = defineInstrument({ symbol: 'BTC/USDT', venue: 'fakex', base: 'BTC', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '0.0001' });

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function rig(api = new FakeOrderApi()) {
  const venue = new LiveVenue({ id: 'fakex', api, instruments: [BTC], resolve: { baseMs: 5, maxMs: 20, notPlacedAfterMs: 50, minChecks: 3, attempts: 50 } });
  const store = new MemoryStore();
  const engine = new Engine({ instruments: [BTC], venue, portfolio: { baseCurrency: 'USDT', cash: { USDT: '100000' } }, clock: new WallClock(), store, sessionId: 'L1' });
  const print = (price: number) => {
    venue.onPrice('BTC/USDT', price);
    engine.onTrade({ symbol: 'BTC/USDT', ts: Date.now(), price, qty: 0.01 });
  };
  print(42_000);
  // A stop-limit sell: trigger 41,000.00, limit 40,900.00.
  const stopLimit = () => engine.submit({ symbol: 'BTC/USDT', side: 'sell', type: 'stop-limit', qty: 10, triggerPrice: 4_100_000, price: 4_090_000 });
  return { api, venue, engine, store, print, stopLimit };
}

describe('when an emulated trigger fires', () => {
  it('stops fire against the position, take-profits for it', () => {
    expect(fires({ side: 'sell', kind: 'stop-market', trigger: 100 }, 100)).toBe(true);
    expect(fires({ side: 'sell', kind: 'stop-market', trigger: 100 }, 100.01)).toBe(false);
    expect(fires({ side: 'buy', kind: 'stop-limit', trigger: 100 }, 100)).toBe(true);
    expect(fires({ side: 'buy', kind: 'stop-limit', trigger: 100 }, 99.99)).toBe(false);
    expect(fires({ side: 'sell', kind: 'take-profit-limit', trigger: 100 }, 100)).toBe(true);
    expect(fires({ side: 'sell', kind: 'take-profit', trigger: 100 }, 99.99)).toBe(false);
    expect(fires({ side: 'buy', kind: 'take-profit', trigger: 100 }, 99.99)).toBe(true);
    const t = new LocalTriggers();
    t.arm({ clientOrderId: 'a', symbol: 'X', side: 'sell', kind: 'stop-market', trigger: 100, req: { clientOrderId: 'a', symbol: 'X', side: 'sell', kind: 'stop-market', amount: '1' } });
    expect(t.crossed('X', 101)).toEqual([]);
    expect(t.crossed('Y', 50)).toEqual([]);
    expect(t.crossed('X', 99).map((a) => a.clientOrderId)).toEqual(['a']);
    expect(t.crossed('X', 99)).toEqual([]); // fired once
  });
});

describe('live venue: emulated stops', () => {
  it('nothing reaches the venue before the trigger; then the limit form goes out once under the same client id', async () => {
    const { api, venue, print, stopLimit } = rig();
    const o = stopLimit();
    await until(() => o.state === 'accepted', 'the local ack');
    expect(o.venueOrderId).toBe(EMULATED);
    expect(venue.isArmedLocally(o.clientOrderId)).toBe(true);
    expect(api.count('create')).toBe(0);
    print(41_000.01);
    await new Promise((r) => setTimeout(r, 20));
    expect(api.count('create')).toBe(0);
    print(40_999);
    print(40_950);
    await until(() => api.byClient(venue.wireIdOf(o.clientOrderId)) !== undefined, 'the triggered order at the venue');
    expect(o.state).toBe('triggered');
    expect(api.count('create')).toBe(1);
    expect(api.byClient(venue.wireIdOf(o.clientOrderId))).toMatchObject({ type: 'limit', side: 'sell', price: 40_900, amount: 0.001, triggerPrice: undefined });
    await until(() => o.venueOrderId !== EMULATED, 'the venue id');
    expect(venue.isArmedLocally(o.clientOrderId)).toBe(false);
  });

  it('a cancel or an amend of an armed stop stays local', async () => {
    const { api, print, stopLimit, engine, venue } = rig();
    const venueWire = (id: string) => venue.wireIdOf(id);
    const a = stopLimit();
    await until(() => a.state === 'accepted', 'ack');
    engine.amend(a.clientOrderId, { triggerPrice: 4_050_000 }, 'ticket');
    await until(() => a.state === 'accepted' && a.triggerPrice === 4_050_000, 'the amend');
    print(40_800); // above the moved trigger: nothing fires
    const b = stopLimit();
    await until(() => b.state === 'accepted', 'ack');
    engine.cancel(b.clientOrderId);
    await until(() => b.state === 'canceled', 'the cancel');
    print(40_000);
    await until(() => api.count('create') === 1, 'the amended stop to fire');
    expect(api.calls).toEqual([`create ${venueWire(a.clientOrderId)}`]);
  });

  it('after a restart an armed stop is armed again; one whose trigger fired is asked for by client id, not resent', async () => {
    const first = rig();
    const armed = first.stopLimit();
    const fired = first.stopLimit();
    await until(() => armed.state === 'accepted' && fired.state === 'accepted', 'acks');
    // The process dies right after the second one's trigger was recorded and its limit form sent.
    first.venue.close();
    const stored: Order[] = [{ ...armed }, { ...fired, state: 'triggered' }];
    await first.api.create({ clientOrderId: first.venue.wireIdOf(fired.clientOrderId), symbol: 'BTC/USDT', side: 'sell', kind: 'limit', amount: '0.001', price: '40900' });
    const venue = new LiveVenue({ id: 'fakex', api: first.api, instruments: [BTC], resolve: { baseMs: 5, maxMs: 20, notPlacedAfterMs: 50, minChecks: 3 } });
    const events: string[] = [];
    venue.connect({ onVenueEvent: (e) => void events.push(`${e.kind}:${'clientOrderId' in e ? e.clientOrderId : ''}`) });
    venue.restore(stored, []);
    expect(venue.isArmedLocally(armed.clientOrderId)).toBe(true);
    expect(venue.isUnknown(fired.clientOrderId)).toBe(true);
    await until(() => events.includes(`ack:${fired.clientOrderId}`), 'the fired one found at the venue');
    expect(first.api.count('create')).toBe(1);
  });
});
