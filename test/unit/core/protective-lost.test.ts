/**
 * A protective leg that ends at the venue without Kestrel asking (canceled on the exchange's site, expired,
 * missing at reconciliation) is not its sibling's fill: the sibling keeps working and the lost leg is
 * re-placed in the same OCO set, or the position is flagged unprotected. A cancel Kestrel asked for, a fill,
 * and a venue rule (nothing left to protect) keep the OCO semantics.
 */
import { describe, expect, it } from 'vitest';
import { Engine, SimClock } from '../../../main/core/engine/index.ts';
import type { ProtectiveLostPolicy } from '../../../main/core/execution/protection.ts';
import { defineInstrument, money, type Order } from '../../../main/core/model/index.ts';
import { MemoryAuditSink, type RiskAlert, type Venue, type VenueEvent, type VenueListener } from '../../../main/core/ports.ts';
import { SPEC } from './engine-fixtures.ts';

/** A venue that does what the test says: it records what the kernel sends and reports what the test emits. */
class ScriptedVenue implements Venue {
  readonly id = 'scripted';
  readonly submitted: Order[] = [];
  readonly canceled: string[] = [];
  private listener!: VenueListener;
  private trade = 0;
  connect(l: VenueListener): void {
    this.listener = l;
  }
  submit(o: Readonly<Order>): void {
    this.submitted.push({ ...o });
  }
  cancel(id: string): void {
    this.canceled.push(id);
  }
  amend(): void {}
  emit(e: VenueEvent): void {
    this.listener.onVenueEvent(e);
  }
  ack(id: string): void {
    this.emit({ kind: 'ack', clientOrderId: id, venueOrderId: `v-${id}`, ts: 1 });
  }
  fill(o: Readonly<Order>, qty: number, price: number): void {
    this.emit({ kind: 'fill', fill: { venue: this.id, tradeId: `t${++this.trade}`, clientOrderId: o.clientOrderId, symbol: o.symbol, side: o.side, qty, price, fee: money('0'), feeCurrency: 'USDT', liquidity: 'taker', ts: 1 } });
  }
}

const inst = defineInstrument(SPEC);

function setup(protectiveLost?: ProtectiveLostPolicy) {
  const venue = new ScriptedVenue();
  const audit = new MemoryAuditSink();
  const engine = new Engine({ instruments: [inst], venue, clock: new SimClock(), audit, portfolio: { baseCurrency: 'USDT', cash: { USDT: '1000000' } }, ...(protectiveLost ? { protectiveLost } : {}) });
  const alerts: RiskAlert[] = [];
  engine.bus.on('risk-alert', (a) => alerts.push(a));
  engine.onTrade({ symbol: inst.symbol, price: 100, qty: 1, ts: 1 });
  // A bracket bought 5 lots at 100.00: take-profit 103.00, stop-loss 98.00, both released once the entry filled.
  const [entry, tp, sl] = engine.submitBracket({ entry: { symbol: inst.symbol, side: 'buy', type: 'market', qty: 5 }, takeProfit: 10_300, stopLoss: 9_800 });
  venue.ack(entry!.clientOrderId);
  venue.fill(entry!, 5, 10_000);
  venue.ack(tp!.clientOrderId);
  venue.ack(sl!.clientOrderId);
  expect([tp!.state, sl!.state]).toEqual(['accepted', 'accepted']);
  return { engine, venue, audit, alerts, tp: tp!, sl: sl! };
}

const working = (e: Engine) => e.openOrders().map((o) => `${o.tag}:${o.state}`).sort();

