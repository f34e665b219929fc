/** Amending a working order: the venue applies it, the order keeps its id, and the risk gate sees the order as changed. */
import { describe, expect, it } from 'vitest';
import { RiskRejectedError } from '../../../../main/core/errors.ts';
import { LimitsRiskGate } from '../../../../main/core/risk/gate.ts';
import { harness, px } from '../engine-fixtures.ts';

describe('engine.amend', () => {
  it('moves a resting limit; it then fills at the new price', () => {
    const h = harness();
    h.bar([100, 101, 99, 100]);
    const o = h.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: 1000, price: px(90) });
    h.bar([100, 101, 96, 100]); // no fill at 90
    expect(o.state).toBe('accepted');
    h.engine.amend(o.clientOrderId, { price: px(95) });
    expect(o).toMatchObject({ state: 'accepted', price: px(95) });
    expect(h.events.map((e) => e.event)).toContain('amended');
    h.bar([100, 101, 94, 98]);
    expect(o.state).toBe('filled');
    expect(h.engine.portfolio.fills().map((f) => f.price)).toEqual([px(95)]);
  });

  it('gates the changed order in its own place: its slot is not counted twice, a larger size is checked', () => {
    const h = harness({ risk: new LimitsRiskGate({ maxOpenOrders: 1, maxOrderNotional: '200' }) });
    h.bar([100, 101, 99, 100]);
    const o = h.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: 1000, price: px(90) }); // 1 BTC × 90
    h.engine.amend(o.clientOrderId, { price: px(91) }); // still one open order: allowed
    expect(o.price).toBe(px(91));
    expect(() => h.engine.amend(o.clientOrderId, { qty: 3000 })).toThrow(RiskRejectedError); // 3 × 91 > 200
    expect(o).toMatchObject({ qty: 1000, price: px(91), state: 'accepted' });
    expect(h.audit.events.filter((e) => e.type === 'risk-verdict').map((e) => (e.payload as { ok: boolean }).ok)).toEqual([true, true, false]);
  });

  it('refuses a quantity at or below what already filled, and a finished order', () => {
    const h = harness();
    h.bar([100, 101, 99, 100]);
    const o = h.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 1000 });
    h.bar([100, 101, 99, 100]);
    expect(o.state).toBe('filled');
    expect(() => h.engine.amend(o.clientOrderId, { qty: 500 })).toThrow(/above the filled/);
    expect(() => h.engine.amend(o.clientOrderId, { qty: 2000 })).toThrow();
    expect(o.qty).toBe(1000);
  });
});
