/**
 * An engine that keeps no history (a sweep row): final orders are forgotten, the portfolio keeps no ledger,
 * and fills reach the bus with their order. What it still refuses: a fill for one of its own final orders,
 * and a late ledger entry it could not re-apply.
 */
import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from '../../../../main/core/errors.ts';
import type { Fill } from '../../../../main/core/model/index.ts';
import { Portfolio } from '../../../../main/core/portfolio/portfolio.ts';
import { defineInstrument } from '../../../../main/core/model/index.ts';
import { harness, px, SPEC } from '../engine-fixtures.ts';

const ROW = [100, 101, 99, 100] as const;

describe('engine without history', () => {
  it('forgets final orders, counts every placed one, and hands each fill to the bus with its order', () => {
    const h = harness({ history: false });
    const seen: [string, string | undefined][] = [];
    h.engine.bus.on('fill', ({ fill, order }) => seen.push([fill.clientOrderId, order?.tag]));
    h.bar(ROW);
    const a = h.engine.submit({ symbol: h.inst.symbol, side: 'buy', type: 'market', qty: 1000, tag: 'entry' });
    const b = h.engine.submit({ symbol: h.inst.symbol, side: 'sell', type: 'limit', qty: 1000, price: px(150), tag: 'target' });
    h.bar(ROW);
    expect(a.state).toBe('filled');
    expect(seen).toEqual([[a.clientOrderId, 'entry']]);
    expect(h.engine.order(a.clientOrderId)).toBeUndefined();
    expect(h.engine.order(b.clientOrderId)).toBe(b);
    expect([...h.engine.oms.all()]).toEqual([b]);
    expect(h.engine.oms.placedCount()).toBe(2);
    expect(h.engine.portfolio.positionQty(h.inst.symbol)).toBe(1000);
    expect(() => h.engine.portfolio.fills()).toThrow(IllegalTransitionError);
  });

  it('refuses a fill for one of its own final orders, and still takes a fill for an order placed elsewhere', () => {
    const h = harness({ history: false });
    const errors: unknown[] = [];
    h.engine.bus.on('error', ({ error }) => errors.push(error));
    h.bar(ROW);
    const a = h.engine.submit({ symbol: h.inst.symbol, side: 'buy', type: 'market', qty: 1000 });
    h.bar(ROW);
    const fill: Fill = { venue: 'paper', tradeId: 'late-1', clientOrderId: a.clientOrderId, symbol: h.inst.symbol, side: 'buy', qty: 1000, price: px(100), fee: 0n, feeCurrency: 'USDT', liquidity: 'taker', ts: 3 * 60_000 };
    h.engine.onVenueEvent({ kind: 'fill', fill });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(IllegalTransitionError);
    expect(h.engine.portfolio.positionQty(h.inst.symbol)).toBe(1000);
    h.engine.onVenueEvent({ kind: 'fill', fill: { ...fill, tradeId: 'manual-1', clientOrderId: 'web-7' } });
    expect(errors).toHaveLength(1);
    expect(h.engine.portfolio.positionQty(h.inst.symbol)).toBe(2000);
  });
});

describe('portfolio without a ledger', () => {
  it('applies fills in order, refuses one older than the last with nothing changed, and cannot list fills', () => {
    const inst = defineInstrument(SPEC);
    const p = new Portfolio({ baseCurrency: 'USDT', cash: { USDT: '1000' } }, [inst], { ledger: false });
    const f = (tradeId: string, ts: number, side: 'buy' | 'sell'): Fill => ({ venue: 'paper', tradeId, clientOrderId: 'c', symbol: inst.symbol, side, qty: 1000, price: px(100), fee: 0n, feeCurrency: 'USDT', liquidity: 'taker', ts });
    expect(p.applyFill(f('t1', 10, 'buy'))).toBe(true);
    expect(p.applyFill(f('t2', 20, 'buy'))).toBe(true);
    const cash = p.cash('USDT');
    expect(() => p.applyFill(f('t0', 5, 'sell'))).toThrow(IllegalTransitionError);
    expect(p.positionQty(inst.symbol)).toBe(2000);
    expect(p.cash('USDT')).toBe(cash);
    expect(() => p.fills()).toThrow(/ledger transition not kept → listed/);
  });
});