describe('a protective leg lost at the venue', () => {
  it('canceled outside Kestrel: the sibling keeps working and the leg is re-placed in the same OCO set', () => {
    const { engine, venue, alerts, tp, sl } = setup();
    venue.emit({ kind: 'canceled', clientOrderId: sl.clientOrderId, reason: 'venue', ts: 2 });
    expect(tp.state).toBe('accepted');
    expect(venue.canceled).toEqual([]);
    const again = venue.submitted.at(-1)!;
    expect(again).toMatchObject({ type: 'stop-market', side: 'sell', qty: 5, triggerPrice: 9_800, reduceOnly: true, tag: 'stop-loss', groupId: sl.groupId, parentId: sl.parentId, source: 'system' });
    expect(again.clientOrderId).not.toBe(sl.clientOrderId);
    expect(alerts.map((a) => a.rule)).toEqual(['protective_replaced']);
    expect(alerts[0]!.message).toContain(again.clientOrderId);
    expect(working(engine)).toEqual(['stop-loss:pending-submit', 'take-profit:accepted']);
    // The pair is whole again: the take-profit's fill cancels the re-placed stop.
    venue.ack(again.clientOrderId);
    venue.fill(tp, 5, 10_300);
    expect(venue.canceled).toEqual([again.clientOrderId]);
    expect(engine.portfolio.positionQty(inst.symbol)).toBe(0);
  });

  it('expired by the venue (a GTC order) counts as lost; so does a leg missing at reconciliation', () => {
    const a = setup();
    a.venue.emit({ kind: 'expired', clientOrderId: a.tp.clientOrderId, ts: 2 });
    expect(a.sl.state).toBe('accepted');
    expect(a.venue.submitted.at(-1)).toMatchObject({ type: 'limit', price: 10_300, tag: 'take-profit', groupId: a.tp.groupId });
    const b = setup();
    b.engine.closeMissing(b.sl.clientOrderId, 'missing_at_venue');
    expect(b.sl).toMatchObject({ state: 'canceled', reason: 'missing_at_venue' });
    expect(b.tp.state).toBe('accepted');
    expect(b.venue.submitted.at(-1)).toMatchObject({ type: 'stop-market', tag: 'stop-loss', groupId: b.sl.groupId });
  });

  it('with the flag policy nothing is placed: the position is flagged unprotected and the sibling kept', () => {
    const { engine, venue, audit, alerts, tp, sl } = setup('flag');
    const sent = venue.submitted.length;
    venue.emit({ kind: 'canceled', clientOrderId: sl.clientOrderId, reason: 'venue', ts: 2 });
    expect(venue.submitted.length).toBe(sent);
    expect(tp.state).toBe('accepted');
    expect(alerts).toMatchObject([{ rule: 'unprotected', symbol: inst.symbol, value: 5 }]);
    expect(audit.events.some((e) => e.type === 'risk-alert' && (e.payload as { rule: string }).rule === 'unprotected')).toBe(true);
    expect(working(engine)).toEqual(['take-profit:accepted']);
    // Listed until settled: the trader re-places it (the reconciliation screen) or dismisses it.
    expect(engine.unprotected()).toMatchObject([{ order: { clientOrderId: sl.clientOrderId }, qty: 5 }]);
    const again = engine.settleLost(sl.clientOrderId, 'replace')!;
    expect(again).toMatchObject({ tag: 'stop-loss', qty: 5, groupId: sl.groupId, source: 'reconcile', state: 'pending-submit' });
    expect(engine.unprotected()).toEqual([]);
    expect(() => engine.settleLost(sl.clientOrderId, 'replace')).toThrow(/lost protective order/);
    // The trader's decision (reconciliation "re-place") still re-places under the flag policy.
    const c = setup('flag');
    c.engine.closeMissing(c.sl.clientOrderId, 'missing_at_venue', 'replace', 'reconcile');
    expect(c.venue.submitted.at(-1)).toMatchObject({ tag: 'stop-loss', source: 'reconcile', groupId: c.sl.groupId });
  });

  it('a cancel Kestrel asked for keeps the OCO rule: the sibling is canceled too', () => {
    const { engine, venue, alerts, tp, sl } = setup();
    engine.cancel(sl.clientOrderId);
    venue.emit({ kind: 'canceled', clientOrderId: sl.clientOrderId, reason: 'requested', ts: 2 });
    expect(venue.canceled).toEqual([sl.clientOrderId, tp.clientOrderId]);
    expect(tp.state).toBe('pending-cancel');
    expect(alerts).toEqual([]);
  });

  it('with no position left to protect the set ends as an OCO does', () => {
    const { engine, venue, alerts, tp, sl } = setup();
    const flat = engine.submit({ symbol: inst.symbol, side: 'sell', type: 'market', qty: 5 });
    venue.fill(flat, 5, 10_000);
    venue.emit({ kind: 'canceled', clientOrderId: sl.clientOrderId, reason: 'venue', ts: 2 });
    expect(venue.canceled).toEqual([tp.clientOrderId]);
    expect(alerts).toEqual([]);
  });

  it('a venue rule (reduce-only with nothing to reduce, liquidation, a venue-side OCO) is not a loss', () => {
    const { venue, alerts, tp, sl } = setup();
    venue.emit({ kind: 'canceled', clientOrderId: sl.clientOrderId, reason: 'reduce_only_would_increase', ts: 2 });
    expect(venue.canceled).toEqual([tp.clientOrderId]);
    expect(alerts).toEqual([]);
  });

  it('a re-placed part is capped by the position left; automatic re-placements are bounded per set', () => {
    const { engine, venue, alerts, sl } = setup();
    const part = engine.submit({ symbol: inst.symbol, side: 'sell', type: 'market', qty: 2 });
    venue.fill(part, 2, 10_000);
    let lost = sl.clientOrderId;
    for (let k = 0; k < 4; k++) {
      venue.emit({ kind: 'canceled', clientOrderId: lost, reason: 'venue', ts: 3 + k });
      const last = venue.submitted.at(-1)!;
      if (k < 3) {
        expect(last).toMatchObject({ tag: 'stop-loss', qty: 3 });
        lost = last.clientOrderId;
        venue.ack(lost);
      }
    }
    expect(alerts.map((a) => a.rule)).toEqual(['protective_replaced', 'protective_replaced', 'protective_replaced', 'unprotected']);
    expect(alerts.at(-1)!.message).toContain('re-placed 3 times');
    expect(working(engine)).toEqual(['take-profit:accepted']);
    // A flat position settles a flagged one: nothing is left to protect.
    expect(engine.unprotected()).toHaveLength(1);
    venue.fill(engine.submit({ symbol: inst.symbol, side: 'sell', type: 'market', qty: 3 }), 3, 10_000);
    expect(engine.unprotected()).toEqual([]);
  });

  it('a standalone reduce-only stop-loss canceled at the venue is re-placed too', () => {
    const { engine, venue } = setup();
    const stop = engine.submit({ symbol: inst.symbol, side: 'sell', type: 'stop-market', qty: 1, triggerPrice: 9_500, reduceOnly: true, tag: 'stop-loss' });
    venue.ack(stop.clientOrderId);
    venue.emit({ kind: 'canceled', clientOrderId: stop.clientOrderId, reason: 'venue', ts: 2 });
    expect(venue.submitted.at(-1)).toMatchObject({ type: 'stop-market', qty: 1, triggerPrice: 9_500, groupId: undefined });
  });
});

