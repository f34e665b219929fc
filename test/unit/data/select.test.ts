import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { kth, medianInPlace } from '../../../main/core/data/select.ts';

const sorted = (xs: ArrayLike<number>): Float64Array => Float64Array.from(xs).sort();
const same = (a: number, b: number): boolean => (Number.isNaN(a) ? Number.isNaN(b) : a === b);
function referenceMedian(xs: ArrayLike<number>): number {
  const s = sorted(xs);
  const n = s.length;
  if (n === 0) return 0;
  const h = n >> 1;
  return n % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

// Few distinct values so duplicates are common; NaN and infinities included.
const value = fc.oneof(
  { weight: 6, arbitrary: fc.double({ noNaN: true, min: -1e6, max: 1e6 }) },
  { weight: 3, arbitrary: fc.integer({ min: -3, max: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) },
);

describe('order statistics without sorting', () => {
  it('kth equals the value a full sort puts at k (duplicates, NaN last, infinities)', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 300 }), fc.nat(), (xs, r) => {
        const k = r % xs.length;
        expect(same(kth(Float64Array.from(xs), k), sorted(xs)[k]!)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('the median equals the sort-based median', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 300 }), (xs) => {
        expect(same(medianInPlace(Float64Array.from(xs)), referenceMedian(xs))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('stays exact on large adversarial layouts (sorted, reversed, constant, organ pipe, sawtooth)', () => {
    const n = 20_001;
    const layouts: Record<string, (i: number) => number> = {
      sorted: (i) => i,
      reversed: (i) => n - i,
      constant: () => 7,
      organPipe: (i) => Math.min(i, n - i),
      sawtooth: (i) => i % 17,
      twoValues: (i) => (i % 2 ? 1 : -1),
    };
    for (const [name, f] of Object.entries(layouts)) {
      const xs = Float64Array.from({ length: n }, (_, i) => f(i));
      for (const k of [0, 1, n >> 1, n - 2, n - 1]) expect(kth(xs.slice(), k), `${name} k=${k}`).toBe(sorted(xs)[k]);
      expect(medianInPlace(xs.slice(0, n - 1)), name).toBe(referenceMedian(xs.slice(0, n - 1)));
    }
  });

  it('refuses an index outside the array', () => {
    expect(() => kth(new Float64Array(3), 3)).toThrow(RangeError);
    expect(() => kth(new Float64Array(0), 0)).toThrow(RangeError);
  });
});
