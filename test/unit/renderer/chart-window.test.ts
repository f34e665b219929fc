import { describe, expect, it } from 'vitest';
import { FIRST_WINDOW, windowAround } from '../../../renderer/features/chart/window.ts';

describe('windowAround: the bars the chart library is handed', () => {
  it('never exceeds its size, whatever the data length or position', () => {
    for (const n of [0, 10, FIRST_WINDOW, FIRST_WINDOW + 1, 527_040, 1_000_000]) {
      for (const at of [0, 1, n / 3, n / 2, n - 1, n]) {
        const w = windowAround(n, at);
        expect(w.end - w.start).toBe(Math.min(n, FIRST_WINDOW));
        expect(w.start).toBeGreaterThanOrEqual(0);
        expect(w.end).toBeLessThanOrEqual(n);
        if (n) expect(at >= w.start || w.start === 0).toBe(true);
      }
    }
  });
  it('centres on the asked bar when the data allows', () => {
    expect(windowAround(500_000, 100_000)).toEqual({ start: 90_000, end: 110_000 });
    expect(windowAround(500_000, 5)).toEqual({ start: 0, end: FIRST_WINDOW });
    expect(windowAround(500_000, 499_999)).toEqual({ start: 480_000, end: 500_000 });
  });
});
