/** The parameter sets of a sweep: grid order, key order (views take the first key as their x axis), random draws. */
import { describe, expect, it } from 'vitest';
import { paramSets, parseSweep } from '../../../main/core/backtest/sweep.ts';

describe('sweep parameter sets', () => {
  it('a grid lists every combination once, the last name (alphabetically) varying fastest, keys in name order', () => {
    const sets = paramSets(parseSweep({ params: { slow: [30, 60], fast: [5, 10, 15] } }));
    expect(sets).toEqual([
      { fast: 5, slow: 30 }, { fast: 5, slow: 60 },
      { fast: 10, slow: 30 }, { fast: 10, slow: 60 },
      { fast: 15, slow: 30 }, { fast: 15, slow: 60 },
    ]);
    for (const s of sets) expect(Object.keys(s)).toEqual(['fast', 'slow']);
  });

  it('random mode draws distinct grid points, the same ones for the same seed', () => {
    const spec = { mode: 'random', samples: 10, seed: 7, params: { a: [1, 2, 3, 4, 5], b: [10, 20, 30, 40] } } as const;
    const x = paramSets(parseSweep(spec));
    expect(x).toHaveLength(10);
    expect(new Set(x.map((p) => `${p.a}/${p.b}`)).size).toBe(10);
    for (const p of x) expect([1, 2, 3, 4, 5].includes(p.a!) && [10, 20, 30, 40].includes(p.b!)).toBe(true);
    expect(paramSets(parseSweep(spec))).toEqual(x);
    expect(paramSets(parseSweep({ ...spec, seed: 8 }))).not.toEqual(x);
  });

  it('refuses a grid above its combination limit, naming the field', () => {
    expect(() => paramSets(parseSweep({ params: { a: { from: 1, to: 200, step: 1 }, b: { from: 1, to: 100, step: 1 } }, maxCombinations: 10_000 }))).toThrow(/20000 combinations/);
  });
});
