import { describe, expect, it } from 'vitest';
import { estimateQty, exitPrice, maxOrderQty, projectedPnl } from '../../../renderer/features/ticket/exits.ts';

const base = { entry: '50000.00', tick: '0.01', qty: '0.1' } as const;

describe('TP/SL from a distance', () => {
  it('puts a buy’s take profit above the entry and its stop below, in ticks, percent and money', () => {
    expect(exitPrice({ ...base, side: 'buy', kind: 'tp', unit: 'ticks', value: '150' })).toEqual({ price: '50001.50' });
    expect(exitPrice({ ...base, side: 'buy', kind: 'sl', unit: 'pct', value: '2' })).toEqual({ price: '49000.00' });
    // 25 USDT at 0.1 BTC is 250 away.
    expect(exitPrice({ ...base, side: 'buy', kind: 'tp', unit: 'money', value: '25' })).toEqual({ price: '50250.00' });
  });
  it('mirrors them for a sell', () => {
    expect(exitPrice({ ...base, side: 'sell', kind: 'tp', unit: 'pct', value: '1' })).toEqual({ price: '49500.00' });
    expect(exitPrice({ ...base, side: 'sell', kind: 'sl', unit: 'ticks', value: '3' })).toEqual({ price: '50000.03' });
  });
  it('snaps to the tick', () => {
    expect(exitPrice({ ...base, tick: '0.5', side: 'buy', kind: 'tp', unit: 'pct', value: '0.0011' })).toEqual({ price: '50000.5' });
  });
  it('names what is wrong instead of producing a price', () => {
    expect(exitPrice({ ...base, side: 'buy', kind: 'sl', unit: 'pct', value: '100' })).toEqual({ problem: 'That puts the stop loss at or below zero' });
    expect(exitPrice({ ...base, side: 'buy', kind: 'tp', unit: 'money', value: '5', qty: '' })).toHaveProperty('problem');
    expect(exitPrice({ ...base, side: 'buy', kind: 'tp', unit: 'ticks', value: '-3' })).toEqual({ problem: 'A number of ticks is positive' });
    expect(exitPrice({ ...base, entry: '', side: 'buy', kind: 'tp', unit: 'ticks', value: '3' })).toEqual({ problem: 'Needs an entry price first' });
    expect(exitPrice({ ...base, side: 'buy', kind: 'tp', unit: 'pct', value: '0.000001' })).toEqual({ problem: 'Less than one tick from the entry' });
  });
  it('projects the P&L before fees, signed for the side', () => {
    expect(projectedPnl('buy', '50000', '50250', '0.1')).toBeCloseTo(25);
    expect(projectedPnl('sell', '50000', '50250', '0.1')).toBeCloseTo(-25);
    expect(projectedPnl('buy', '50000', 'x', '0.1')).toBeNull();
  });
});

describe('quantity from a share of equity', () => {
  it('floors to the lot', () => {
    expect(estimateQty('10', '10000', '50000', '0.00001')).toBe('0.02000');
    expect(estimateQty('33', '10000', '30000', '0.001')).toBe('0.110');
    expect(estimateQty('0.0001', '10000', '50000', '0.001')).toBe('0');
    expect(estimateQty('10', undefined, '50000', '0.001')).toBeNull();
  });
});

describe('the ticket\'s "at most ≈" size', () => {
  it('spot: the free quote over the price, on the lot', () => {
    expect(maxOrderQty({ available: '10000', price: '50000', lot: '0.001' })).toBe('0.200');
  });

  it('perpetual: available margin × leverage over the price, less the taker fee on the notional', () => {
    // 1 000 at 20×: 20 000 of notional before fees; with 0.05 %: 1000 / (50000 × (0.05 + 0.0005)) = 0.39603… BTC.
    expect(maxOrderQty({ available: '1000', price: '50000', lot: '0.001', perpetual: { leverage: 20, takerFee: '0.0005' } })).toBe('0.396');
    // 1×, no fee: the spot figure.
    expect(maxOrderQty({ available: '1000', price: '50000', lot: '0.001', perpetual: { leverage: 1, takerFee: '0' } })).toBe('0.020');
    // The leverage is what moves it: 125× on the same margin.
    expect(maxOrderQty({ available: '1000', price: '50000', lot: '0.001', perpetual: { leverage: 125, takerFee: '0.0005' } })).toBe('2.352');
    expect(maxOrderQty({ available: '-5', price: '50000', lot: '0.001', perpetual: { leverage: 20, takerFee: '0.0005' } })).toBeNull();
    expect(maxOrderQty({ available: '1000', price: '50000', lot: '0.001', perpetual: { leverage: 0, takerFee: '0.0005' } })).toBeNull();
  });
});
