/**
 * What the kernel promises its host through the ports: each order is stored as an intent exactly once (a
 * bracket exit's release is an update), a risk check without side effects, and paper trade ids that are
 * unique across sessions sharing a ledger while staying deterministic.
 */
import { describe, expect, it } from 'vitest';
import { Engine, SimClock } from '../../../main/core/engine/index.ts';
import { RiskRejectedError } from '../../../main/core/errors.ts';
import { defineInstrument, type Fill, type Order, type OrderRequest } from '../../../main/core/model/index.ts';
import { MemoryAuditSink, type Store } from '../../../main/core/ports.ts';
import { LimitsRiskGate } from '../../../main/core/risk/gate.ts';
import { PaperVenue } from '../../../main/venues/paper/paper-venue.ts';
import { columns, MIN, px, SPEC, type Row } from './engine-fixtures.ts';

/** Behaves like the SQLite ledger: a second intent for one client order id is a conflict. */
class StrictStore implements Store {
  readonly log: { kind: 'intent' | 'update'; id: string; state: string; qty: number }[] = [];
  private readonly ids = new Set<string>();
  private readonly trades = new Set<string>();
  recordIntent(o: Readonly<Order>): void {
    if (this.ids.has(o.clientOrderId)) throw new Error(`second intent for ${o.clientOrderId}`);
    this.ids.add(o.clientOrderId);
    this.log.push({ kind: 'intent', id: o.clientOrderId, state: o.state, qty: o.qty });
  }
  recordOrderUpdate(o: Readonly<Order>): void {
    if (!this.ids.has(o.clientOrderId)) throw new Error(`update before intent for ${o.clientOrderId}`);
    this.log.push({ kind: 'update', id: o.clientOrderId, state: o.state, qty: o.qty });
  }
  recordFill(f: Fill): boolean {
    const k = `${f.venue}\u0000${f.tradeId}`;
    if (this.trades.has(k)) return false;
    this.trades.add(k);
    return true;
  }
}

const inst = defineInstrument(SPEC);
const BTC = 1000;

function engineWith(opts: { store?: Store; audit?: MemoryAuditSink; risk?: LimitsRiskGate; sessionId?: string; seed?: number; participation?: number } = {}): { engine: Engine; venue: PaperVenue } {
  const clock = new SimClock();
  const venue = new PaperVenue({ instruments: [inst], clock, seed: opts.seed ?? 1, ...(opts.participation ? { participation: opts.participation } : {}) });
  const engine = new Engine({
    instruments: [inst], venue, clock, store: opts.store, audit: opts.audit ?? new MemoryAuditSink(), risk: opts.risk, sessionId: opts.sessionId ?? 'T',
    portfolio: { baseCurrency: 'USDT', cash: { USDT: '100000' } },
  });
  return { engine, venue };
}

function feed(engine: Engine, rows: readonly Row[], from = 0): void {
  rows.forEach(([o, h, l, c, v], k) => engine.onCandle(inst.symbol, { ts: (from + k) * MIN, open: o, high: h, low: l, close: c, volume: v ?? 1000 }, MIN));
}

describe('bracket release is an order update, not a second intent', () => {
  it('each order is an intent once; the exits go held → pending-submit as updates sized to the partial fill, before the venue acks', () => {
    const store = new StrictStore();
    const { engine } = engineWith({ store, participation: 0.4 });
    feed(engine, [[100.5, 101, 100.3, 100.6]]);
    const [entry, tp, sl] = engine.submitBracket({ entry: { symbol: inst.symbol, side: 'buy', type: 'limit', qty: BTC, price: px(100), tif: 'IOC' }, takeProfit: px(103), stopLoss: px(98) });
    // 40 % of a 1 BTC bar volume: the IOC entry fills 400 lots and expires, so the exits are released for 400.
    feed(engine, [[99.9, 100.2, 99.8, 100, 1]], 1);
    expect(engine.order(entry!.clientOrderId)).toMatchObject({ state: 'expired', filledQty: 400 });
    const intents = store.log.filter((r) => r.kind === 'intent');
    expect(intents.map((r) => r.id)).toEqual([entry!.clientOrderId, tp!.clientOrderId, sl!.clientOrderId]);
    expect(intents.map((r) => r.state)).toEqual(['pending-submit', 'held', 'held']);
    for (const exit of [tp!, sl!]) {
      const mine = store.log.filter((r) => r.id === exit.clientOrderId);
      const released = mine.findIndex((r) => r.kind === 'update' && r.state === 'pending-submit');
      expect(released).toBeGreaterThan(0);
      expect(mine[released]!.qty).toBe(400);
      expect(mine.slice(released + 1).map((r) => r.state)).toContain('accepted');
      expect(engine.order(exit.clientOrderId)).toMatchObject({ state: 'accepted', qty: 400 });
    }
  });
});

