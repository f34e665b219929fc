/**
 * The venue's rules for a leverage or margin-mode change (core/margin/leverage.ts), on a three-bracket perpetual:
 * up to 50,000 USDT 50× (0.4 %), up to 250,000 20× (0.5 %), beyond 10× (1 %).
 */
import { describe, expect, it } from 'vitest';
import { venueCode } from '../../support/venue-code.ts';
import { ValidationError } from '../../../main/core/errors.ts';
import { changeMargin, maxLeverageOf, maxNotionalAt, type MarginChangeContext } from '../../../main/core/margin/leverage.ts';
import { defineInstrument, money } from '../../../main/core/model/index.ts';

const inst = defineInstrument({
  symbol: 'BTC/USDT:USDT', venue: 'paper', base: 'BTC', quote: 'USDT', kind: 'perpetual', tickSize: '0.1', lotSize: '0.001', maxLeverage: 50,
  marginTiers: [
    { maxNotional: '50000', maintenanceRate: '0.004', maxLeverage: 50 },
    { maxNotional: '250000', maintenanceRate: '0.005', maxLeverage: 20 },
    { maxNotional: '0', maintenanceRate: '0.01', maxLeverage: 10 },
  ],
});

const ctx = (o: Partial<MarginChangeContext> = {}): MarginChangeContext => ({
  inst, current: { mode: 'cross', leverage: 20 }, qty: 0, notional: 0n, workingOrders: 0, freeEquity: money('1000000'), ...o,
});


describe('leverage and margin mode changes (venue rules)', () => {
  it('the max leverage is the first bracket\'s; the notional a leverage allows shrinks as it grows', () => {
    expect(maxLeverageOf(inst)).toBe(50);
    expect(maxNotionalAt(inst, 50)).toBe(money('50000'));
    expect(maxNotionalAt(inst, 21)).toBe(money('50000'));
    expect(maxNotionalAt(inst, 20)).toBe(money('250000'));
    expect(maxNotionalAt(inst, 10)).toBeUndefined();
  });

  it('refuses a leverage whose bracket the position and working orders exceed (-2027), allows it within', () => {
    const held = ctx({ qty: 1000, notional: money('100000') });
    expect(venueCode(() => changeMargin(held, { leverage: 25 }))).toBe(-2027);
    expect(() => changeMargin(held, { leverage: 25 })).toThrow(/at most 50000/);
    expect(changeMargin(ctx({ qty: 1000, notional: money('50000') }), { leverage: 50 })).toEqual({ mode: 'cross', leverage: 50 });
    // Working orders count: flat, but 60,000 of orders working.
    expect(venueCode(() => changeMargin(ctx({ notional: money('60000'), workingOrders: 1 }), { leverage: 30 }))).toBe(-2027);
  });

  it('refuses a leverage outside 1..max or not whole (-4028)', () => {
    expect(venueCode(() => changeMargin(ctx(), { leverage: 51 }))).toBe(-4028);
    expect(venueCode(() => changeMargin(ctx(), { leverage: 0 }))).toBe(-4028);
    expect(venueCode(() => changeMargin(ctx(), { leverage: 12.5 }))).toBe(-4028);
  });

  it('refuses a margin mode change with a position (-4048) or working orders (-4047)', () => {
    expect(venueCode(() => changeMargin(ctx({ qty: -5, notional: money('100') }), { mode: 'isolated' }))).toBe(-4048);
    expect(venueCode(() => changeMargin(ctx({ workingOrders: 2, notional: money('100') }), { mode: 'isolated' }))).toBe(-4047);
    expect(changeMargin(ctx(), { mode: 'isolated', leverage: 5 })).toEqual({ mode: 'isolated', leverage: 5 });
  });

  it('isolated: a lower leverage is refused while a position is open (-4161), a higher one is not', () => {
    const iso = ctx({ current: { mode: 'isolated', leverage: 20 }, qty: 1000, notional: money('10000') });
    expect(venueCode(() => changeMargin(iso, { leverage: 10 }))).toBe(-4161);
    expect(changeMargin(iso, { leverage: 25 })).toEqual({ mode: 'isolated', leverage: 25 });
  });

  it('cross: a lower leverage needs its extra initial margin free in the equity (-2019)', () => {
    // 100,000 at 20× holds 5,000; at 10× it needs 10,000.
    const held = (free: string) => ctx({ qty: 1000, notional: money('100000'), freeEquity: money(free) });
    expect(venueCode(() => changeMargin(held('9999.99'), { leverage: 10 }))).toBe(-2019);
    expect(changeMargin(held('10000'), { leverage: 10 })).toEqual({ mode: 'cross', leverage: 10 });
  });

  it('a spot instrument has no leverage to set', () => {
    const spot = defineInstrument({ symbol: 'BTC/USDT', venue: 'paper', base: 'BTC', quote: 'USDT', kind: 'spot', tickSize: '0.1', lotSize: '0.001' });
    expect(() => changeMargin(ctx({ inst: spot }), { leverage: 2 })).toThrow(ValidationError);
  });
});
