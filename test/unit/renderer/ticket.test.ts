import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TicketRequest } from '../../../main/contract/trading.ts';
import { emptyForm, floorToLot, snapToTick, stepTicks, toRequest } from '../../../renderer/features/ticket/logic.ts';

describe('tick snapping', () => {
  it('snaps to the nearest tick with the tick’s decimals', () => {
    expect(snapToTick('41900.123', '0.01')).toBe('41900.12');
    expect(snapToTick('41900.125', '0.01')).toBe('41900.13');
    expect(snapToTick('100.2671', '0.005')).toBe('100.265');
    expect(snapToTick('100.2681', '0.005')).toBe('100.270');
    expect(snapToTick('7', '0.5')).toBe('7.0');
    expect(snapToTick('12.4', '5')).toBe('10');
    expect(snapToTick('abc', '0.01')).toBe('abc');
  });

  it('is exact where floats drift: the result is always a whole number of ticks, within half a tick', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 9999 }), fc.constantFrom('0.01', '0.001', '0.05', '0.5', '1', '0.00001'), (int, frac, tick) => {
        const v = `${int}.${String(frac).padStart(4, '0')}`;
        const s = snapToTick(v, tick);
        const scale = 10 ** 6;
        const su = Math.round(Number(s) * scale);
        const tu = Math.round(Number(tick) * scale);
        expect(su % tu).toBe(0);
        expect(Math.abs(Number(s) - Number(v))).toBeLessThanOrEqual(Number(tick) / 2 + 1e-6);
      }),
      { numRuns: 2000 },
    );
  });

  it('floors quantities to the lot and steps prices by ticks', () => {
    expect(floorToLot('0.123456', '0.0001')).toBe('0.1234');
    expect(stepTicks('100.00', '0.01', 3, null)).toBe('100.03');
    expect(stepTicks('', '0.01', 1, '42000.123')).toBe('42000.13');
    expect(stepTicks('0.01', '0.01', -5, null)).toBe('0.01');
  });
});

describe('form → request', () => {
  it('builds a strict contract request with snapped prices', () => {
    const r = toRequest({ ...emptyForm('BTC/USDT'), qty: '0.5', price: '41900.127' }, '0.01');
    expect('request' in r && r.request).toEqual({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', source: 'ticket', qty: '0.5', price: '41900.13', tif: 'GTC' });
    if ('request' in r) expect(TicketRequest.safeParse(r.request).success).toBe(true);
  });

  it('sends % of equity instead of a quantity, and brackets with their exits', () => {
    const r = toRequest({ ...emptyForm('ETH/USDT'), side: 'sell', type: 'bracket', qtyMode: 'pct', pct: '10', takeProfit: '2000', stopLoss: '2500' }, '0.01');
    expect('request' in r && r.request).toEqual({ symbol: 'ETH/USDT', side: 'sell', type: 'bracket', source: 'ticket', equityPct: '10', takeProfit: '2000.00', stopLoss: '2500.00', tif: 'GTC' });
  });

  it('sends an OCO as its two exit prices, with no entry price; both are required', () => {
    const r = toRequest({ ...emptyForm('ETH/USDT'), side: 'sell', type: 'oco', qty: '0.5', price: '2100', takeProfit: '2600', stopLoss: '2400.004' }, '0.01');
    expect('request' in r && r.request).toEqual({ symbol: 'ETH/USDT', side: 'sell', type: 'oco', source: 'ticket', qty: '0.5', takeProfit: '2600.00', stopLoss: '2400.00', tif: 'GTC' });
    const stopLimit = toRequest({ ...emptyForm('ETH/USDT'), side: 'sell', type: 'oco', qty: '0.5', takeProfit: '2600', stopLoss: '2400', stopLimit: '2395' }, '0.01');
    expect('request' in stopLimit && stopLimit.request).toMatchObject({ stopLoss: '2400.00', stopLossLimit: '2395.00' });
    const half = toRequest({ ...emptyForm('ETH/USDT'), side: 'sell', type: 'oco', qty: '0.5', takeProfit: '2600' }, '0.01');
    expect('problems' in half && half.problems.map((p) => p.field)).toEqual(['stopLoss']);
  });

  it('names each missing field instead of sending a half order', () => {
    const r = toRequest({ ...emptyForm('BTC/USDT'), type: 'stop-limit', qty: '0' }, '0.01');
    expect('problems' in r && r.problems.map((p) => p.field)).toEqual(['qty', 'price', 'trigger']);
    const pct = toRequest({ ...emptyForm('BTC/USDT'), type: 'market', qtyMode: 'pct', pct: '150' }, '0.01');
    expect('problems' in pct && pct.problems[0]!.message).toMatch(/100%/);
  });
});

describe('typed numbers: each problem named in the trader\'s terms', () => {
  it('comma, exponent, sign, garbage, zero and below one lot each say what is wrong', async () => {
    const { numberProblem } = await import('../../../renderer/features/ticket/logic.ts');
    expect(numberProblem('0,5', 'quantity', '0.00001', 'BTC')).toBe('Use a dot for decimals: 0.5');
    expect(numberProblem('1e2', 'quantity', '0.00001', 'BTC')).toBe('Write the number out (no exponent): 100');
    expect(numberProblem('-3', 'quantity', '0.00001', 'BTC')).toMatch(/positive/);
    expect(numberProblem('abc', 'quantity')).toMatch(/^Not a number/);
    expect(numberProblem('0', 'quantity')).toBe('Enter a quantity above 0');
    expect(numberProblem('0.000001', 'quantity', '0.00001', 'BTC')).toBe('Below one lot (0.00001 BTC)');
    expect(numberProblem('0.00001', 'quantity', '0.00001', 'BTC')).toBeUndefined();
    expect(numberProblem('0.001', 'limit price', '0.01')).toBe('Below one tick (0.01)');
    expect(numberProblem('49000.005', 'limit price', '0.01')).toBeUndefined();
  });
});
