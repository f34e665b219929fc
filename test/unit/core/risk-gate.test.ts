/** Risk gate v1: each rule rejects with its machine-readable reason, and every verdict is audited. */
import { describe, expect, it } from 'vitest';
import { harness, px } from './engine-fixtures.ts';
import { LimitsRiskGate } from '../../../main/core/risk/gate.ts';
import { RiskRejectedError } from '../../../main/core/errors.ts';

const limits = new LimitsRiskGate({ maxOrderNotional: '5000', maxPositionNotional: '8000', maxPositionPctEquity: 0.5, maxOpenOrders: 2, priceBandBps: 500 });

function rules(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RiskRejectedError);
    return (e as RiskRejectedError).reasons.map((r) => r.rule);
  }
  return [];
}

describe('risk gate v1', () => {
  it('passes a small order and audits the verdict with its inputs', () => {
    const h = harness({ risk: limits, cash: '100000' });
    h.bar([100, 101, 99, 100]);
    expect(rules(() => h.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: 10_000, price: px(99) }))).toEqual([]);
    const v = h.audit.events.find((e) => e.type === 'risk-verdict')!;
    expect(v.payload).toMatchObject({ ok: true, reasons: [], source: 'ticket', inputs: { lastPrice: px(100), positionQty: 0, openOrders: 0 } });
  });

  it('max order notional (5,000): 60 BTC at 100 = 6,000 is rejected with limit and actual', () => {
    const h = harness({ risk: limits });
    h.bar([100, 101, 99, 100]);
    try {
      h.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: 60_000, price: px(100) });
      expect.unreachable();
    } catch (e) {
      expect((e as RiskRejectedError).reasons).toContainEqual({ rule: 'max_order_notional', message: expect.any(String), limit: '5000', actual: '6000' });
    }
    expect(h.engine.openOrders()).toHaveLength(0);
    expect(h.audit.events.filter((e) => e.type === 'risk-verdict').at(-1)!.payload).toMatchObject({ ok: false });
  });

  it('max position notional and % of equity count working orders; max open orders; fat-finger band', () => {
    const h = harness({ risk: limits, cash: '10000' });
    h.bar([100, 101, 99, 100]);
    h.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: 45_000, price: px(99) }); // 4,455 ≤ 5,000 and ≤ 50 % of 10,000
    expect(rules(() => h.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: 40_000, price: px(99) }))).toEqual(['max_position_notional', 'max_position_pct_equity']);
    h.engine.submit({ symbol: 'BTC/USDT', side: 'sell', type: 'limit', qty: 1000, price: px(101) });
    expect(rules(() => h.engine.submit({ symbol: 'BTC/USDT', side: 'sell', type: 'limit', qty: 1000, price: px(102) }))).toEqual(['max_open_orders']);
    h.engine.cancelAll();
    expect(rules(() => h.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: 1000, price: px(10) }))).toEqual(['price_band']);
    expect(rules(() => h.engine.submit({ symbol: 'BTC/USDT', side: 'sell', type: 'stop-market', qty: 1000, triggerPrice: px(94) }))).toEqual(['price_band']);
  });

  it('trading state: halted rejects everything, reducing-only allows only reductions; changes are audited', () => {
    const h = harness();
    h.bar([100, 101, 99, 100]);
    h.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 2000 });
    h.bar([100, 101, 99, 100]);
    h.engine.setTradingState('reducing-only', 'drawdown');
    expect(rules(() => h.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 1 }))).toEqual(['reducing_only']);
    expect(rules(() => h.engine.submit({ symbol: 'BTC/USDT', side: 'sell', type: 'market', qty: 3000 }))).toEqual(['reducing_only']); // would flip short
    expect(rules(() => h.engine.submit({ symbol: 'BTC/USDT', side: 'sell', type: 'market', qty: 1500 }))).toEqual([]);
    h.engine.setTradingState('halted', 'operator');
    expect(rules(() => h.engine.submit({ symbol: 'BTC/USDT', side: 'sell', type: 'market', qty: 100 }))).toEqual(['trading_halted']);
    expect(h.audit.events.filter((e) => e.type === 'trading-state').map((e) => e.payload['to'])).toEqual(['reducing-only', 'halted']);
  });

  it('strategy orders pass the same gate: a rejected strategy order returns undefined and is audited with its signal', () => {
    const h = harness({ risk: new LimitsRiskGate({ maxOrderNotional: '50' }) });
    const results: unknown[] = [];
    h.engine.attach('BTC/USDT', { id: 's', version: '3', onBar: (c) => { if (c.i === 0) results.push(c.buy(1000)); } }, 60_000);
    h.bar([100, 101, 99, 100]);
    expect(results).toEqual([undefined]);
    const sig = h.audit.events.find((e) => e.type === 'signal')!;
    expect(sig).toMatchObject({ strategyVersion: '3', payload: { strategy: 's' } });
    expect(h.audit.events.find((e) => e.type === 'risk-verdict')!.payload).toMatchObject({ ok: false, source: 'strategy' });
  });
});