describe('Engine.checkRisk', () => {
  const risk = (): LimitsRiskGate => new LimitsRiskGate({ maxOrderNotional: '150', maxOpenOrders: 2, priceBandBps: 300 });
  const big: OrderRequest = { symbol: inst.symbol, side: 'buy', type: 'limit', qty: 2 * BTC, price: px(99) };
  const ok: OrderRequest = { symbol: inst.symbol, side: 'buy', type: 'limit', qty: BTC, price: px(99) };

  it('gives the verdict submit would give, with the same reasons, and changes nothing', () => {
    const audit = new MemoryAuditSink();
    const store = new StrictStore();
    const { engine, venue } = engineWith({ audit, store, risk: risk() });
    feed(engine, [[100, 101, 99, 100]]);
    const risks: unknown[] = [];
    engine.bus.on('risk', (r) => risks.push(r));
    const auditBefore = audit.events.length;

    const v = engine.checkRisk(big);
    expect(v.ok).toBe(false);
    expect(v.reasons.map((r) => r.rule)).toEqual(['max_order_notional']);
    expect(engine.checkRisk(ok)).toEqual({ ok: true, reasons: [] });
    expect(audit.events.length).toBe(auditBefore);
    expect(risks).toHaveLength(0);
    expect(store.log).toHaveLength(0);
    expect(engine.openOrders()).toHaveLength(0);
    expect(venue.workingCount).toBe(0);

    let thrown: RiskRejectedError | undefined;
    try {
      engine.submit(big);
    } catch (e) {
      thrown = e as RiskRejectedError;
    }
    expect(thrown).toBeInstanceOf(RiskRejectedError);
    expect(thrown!.reasons).toEqual(v.reasons);
  });

  it('follows the live state: open orders, trading state, last price', () => {
    const { engine } = engineWith({ risk: risk() });
    feed(engine, [[100, 101, 99, 100]]);
    engine.submit(ok);
    engine.submit(ok);
    expect(engine.checkRisk(ok).reasons.map((r) => r.rule)).toEqual(['max_open_orders']);
    engine.cancelAll();
    expect(engine.checkRisk(ok).ok).toBe(true);
    engine.setTradingState('halted', 'test');
    expect(engine.checkRisk(ok, 'strategy').reasons.map((r) => r.rule)).toEqual(['trading_halted']);
    engine.setTradingState('active', 'test');
    feed(engine, [[120, 121, 119, 120]], 1); // 99.00 is now 17.5 % below the last price
    expect(engine.checkRisk(ok).reasons.map((r) => r.rule)).toEqual(['price_band']);
  });

  it('refuses an unknown symbol with a ValidationError', () => {
    const { engine } = engineWith();
    expect(() => engine.checkRisk({ ...ok, symbol: 'NOPE/USDT' })).toThrow(/unknown instrument/);
  });
});

describe('paper trade ids', () => {
  const rows: Row[] = [];
  for (let i = 0; i < 60; i++) {
    const o = 100 + ((i * 7) % 11) - 5;
    rows.push([o, o + 1.5, o - 1.5, o + (i % 2 ? 0.5 : -0.5)]);
  }
  const bars = columns(rows);

  /** Buys on even bars, sells on odd ones: one fill per bar. */
  function session(sessionId: string, priorFills: readonly Fill[] = []): Fill[] {
    const { engine } = engineWith({ sessionId, seed: 7 });
    for (const f of priorFills) engine.portfolio.applyFill(f);
    engine.run(inst.symbol, bars, { id: 'flip', onBar: (c) => void (c.i % 2 ? c.sell(BTC) : c.buy(BTC)) });
    return engine.portfolio.fills();
  }

  it('are unique across sessions of one ledger and the same for the same session', () => {
    const a = session('S1');
    const again = session('S1');
    expect(again.map((f) => f.tradeId)).toEqual(a.map((f) => f.tradeId));
    expect(a.length).toBeGreaterThan(50);
    // Session 2 of the same account starts from session 1's fills: none of its own may be taken for a duplicate.
    const all = session('S2', a);
    expect(all).toHaveLength(2 * a.length);
    expect(new Set(all.map((f) => `${f.venue}/${f.tradeId}`)).size).toBe(all.length);
  });

  it('never read as the id of an order of the session (trade 3 is not order 3)', () => {
    const fills = session('S3');
    const orderIds = new Set(fills.map((f) => f.clientOrderId));
    expect(orderIds.size).toBeGreaterThan(10);
    // Order ids run S3-1, S3-2, ... : before the fix fill n was S3-n, the id of another order.
    for (const f of fills) {
      expect(orderIds.has(f.tradeId)).toBe(false);
      expect(f.tradeId).toMatch(/^S3-t\d+$/);
    }
  });

  it('a venue on its own (no kernel session) prefixes them with its id', () => {
    const clock = new SimClock();
    const venue = new PaperVenue({ id: 'pv', instruments: [inst], clock });
    const fills: Fill[] = [];
    venue.connect({ onVenueEvent: (e) => void (e.kind === 'fill' && fills.push(e.fill)) });
    venue.submit({ clientOrderId: 'x-1', symbol: inst.symbol, venue: 'pv', side: 'buy', type: 'market', qty: BTC, tif: 'GTC', reduceOnly: false, postOnly: false, source: 'ticket', state: 'pending-submit', filledQty: 0, filledNotionalTicks: 0, createdTs: 0, updatedTs: 0 } as Order);
    venue.onBar(inst.symbol, bars, 0);
    expect(fills.map((f) => f.tradeId)).toEqual(['pv-t1']);
  });
});
