/**
 * The fee shortcut (units × fee per tick·lot, no bigint division) must give exactly the fee the general path
 * gives (ceil(notional × rate)), for grids and rates where the shortcut applies and where it does not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineInstrument, money, mulRate, notional } from '../../../main/core/model/index.ts';
import { FeeModel } from '../../../main/venues/paper/fees.ts';

const grids = [['0.01', '0.001', '1'], ['0.5', '1', '1'], ['0.0001', '0.01', '10'], ['0.1', '0.00001', '1'], ['1', '1', '0.001'], ['0.00000001', '0.00000001', '1']] as const;
const rates = ['0.001', '0.0005', '0.0002', '0.00075', '0.000123', '-0.0001', '0'];

describe('paper fees', () => {
  it('the units shortcut equals ceil(notional × rate) exactly (property)', () => {
    let shortcutless = 0; // cases whose fee per tick·lot is fractional (1e-16 × 1.23e-4): the general path runs
    fc.assert(
      fc.property(fc.constantFrom(...grids), fc.constantFrom(...rates), fc.constantFrom(...rates), fc.integer({ min: 1, max: 50_000_000 }), fc.integer({ min: 1, max: 100_000_000 }), fc.boolean(), ([tickSize, lotSize, contractSize], maker, taker, ticks, lots, isMaker) => {
        const inst = defineInstrument({ symbol: 'X/USD', venue: 'paper', base: 'X', quote: 'USD', kind: contractSize === '1' ? 'spot' : 'perpetual', tickSize, lotSize, contractSize, makerFee: maker, takerFee: taker });
        const liq = isMaker ? 'maker' : 'taker';
        const n = notional(inst, ticks, lots);
        const fast = new FeeModel().charge(inst, n, liq, 0, ticks * lots);
        const slow = new FeeModel().charge(inst, n, liq, 0);
        expect(fast).toBe(slow);
        expect(slow).toBe(mulRate(n, money(isMaker ? maker : taker), 'ceil'));
        if (tickSize === '0.00000001' && (isMaker ? maker : taker) === '0.000123') shortcutless++;
      }),
      { numRuns: 2000 },
    );
    expect(shortcutless).toBeGreaterThan(0);
  });
});
