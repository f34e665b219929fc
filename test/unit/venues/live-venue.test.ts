/**
 * The live venue's order lifecycle with the real kernel in front of it and a hand-written exchange behind:
 * acks, definitive rejections, UNKNOWN outcomes resolved by client order id (never resubmitted), cancels
 * while an outcome is open, fills deduplicated by trade id whichever path brings them, the overfill guard,
 * a restart that takes over working orders, and orders or trades that are not ours.
 */
import { describe, expect, it, vi } from 'vitest';
import { WallClock } from '../../../main/core/engine/clock.ts';
import { Engine } from '../../../main/core/engine/kernel.ts';
import { defineInstrument, type Order } from '../../../main/core/model/index.ts';
import { MemoryStore } from '../../../main/core/ports.ts';
import { LiveVenue } from '../../../main/venues/live/live-venue.ts';
import { PrivateSync } from '../../../main/venues/live/private-sync.ts';
import { FakeOrderApi } from '../../support/fake-order-api.ts';

const BTC = defineInstrument({ symbol: 'BTC/USDT', venue: 'fakex', base: 'BTC', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '0.0001' });

async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function rig(opts: { resolve?: Partial<ConstructorParameters<typeof LiveVenue>[0]['resolve']>; sessionId?: string } = {}) {
  const api = new FakeOrderApi();
  const venue = new LiveVenue({ id: 'fakex', api, instruments: [BTC], resolve: { baseMs: 5, maxMs: 20, notPlacedAfterMs: 50, minChecks: 3, attempts: 50, ...opts.resolve } });
  const store = new MemoryStore();
  const engine = new Engine({ instruments: [BTC], venue, portfolio: { baseCurrency: 'USDT', cash: { USDT: '100000' } }, clock: new WallClock(), store, sessionId: opts.sessionId ?? 'L1' });
  engine.onTrade({ symbol: 'BTC/USDT', ts: Date.now(), price: 42_000, qty: 0.01 });
  const errors: string[] = [];
  engine.bus.on('error', ({ error }) => void errors.push(error.message));
  const buy = (qty = 10, price = 4_200_000) => engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty, price });
  return { api, venue, engine, store, buy, errors };
}

