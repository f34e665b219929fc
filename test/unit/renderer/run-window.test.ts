import { describe, expect, it } from 'vitest';
import { percentToFraction, resolveWindow } from '../../../renderer/state/run-window.ts';

describe('studio run window and fee', () => {
  it('turns a percent into the exact fraction the host takes', () => {
    const cases: [string, string | null][] = [['0.1', '0.001'], ['10', '0.1'], ['100', '1'], ['0', '0'], ['0.05', '0.0005'], ['12.5', '0.125'], ['1000', '10'], [' 0.075 ', '0.00075'], ['-1', null], ['1e-3', null], ['0,1', null], ['', null]];
    for (const [pct, frac] of cases) expect(percentToFraction(pct), pct).toBe(frac);
  });

  it('fills an empty From/To with fixed dates and says so; keeps typed ones', () => {
    const first = Date.UTC(2025, 2, 4, 13, 0);
    const now = Date.UTC(2026, 11, 7, 14, 30);
    expect(resolveWindow({ from: '', to: '' }, first, now)).toMatchObject({ from: '2025-03-04', to: '2026-12-07' });
    expect(resolveWindow({ from: '', to: '' }, first, now).note).toContain('From and To were empty');
    // Later the same day or any later day: a filled window stays what it is.
    const again = resolveWindow({ from: '2025-03-04', to: '2026-12-07' }, first, now + 86_400_000 * 30);
    expect(again).toEqual({ from: '2025-03-04', to: '2026-12-07', note: null });
    expect(resolveWindow({ from: '2025-06-01', to: '' }, first, now)).toMatchObject({ from: '2025-06-01', to: '2026-12-07' });
  });
});
