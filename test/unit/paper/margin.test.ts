/**
 * Perpetual margin, hand-worked: BTC/USDT:USDT linear perpetual, tick 0.01, lot 0.001, taker 5 bp, maker 2 bp.
 * Maintenance 0.5 % (no brackets published) unless the test gives tiers.
 */
import { describe, expect, it } from 'vitest';
import { harness, px, type Harness } from '../core/engine-fixtures.ts';
import { defineInstrument, money } from '../../../main/core/model/index.ts';
import { brackets, liquidationPrice, maintenanceMargin } from '../../../main/core/margin/margin.ts';
import { liquidationHook, marginState } from '../../../main/core/margin/account.ts';
import { FundingSchedule } from '../../../main/core/margin/funding.ts';
import type { MarginMode } from '../../../main/core/margin/margin.ts';

const S = 'BTC/USDT:USDT';
const PERP = { symbol: S, kind: 'perpetual' as const, maxLeverage: 50 };

function perp(mode: MarginMode, cash = '100000', leverage = 10, liquidateOnMark = false): Harness {
  const ref: { h?: Harness } = {};
  const h = harness({ spec: PERP, cash, leverage, venue: { liquidation: (s) => liquidationHook(ref.h!.engine.portfolio, mode)(s), liquidateOnMark } });
  ref.h = h;
  return h;
}

function longAt100(h: Harness): void {
  h.engine.onBook({ kind: 'snapshot', symbol: S, ts: 1000, bids: [[99.99, 5]], asks: [[100, 5]] });
  h.engine.submit({ symbol: S, side: 'buy', type: 'market', qty: 1000 });
  h.engine.onBook({ kind: 'delta', symbol: S, ts: 1100, bids: [], asks: [] });
}