describe('live venue: order outcomes', () => {
  it('an accepted order is acked with the venue id; its client id is the kernel id', async () => {
    const { api, buy } = rig();
    const o = buy();
    await until(() => o.state === 'accepted', 'ack');
    expect(api.byClient(o.clientOrderId)).toBeDefined();
    expect(o.venueOrderId).toBe(api.byClient(o.clientOrderId)!.venueOrderId);
  });

  it('a definitive refusal rejects the order at once, with the reason', async () => {
    const { api, buy } = rig();
    api.createFaults.push('insufficient-funds');
    const o = buy();
    await until(() => o.state === 'rejected', 'reject');
    expect(o.reason).toBe('venue_InsufficientFunds');
    expect(api.count('create')).toBe(1);
  });

  it('a timeout after the venue took the order: UNKNOWN, then resolved by client id as working, never resubmitted', async () => {
    const { api, venue, buy } = rig();
    api.createFaults.push('timeout-after-accept');
    api.invisibleChecks = 2; // "order does not exist" for a while after create, as Binance does
    const o = buy();
    await until(() => venue.isUnknown(o.clientOrderId), 'unknown');
    expect(o.state).toBe('pending-submit');
    expect(venue.unknownOrders()[0]).toMatchObject({ clientOrderId: o.clientOrderId, op: 'submit' });
    await until(() => o.state === 'accepted', 'resolved');
    expect(venue.unknownOrders()).toEqual([]);
    expect(api.count('create')).toBe(1);
    expect(api.count('fetch')).toBeGreaterThanOrEqual(3);
  });

  it('an unknown submit is asked about once the receive window has passed, not at the next (later) backoff step', async () => {
    vi.useFakeTimers({ now: 1_000_000 });
    try {
      // Checks at 0, 300 and 900 ms find nothing; the next backoff step would be 2,100 ms, but the order is decidable at 1,000.
      const { api, buy } = rig({ resolve: { baseMs: 300, maxMs: 5_000, notPlacedAfterMs: 1_000, minChecks: 2, attempts: 12 } });
      api.createFaults.push('timeout-before-accept');
      const o = buy();
      await vi.advanceTimersByTimeAsync(1_100);
      expect(o).toMatchObject({ state: 'rejected', reason: 'not_placed' });
      expect(api.count('fetch')).toBe(4);
      expect(api.count('create')).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a timeout before the venue took it: after the receive window and enough checks, rejected as not placed', async () => {
    const { api, venue, buy } = rig();
    api.createFaults.push('timeout-before-accept');
    const o = buy();
    await until(() => o.state === 'rejected', 'not placed');
    expect(o.reason).toBe('not_placed');
    expect(api.count('create')).toBe(1);
    expect(api.count('fetch')).toBeGreaterThanOrEqual(3);
    expect(venue.unknownOrders()).toEqual([]);
  });

  it('while the venue cannot be asked, the order stays UNKNOWN (bounded checks), and is listed for reconciliation', async () => {
    const { api, venue, buy } = rig({ resolve: { attempts: 4 } });
    api.createFaults.push('timeout-after-accept');
    api.fetchDown = true;
    const o = buy();
    await until(() => venue.venueAnomalies().some((a) => a.kind === 'unresolved'), 'give up');
    expect(o.state).toBe('pending-submit');
    expect(venue.isUnknown(o.clientOrderId)).toBe(true);
    expect(api.count('fetch')).toBe(4);
    expect(api.count('create')).toBe(1);
    api.fetchDown = false;
    expect(await venue.refresh(o.clientOrderId)).toBe('applied');
    expect(o.state).toBe('accepted');
  });

  it('a cancel while the submit is UNKNOWN is sent once the order is known to be working', async () => {
    const { api, engine, buy } = rig();
    api.createFaults.push('timeout-after-accept');
    api.invisibleChecks = 1;
    const o = buy();
    engine.cancel(o.clientOrderId);
    expect(o.state).toBe('pending-cancel');
    await until(() => o.state === 'canceled', 'canceled');
    expect(api.byClient(o.clientOrderId)!.status).toBe('canceled');
    expect(api.count('cancel')).toBe(1);
  });

  it('a cancel while the create is still on its way waits for it: sent at once, "unknown order" would have been taken for a refusal', async () => {
    const { api, engine, buy } = rig();
    let arrive!: () => void;
    api.createInFlight = new Promise((r) => (arrive = r));
    const o = buy();
    engine.cancel(o.clientOrderId);
    await new Promise((r) => setTimeout(r, 30));
    expect(o.state).toBe('pending-cancel');
    expect(api.count('cancel')).toBe(0);
    arrive();
    await until(() => o.state === 'canceled', 'canceled');
    expect(o.reason).toBe('requested');
    expect(api.byClient(o.clientOrderId)!.status).toBe('canceled');
  });

  it('a create refused after a cancel was asked ends the order canceled with the venue\'s reason (rejected is no longer legal)', async () => {
    const { api, engine, buy, errors } = rig();
    let arrive!: () => void;
    api.createInFlight = new Promise((r) => (arrive = r));
    api.createFaults.push('insufficient-funds');
    const o = buy();
    engine.cancel(o.clientOrderId);
    arrive();
    await until(() => o.state === 'canceled', 'canceled');
    expect(o.reason).toBe('venue_InsufficientFunds');
    expect(errors).toEqual([]);
  });

  it('a cancel of an order that filled meanwhile ends filled, with its trades', async () => {
    const { api, engine, buy } = rig();
    const o = buy(10);
    await until(() => o.state === 'accepted', 'ack');
    api.fill(o.clientOrderId, 0.001, 42_000);
    engine.cancel(o.clientOrderId);
    await until(() => o.state === 'filled', 'filled');
    expect(engine.portfolio.positionQty('BTC/USDT')).toBe(10);
  });
});

describe('live venue: fills', () => {
  it('the same trade from the stream and from a REST resync is applied once; the position is the venue\'s', async () => {
    const { api, venue, engine, store, buy } = rig();
    const o = buy(10);
    await until(() => o.state === 'accepted', 'ack');
    const t1 = api.fill(o.clientOrderId, 0.0004, 41_999.5);
    venue.applyTrade(t1); // the stream
    venue.applyTrade(t1); // the stream again (duplicated message)
    const sync = new PrivateSync({ venue, api, symbols: ['BTC/USDT'], deliver: (fn) => fn() });
    await sync.resync(); // REST
    expect(engine.portfolio.positionQty('BTC/USDT')).toBe(4);
    api.fill(o.clientOrderId, 0.0006, 42_000);
    await sync.resync();
    await sync.resync();
    expect(o.state).toBe('filled');
    expect(engine.portfolio.positionQty('BTC/USDT')).toBe(10);
    expect(engine.portfolio.fills().map((f) => f.tradeId)).toEqual(['t1', 't2']);
    expect(store.intents).toHaveLength(1);
  });

  it('a trade beyond the order\'s size is refused and reported, never applied', async () => {
    const { api, venue, engine, buy } = rig();
    const o = buy(10);
    await until(() => o.state === 'accepted', 'ack');
    venue.applyTrade(api.fill(o.clientOrderId, 0.0008, 42_000));
    venue.applyTrade({ ...api.fill(o.clientOrderId, 0.0008, 42_000), tradeId: 'rogue' });
    expect(engine.portfolio.positionQty('BTC/USDT')).toBe(8);
    expect(venue.venueAnomalies()).toEqual([expect.objectContaining({ kind: 'overfill', clientOrderId: o.clientOrderId })]);
  });

  it('orders and trades that are not ours are listed, never applied', async () => {
    const { api, venue, engine } = rig();
    const planted = api.plant('BTC/USDT', 'sell', 0.5, 43_000);
    const sync = new PrivateSync({ venue, api, symbols: ['BTC/USDT'], deliver: (fn) => fn() });
    await sync.resync();
    venue.applyTrade({ tradeId: 'x1', venueOrderId: planted.venueOrderId, clientOrderId: 'web_abc', symbol: 'BTC/USDT', side: 'sell', amount: 0.1, price: 43_000, fee: 0, feeCurrency: 'USDT', liquidity: 'maker', ts: Date.now() });
    expect(venue.venueAnomalies().map((a) => a.kind).sort()).toEqual(['foreign-order', 'foreign-trade']);
    expect(engine.portfolio.positionQty('BTC/USDT')).toBe(0);
  });
});

describe('live venue: restart', () => {
  it('takes over working orders and resolves a submit the dead process left in flight, without resending', async () => {
    const first = rig({ sessionId: 'A' });
    first.api.createFaults.push('timeout-after-accept');
    first.api.fetchDown = true; // the process dies before it could ask
    const working = first.buy(10, 4_100_000);
    await until(() => working.state === 'pending-submit' && first.venue.isUnknown(working.clientOrderId), 'unknown');
    first.venue.close(); // the process dies here: the intent is stored, the outcome never learned
    first.api.fetchDown = false;
    const stored = first.store.intents.map((o) => ({ ...o }) as Order);
    const venue = new LiveVenue({ id: 'fakex', api: first.api, instruments: [BTC], resolve: { baseMs: 5, maxMs: 20, notPlacedAfterMs: 50, minChecks: 3 } });
    const events: string[] = [];
    venue.connect({ onVenueEvent: (e) => void events.push(`${e.kind}:${'clientOrderId' in e ? e.clientOrderId : e.fill.clientOrderId}`) });
    venue.restore(stored, []);
    await until(() => events.length > 0, 'resolved');
    expect(events).toEqual([`ack:${working.clientOrderId}`]);
    expect(first.api.count('create')).toBe(1);
  });

  it('an order left pending-cancel without a venue order id is resolved by client id: canceled there if the venue took it, not placed if not', async () => {
    const first = rig({ sessionId: 'A' });
    first.api.fetchDown = true; // the process dies before it could ask
    first.api.createFaults.push('timeout-after-accept', 'timeout-before-accept');
    const taken = first.buy(10, 4_100_000);
    const never = first.buy(10, 4_100_000);
    await until(() => first.venue.isUnknown(taken.clientOrderId) && first.venue.isUnknown(never.clientOrderId), 'unknown');
    for (const o of [taken, never]) first.engine.cancel(o.clientOrderId);
    expect([taken.state, never.state, taken.venueOrderId, never.venueOrderId]).toEqual(['pending-cancel', 'pending-cancel', undefined, undefined]);
    first.venue.close(); // the process dies here
    first.api.fetchDown = false;
    const stored = [taken, never].map((o) => ({ ...o }) as Order);
    const venue = new LiveVenue({ id: 'fakex', api: first.api, instruments: [BTC], resolve: { baseMs: 5, maxMs: 20, notPlacedAfterMs: 50, minChecks: 3 } });
    const events: string[] = [];
    venue.connect({ onVenueEvent: (e) => void events.push(`${e.kind}:${'clientOrderId' in e ? e.clientOrderId : e.fill.clientOrderId}:${'reason' in e ? e.reason : ''}`) });
    venue.restore(stored, []);
    expect(venue.unknownOrders().map((u) => u.clientOrderId).sort()).toEqual([taken.clientOrderId, never.clientOrderId].sort());
    await until(() => events.length === 3, 'both settled');
    expect(events.sort()).toEqual([`ack:${taken.clientOrderId}:`, `canceled:${never.clientOrderId}:not_placed`, `canceled:${taken.clientOrderId}:requested`].sort());
    expect(first.api.byClient(taken.clientOrderId)!.status).toBe('canceled');
    expect(first.api.count('create')).toBe(2);
    expect(venue.workingOrders()).toEqual([]);
  });
});
