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

const DAY = 86_400_000;

describe('paper fees', () => {
  it('a fee is ceil(notional × rate) exactly, through the units shortcut or the division (property)', () => {
    let shortcutless = 0; // cases whose fee per tick·lot is fractional (1e-16 × 1.23e-4): the division runs
    fc.assert(
      fc.property(fc.constantFrom(...grids), fc.constantFrom(...rates), fc.constantFrom(...rates), fc.integer({ min: 1, max: 50_000_000 }), fc.integer({ min: 1, max: 100_000_000 }), fc.boolean(), ([tickSize, lotSize, contractSize], maker, taker, ticks, lots, isMaker) => {
        const inst = defineInstrument({ symbol: 'X/USD', venue: 'paper', base: 'X', quote: 'USD', kind: contractSize === '1' ? 'spot' : 'perpetual', tickSize, lotSize, contractSize, makerFee: maker, takerFee: taker });
        const liq = isMaker ? 'maker' : 'taker';
        const expected = mulRate(notional(inst, ticks, lots), money(isMaker ? maker : taker), 'ceil');
        // With the volume window (a model not told its instruments) and without (told: no tiers).
        const windowless = new FeeModel();
        windowless.pricing([inst]);
        expect(new FeeModel().charge(inst, ticks, lots, liq, 0)).toBe(expected);
        expect(windowless.charge(inst, ticks, lots, liq, 0)).toBe(expected);
        if (tickSize === '0.00000001' && (isMaker ? maker : taker) === '0.000123') shortcutless++;
      }),
      { numRuns: 2000 },
    );
    expect(shortcutless).toBeGreaterThan(0);
  });

  it('volume tiers: the rate falls once 30-day volume reaches a tier and rises when it leaves the window', () => {
    const spec = { venue: 'paper', quote: 'USD', kind: 'spot', tickSize: '1', lotSize: '1', makerFee: '0.001', takerFee: '0.002' } as const;
    const tiered = defineInstrument({ ...spec, symbol: 'T/USD', base: 'T', feeTiers: [{ minVolume: '0', maker: '0.001', taker: '0.002' }, { minVolume: '1000', maker: '0', taker: '0.001' }] });
    const plain = defineInstrument({ ...spec, symbol: 'P/USD', base: 'P' });
    const m = new FeeModel();
    m.pricing([plain, tiered]);
    // 10 × 100 = notional 1000 on the untiered instrument counts toward the venue's volume.
    expect(m.charge(tiered, 10, 10, 'taker', 0)).toBe(money('0.2'));
    expect(m.charge(plain, 10, 90, 'taker', DAY)).toBe(money('1.8'));
    expect(m.charge(tiered, 10, 10, 'taker', 2 * DAY)).toBe(money('0.1'));
    expect(m.charge(tiered, 10, 10, 'maker', 2 * DAY)).toBe(0n);
    // 30 days after the first two fills only the later ones (notional 200) remain in the window.
    expect(m.charge(tiered, 10, 10, 'taker', 31 * DAY + 1)).toBe(money('0.2'));
  });

  it('a venue whose instruments have no tiers charges the base rate whatever its volume', () => {
    const inst = defineInstrument({ symbol: 'P/USD', venue: 'paper', base: 'P', quote: 'USD', kind: 'spot', tickSize: '1', lotSize: '1', makerFee: '0.001', takerFee: '0.002' });
    const m = new FeeModel();
    m.pricing([inst]);
    for (let k = 0; k < 100; k++) expect(m.charge(inst, 1000, 1000, 'taker', k * 60_000)).toBe(money('2000'));
  });
});
