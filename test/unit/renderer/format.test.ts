import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fmtDecimal, fmtMoney, fmtPrice, signed, subDecimal } from '../../../renderer/app/format.ts';

describe('display formatting of host decimals', () => {
  it('rounds money, never truncates (7,491.948 → 7,491.95)', () => {
    expect(fmtMoney('7491.948', 'USDT')).toBe('7,491.95');
    expect(fmtMoney('9994.923540079999', 'USDT')).toBe('9,994.92');
    expect(fmtMoney('-0.005', 'USDT')).toBe('-0.01');
    expect(fmtMoney('10000', 'USDT')).toBe('10,000.00');
    expect(fmtMoney('0.123456789', 'BTC')).toBe('0.12345679');
    expect(fmtDecimal('1.995', 2)).toBe('2');
  });
  it('shows prices at the tick\'s precision', () => {
    expect(fmtPrice('52408.1', '0.01')).toBe('52,408.10');
    expect(fmtPrice('0.5', '0.001')).toBe('0.500');
    expect(fmtPrice('49500', '0.5')).toBe('49,500.0');
  });
  it('colours by what is shown; net is gross minus fees, exactly', () => {
    expect(subDecimal('0.97', '6.01')).toBe('-5.04');
    expect(signed(subDecimal('0.97', '6.01'))).toEqual({ text: '-5.04', cls: 'neg' });
    expect(signed('0.004')).toEqual({ text: '0.00', cls: '' });
    expect(signed('12.5')).toEqual({ text: '+12.50', cls: 'pos' });
  });
  it('rounding agrees with exact decimal rounding (half away from zero) on random amounts', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.integer({ min: 0, max: 6 }), (cents, dp) => {
        const s = `${cents < 0n ? '-' : ''}${(cents < 0n ? -cents : cents) / 10000n}.${((cents < 0n ? -cents : cents) % 10000n).toString().padStart(4, '0')}`;
        const scaled = (cents < 0n ? -cents : cents) * 10n ** BigInt(dp);
        const q = (scaled + 5000n) / 10000n;
        const want = Number(q) / 10 ** dp;
        const got = Number(fmtDecimal(s, dp).replace(/,/g, ''));
        expect(Math.abs(got)).toBeCloseTo(want, 8);
      }),
    );
  });
});
