/**
 * The ledger's trade-id dedupe keeps counter ids (`<prefix><n>`) in a bitmap and every other id in a Set. Whatever
 * the mix, it must answer exactly as a Set of the ids would: a look-alike ("BT-07" vs "BT-7", another prefix, a
 * counter too long for the bitmap) is never taken for an id it was not given.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeenIds } from '../../../main/core/portfolio/portfolio.ts';

const id = fc.oneof(
  fc.integer({ min: 0, max: 40 }).map((n) => `BT-${n}`),
  fc.integer({ min: 0, max: 40 }).map((n) => `BT-0${n}`),
  fc.integer({ min: 0, max: 40 }).map((n) => `BT${n}`),
  fc.integer({ min: 0, max: 40 }).map((n) => `XY-${n}`),
  fc.constantFrom(9_999_999, 10_000_000, 10_000_001, 99_999_999, 100_000_000).map((n) => `BT-${n}`),
  fc.constantFrom(9_999_999, 10_000_000, 10_000_001, 99_999_999).map((n) => `BT-${n % 100}`),
  fc.integer({ min: 0, max: 40 }).map((n) => String(n)),
  fc.string({ maxLength: 6 }),
  fc.constantFrom('', 'BT-', '-1', 'BT-1é', 'é1'),
);

describe('SeenIds (trade-id dedupe)', () => {
  it('answers add and has exactly as a Set does, whichever id claims the counter prefix (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), id), { maxLength: 300 }), (ops) => {
        const seen = new SeenIds();
        const model = new Set<string>();
        for (const [isAdd, x] of ops) {
          if (isAdd) {
            const fresh = !model.has(x);
            model.add(x);
            expect(seen.add(x)).toBe(fresh);
          } else expect(seen.has(x)).toBe(model.has(x));
        }
        for (const x of model) expect(seen.has(x)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps a long run of counter ids, each refused the second time', () => {
    const seen = new SeenIds();
    for (let n = 1; n <= 100_000; n++) expect(seen.add(`BT-${n}`)).toBe(true);
    for (let n = 1; n <= 100_000; n += 997) expect(seen.add(`BT-${n}`)).toBe(false);
    expect(seen.has('BT-100001')).toBe(false);
    expect(seen.has('BT-0')).toBe(false);
  });
});