describe('a protective leg refused at placement', () => {
  /** The bracket's entry filled and both exits went out; the stop is refused by the venue instead of acknowledged. */
  function refusedStop(protectiveLost?: ProtectiveLostPolicy, reason = 'venue_OrderImmediatelyFillable', detail: string | undefined = 'Stop price would trigger immediately.') {
    const venue = new ScriptedVenue();
    const engine = new Engine({ instruments: [inst], venue, clock: new SimClock(), audit: new MemoryAuditSink(), portfolio: { baseCurrency: 'USDT', cash: { USDT: '1000000' } }, ...(protectiveLost ? { protectiveLost } : {}) });
    const alerts: RiskAlert[] = [];
    engine.bus.on('risk-alert', (a) => alerts.push(a));
    engine.onTrade({ symbol: inst.symbol, price: 100, qty: 1, ts: 1 });
    const [entry, tp, sl] = engine.submitBracket({ entry: { symbol: inst.symbol, side: 'buy', type: 'market', qty: 5 }, takeProfit: 10_300, stopLoss: 9_800, stopLimit: 9_790 });
    venue.ack(entry!.clientOrderId);
    venue.fill(entry!, 5, 10_000);
    venue.ack(tp!.clientOrderId);
    const refuse = (id: string) => venue.emit({ kind: 'rejected', clientOrderId: id, reason, ts: 2, ...(detail ? { detail } : {}) });
    refuse(sl!.clientOrderId);
    return { engine, venue, alerts, tp: tp!, sl: sl!, refuse };
  }

  it('the sibling keeps working, the refused leg shows rejected with the venue’s reason, an alert says why, and the leg is tried again (bounded)', () => {
    const { engine, venue, alerts, tp, sl, refuse } = refusedStop();
    expect(sl).toMatchObject({ state: 'rejected', reason: 'venue_OrderImmediatelyFillable' });
    expect(tp.state).toBe('accepted');
    expect(venue.canceled).toEqual([]);
    const again = venue.submitted.at(-1)!;
    expect(again).toMatchObject({ type: 'stop-limit', triggerPrice: 9_800, price: 9_790, qty: 5, tag: 'stop-loss', groupId: sl.groupId, reduceOnly: true });
    expect(alerts).toMatchObject([{ rule: 'protective_replaced', symbol: inst.symbol, value: 5 }]);
    expect(alerts[0]!.message).toContain('refused by the venue (Stop price would trigger immediately.)');
    // Refused each time: after 3 automatic attempts the position is flagged unprotected, the take-profit still working.
    let last = again.clientOrderId;
    for (let k = 0; k < 3; k++) {
      refuse(last);
      last = venue.submitted.at(-1)!.clientOrderId;
    }
    expect(alerts.map((a) => a.rule)).toEqual(['protective_replaced', 'protective_replaced', 'protective_replaced', 'unprotected']);
    expect(alerts.at(-1)!.message).toMatch(/refused by the venue \(Stop price would trigger immediately\.\).*re-placed 3 times.*unprotected/);
    expect(working(engine)).toEqual(['take-profit:accepted']);
    expect(engine.unprotected()).toHaveLength(1);
  });

  it('with the flag policy nothing is retried: the position is flagged unprotected, its take-profit kept', () => {
    const { engine, venue, alerts, tp, sl } = refusedStop('flag');
    expect(venue.submitted.filter((o) => o.tag === 'stop-loss')).toHaveLength(1);
    expect(tp.state).toBe('accepted');
    expect(alerts).toMatchObject([{ rule: 'unprotected', value: 5 }]);
    expect(alerts[0]!.message).toContain('Stop price would trigger immediately.');
    expect(engine.unprotected()).toMatchObject([{ order: { clientOrderId: sl.clientOrderId }, qty: 5 }]);
  });

  it('a refusal the same order would meet again (funds) is flagged at once, not retried; the sibling is kept', () => {
    const { engine, venue, alerts, tp } = refusedStop('replace', 'venue_InsufficientFunds', 'Account has insufficient balance for requested action.');
    expect(venue.submitted.filter((o) => o.tag === 'stop-loss')).toHaveLength(1);
    expect(tp.state).toBe('accepted');
    expect(alerts.map((a) => a.rule)).toEqual(['unprotected']);
    expect(alerts[0]!.message).toContain('the same order would be refused again');
    expect(engine.unprotected()).toHaveLength(1);
  });

  it('with no position left to protect a refused exit ends the set as an OCO does; a plain order’s refusal is no protection matter', () => {
    const { engine, venue, alerts, tp, refuse } = refusedStop('flag', 'venue_OrderImmediatelyFillable', undefined);
    expect(alerts.map((a) => a.rule)).toEqual(['unprotected']);
    const again = engine.settleLost(engine.unprotected()[0]!.order.clientOrderId, 'replace')!;
    venue.fill(engine.submit({ symbol: inst.symbol, side: 'sell', type: 'market', qty: 5 }), 5, 10_000);
    refuse(again.clientOrderId);
    expect(venue.canceled).toEqual([tp.clientOrderId]);
    expect(alerts).toHaveLength(1);
    const plain = engine.submit({ symbol: inst.symbol, side: 'buy', type: 'limit', qty: 1, price: 9_000 });
    venue.emit({ kind: 'rejected', clientOrderId: plain.clientOrderId, reason: 'venue_InvalidOrder', ts: 3 });
    expect(alerts).toHaveLength(1);
  });
});
