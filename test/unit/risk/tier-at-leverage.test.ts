/**
 * The gate's leverage-tier rule (Binance -2027 "Exceeded the maximum allowable position at current leverage."):
 * a perpetual position, with the order and its side's working orders, may not exceed the notional cap of the
 * highest tier that allows the position's leverage. Worked by hand on a three-tier instrument (tick 0.01, lot
 * 0.001: 1 000 lots at 10 000 ticks = 1 unit at 100.00 = 100 USDT).
 */
import { describe, expect, it } from 'vitest';
import { defineInstrument, type MarginTier } from '../../../main/core/model/index.ts';
import { emptyRiskBook, type RiskInput } from '../../../main/core/ports.ts';
import { LimitsRiskGate } from '../../../main/core/risk/gate.ts';
import { harness, SPEC } from '../core/engine-fixtures.ts';
import { RiskRejectedError } from '../../../main/core/errors.ts';

// 125× up to 5 000, 50× up to 20 000, 10× beyond (unbounded).
const TIERS: MarginTier[] = [
  { maxNotional: '5000', maintenanceRate: '0.004', maxLeverage: 125 },
  { maxNotional: '20000', maintenanceRate: '0.01', maxLeverage: 50 },
  { maxNotional: '0', maintenanceRate: '0.05', maxLeverage: 10 },
];
const perp = defineInstrument({ ...SPEC, symbol: 'BTC/USDT:USDT', kind: 'perpetual', maxLeverage: 125, marginTiers: TIERS });
const spot = defineInstrument(SPEC);

function input(o: Partial<RiskInput> & { qty?: number; side?: 'buy' | 'sell' } = {}): RiskInput {
  const { qty, side, ...rest } = o;
  return {
    request: { symbol: perp.symbol, side: side ?? 'buy', type: 'limit', qty: qty ?? 1000, price: 10_000 },
    source: 'ticket', instrument: perp, tradingState: 'active', positionQty: 0, workingQty: 0, openOrders: 0, lastPrice: 10_000, equity: 1e9, ts: 0, leverage: 125,
    ...rest, book: emptyRiskBook(),
  };
}

const tier = (x: RiskInput) => new LimitsRiskGate().check(x).reasons.find((r) => r.rule === 'position_tier_at_leverage');

describe('position tier at the leverage (-2027)', () => {
  it('at 125×: 50 BTC at 100 (5 000) is at the cap and passes; 50.001 BTC is over and refused in the venue\'s words', () => {
    expect(tier(input({ qty: 50_000 }))).toBeUndefined();
    const r = tier(input({ qty: 50_001 }));
    expect(r).toMatchObject({ limit: '5000.00', actual: '5000.1' });
    expect(r?.message).toContain('Exceeded the maximum allowable position at current leverage');
  });

  it('the cap grows as the leverage falls: 50× allows 20 000, 10× anything', () => {
    expect(tier(input({ qty: 200_000, leverage: 50 }))).toBeUndefined();
    expect(tier(input({ qty: 200_001, leverage: 50 }))).toMatchObject({ limit: '20000.00' });
    expect(tier(input({ qty: 10_000_000, leverage: 10 }))).toBeUndefined();
  });

  it('counts the position and the working orders on its side; an order that reduces always passes', () => {
    // 40 BTC held + 5 BTC working buys + this 10 BTC buy = 55 BTC = 5 500 at 125×.
    expect(tier(input({ qty: 10_000, positionQty: 40_000, workingQty: 5_000 }))).toMatchObject({ actual: '5500' });
    expect(tier(input({ qty: 10_000, positionQty: 40_000, workingQty: -5_000 }))).toBeUndefined();
    expect(tier(input({ side: 'sell', qty: 10_000, positionQty: 100_000 }))).toBeUndefined();
  });

  it('spot instruments and inputs without a leverage are not tier-checked', () => {
    expect(tier(input({ qty: 1e7, leverage: undefined }))).toBeUndefined();
    expect(tier(input({ qty: 1e7, instrument: spot, leverage: undefined }))).toBeUndefined();
  });

  it('the kernel hands the gate the position\'s leverage: a paper perpetual order past the tier is refused before the venue', () => {
    const h = harness({ spec: { symbol: perp.symbol, kind: 'perpetual', maxLeverage: 125, marginTiers: TIERS }, risk: new LimitsRiskGate(), cash: '1000000', leverage: 125 });
    h.bar([100, 100, 100, 100]);
    const e = h.engine;
    expect(() => e.submit({ symbol: perp.symbol, side: 'buy', type: 'limit', qty: 60_000, price: 10_000 }, 'ticket')).toThrow(RiskRejectedError);
    e.portfolio.positions.get(perp.symbol)!.leverage = 50;
    expect(() => e.submit({ symbol: perp.symbol, side: 'buy', type: 'limit', qty: 60_000, price: 10_000 }, 'ticket')).not.toThrow();
  });
});