describe('perpetual margin', () => {
  it('isolated long 1 BTC @ 100 at 10×: collateral 10, liquidation at (100 − 10) / 0.995 = 90.4523 → 90.46 (rounded up)', () => {
    const h = perp('isolated');
    longAt100(h);
    const m = marginState(h.engine.portfolio, S, 'isolated')!;
    expect(m.collateral).toBe(money('10'));
    expect(m.liquidationPrice).toBe(px(90.46));
    expect(m.initial).toBe(money('10'));
  });

  it('isolated short 1 BTC @ 100 at 10×: liquidation at (100 + 10) / 1.005 = 109.4527 → 109.45 (rounded down)', () => {
    const inst = defineInstrument({ ...PERP, venue: 'paper', base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.001' });
    expect(liquidationPrice(inst, { qty: -1000, cost: -1000 * px(100) }, money('10'))).toBe(px(109.45));
  });

  it('cross: the wallet backs the position; with 1,000 USDT a 1 BTC long at 100 is never liquidated, with 50 it is at 50.31', () => {
    const rich = perp('cross', '1000');
    longAt100(rich);
    expect(Number.isNaN(marginState(rich.engine.portfolio, S, 'cross')!.liquidationPrice)).toBe(true);
    const poor = perp('cross', '50', 5);
    longAt100(poor);
    // wallet 50 − fee 0.05 = 49.95: (100 − 49.95) / 0.995 = 50.3015 → 50.31
    expect(marginState(poor.engine.portfolio, S, 'cross')!.liquidationPrice).toBe(px(50.31));
  });

  it('maintenance brackets: 0.4 % to 50,000, then 0.5 % (cum 50): a 60,000 position keeps 250 of maintenance', () => {
    const inst = defineInstrument({ ...PERP, venue: 'paper', base: 'BTC', quote: 'USDT', tickSize: '0.1', lotSize: '0.001', marginTiers: [{ maxNotional: '50000', maintenanceRate: '0.004', maxLeverage: 125 }, { maxNotional: '250000', maintenanceRate: '0.005', maxLeverage: 100 }] });
    expect(brackets(inst).map((b) => b.cum)).toEqual([0n, money('50')]);
    expect(maintenanceMargin(inst, money('40000'))).toBe(money('160'));
    expect(maintenanceMargin(inst, money('60000'))).toBe(money('250'));
  });

  it('liquidation: a print at 90.45 crosses 90.46; the venue cancels the orders and closes 1 BTC AT 90.46 with the taker fee', () => {
    const h = perp('isolated');
    longAt100(h);
    const tp = h.engine.submit({ symbol: S, side: 'sell', type: 'limit', qty: 1000, price: px(110) });
    h.engine.onTrade({ symbol: S, ts: 2000, price: 90.5, qty: 1 });
    expect(h.engine.portfolio.positionQty(S)).toBe(1000);
    h.engine.onTrade({ symbol: S, ts: 3000, price: 90.45, qty: 1 });
    const liq = h.engine.portfolio.fills().at(-1)!;
    expect(liq).toMatchObject({ side: 'sell', qty: 1000, price: px(90.46), liquidity: 'taker', fee: money('0.04523') });
    expect(liq.clientOrderId).toMatch(/^liquidation-/);
    expect(h.engine.portfolio.positionQty(S)).toBe(0);
    expect(h.engine.order(tp.clientOrderId)).toMatchObject({ state: 'canceled', reason: 'liquidation' });
    // lost 9.54 on the price and 0.05 + 0.04523 in fees: about the 10 of isolated margin
    expect(h.engine.portfolio.position(S).realizedPnl).toBe(money('-9.54'));
  });

  it('liquidation on the venue\'s mark: a wick to 90.00 in the last price liquidates nothing; a mark of 90.46 closes 1 BTC AT 90.46', () => {
    const h = perp('isolated', '100000', 10, true);
    longAt100(h);
    h.engine.onTrade({ symbol: S, ts: 2000, price: 90, qty: 1 });
    h.engine.onBook({ kind: 'snapshot', symbol: S, ts: 2100, bids: [[89.99, 5]], asks: [[90, 5]] });
    expect(h.engine.portfolio.positionQty(S)).toBe(1000);
    h.venue.onMark(S, px(90.47), 2500);
    expect(h.engine.portfolio.positionQty(S)).toBe(1000);
    h.venue.onMark(S, px(90.46), 3000);
    expect(h.engine.portfolio.fills().at(-1)).toMatchObject({ side: 'sell', qty: 1000, price: px(90.46), ts: 3000, liquidity: 'taker' });
    expect(h.engine.portfolio.positionQty(S)).toBe(0);
  });

  it('funding: long 1 BTC, a +1 bp rate at mark 100.00 at 08:00 pays 0.01 USDT once; a short would receive it', () => {
    const h = perp('isolated');
    longAt100(h);
    const sched = new FundingSchedule();
    sched.add(S, [{ ts: 8 * 3_600_000, rate: '0.0001', markPrice: px(100) }, { ts: 16 * 3_600_000, rate: '-0.0002', markPrice: px(100) }]);
    const cash0 = h.engine.portfolio.cash('USDT');
    expect(sched.take(7 * 3_600_000)).toEqual([]);
    for (const d of sched.take(8 * 3_600_000)) h.engine.applyFunding(d);
    expect(sched.take(8 * 3_600_000)).toEqual([]); // paid once
    expect(cash0 - h.engine.portfolio.cash('USDT')).toBe(money('0.01'));
    expect(h.engine.portfolio.position(S).funding).toBe(money('0.01'));
    for (const d of sched.take(16 * 3_600_000)) h.engine.applyFunding(d);
    expect(h.engine.portfolio.position(S).funding).toBe(money('-0.01'));
  });

  it('funding data is hostile input: a rate that is not a decimal is refused with a typed error', () => {
    expect(() => new FundingSchedule().add(S, [{ ts: 1, rate: 'NaN', markPrice: 1 }])).toThrow(/not a decimal/);
  });
});
