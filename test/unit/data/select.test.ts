import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { kth, medianInPlace } from '../../../main/core/data/select.ts';

/** Seeded, so a failure repeats. */
function mulberry(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let x = Math.imul(t ^ (t >>> 15), 1 | t);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

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

  it('large arrays (the bracketed path): the sort-based median, odd and even counts, ties and layouts that fool a spaced sample', () => {
    const rng = mulberry(7);
    const layouts: Record<string, (i: number, n: number) => number> = {
      random: () => rng() - 0.5,
      heavyTails: () => Math.tan((rng() - 0.5) * 3.1),
      fewValues: () => Math.floor(rng() * 5),
      mostlyOneValue: (i) => (i % 97 === 0 ? rng() : 0.25),
      sorted: (i) => i,
      reversed: (i, n) => n - i,
      organPipe: (i, n) => Math.min(i, n - i),
      // Every sampled slot (spaced n/4096 apart) holds the same value, everything else differs.
      sampleTrap: (i, n) => (i % Math.floor(n / 4096) === Math.floor(n / 8192) ? 1e9 : i),
      returns: () => Math.log((1 + (rng() - 0.5) * 1e-3) / 1),
    };
    for (const n of [40_001, 40_000, 1 << 17]) {
      for (const [name, f] of Object.entries(layouts)) {
        const xs = Float64Array.from({ length: n }, (_, i) => f(i, n));
        const a = xs.slice();
        expect(medianInPlace(a), `${name} n=${n}`).toBe(referenceMedian(xs));
        // Reordered, never changed: still the same multiset.
        expect(sorted(a), `${name} n=${n} permutation`).toEqual(sorted(xs));
      }
    }
  });

  it('large arrays with NaN: as the sort puts NaN last', () => {
    const xs = Float64Array.from({ length: 50_000 }, (_, i) => (i % 10 === 0 ? NaN : i));
    expect(medianInPlace(xs.slice())).toBe(referenceMedian(xs));
    const mostlyNaN = Float64Array.from({ length: 50_000 }, (_, i) => (i % 3 ? NaN : i));
    expect(medianInPlace(mostlyNaN.slice())).toBeNaN();
  });

  it('refuses an index outside the array', () => {
    expect(() => kth(new Float64Array(3), 3)).toThrow(RangeError);
    expect(() => kth(new Float64Array(0), 0)).toThrow(RangeError);
  });
});
