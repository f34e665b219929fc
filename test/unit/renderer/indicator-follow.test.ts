/**
 * Indicators on a live (non-replay) chart follow its bars: they used to stay at the history's last value
 * while bars advanced. The follower hands the host the bar the chart shows, coalesced: one refresh per
 * period at most, always with the newest bar.
 */
import { describe, expect, it } from 'vitest';
import type { FormingBar } from '../../../main/contract/indicators.ts';
import { followIndicators } from '../../../renderer/features/chart/indicator-follow.ts';

/** A scheduler the test runs by hand (no timers, no waiting). */
function manual() {
  const due: (() => void)[] = [];
  return { schedule: (fn: () => void) => due.push(fn), unschedule: () => void due.splice(0), run: () => due.splice(0).forEach((f) => f()), get pending() { return due.length; } };
}

const bar = (ts: number, close: number) => ({ ts, open: 100, high: Math.max(100, close), low: Math.min(100, close), close });

describe('followIndicators', () => {
  it('a burst of live bars is one refresh, with the newest bar as the forming one', () => {
    const clock = manual();
    const got: FormingBar[] = [];
    const f = followIndicators((b) => got.push(b), 500, clock.schedule, clock.unschedule);
    f.bar(bar(60_000, 101));
    f.bar(bar(60_000, 102));
    f.bar(bar(120_000, 99));
    expect(clock.pending).toBe(1);
    expect(got).toEqual([]);
    clock.run();
    expect(got).toEqual([{ ts: 120_000, open: 100, high: 100, low: 99, close: 99, volume: 0 }]);
  });

  it('every later bar schedules the next refresh (the tail keeps moving)', () => {
    const clock = manual();
    const got: number[] = [];
    const f = followIndicators((b) => got.push(b.close), 500, clock.schedule, clock.unschedule);
    for (const c of [101, 102, 103]) {
      f.bar(bar(60_000, c));
      clock.run();
    }
    expect(got).toEqual([101, 102, 103]);
  });

  it('cancel drops a pending refresh (the chart switched); a bar without prices is skipped', () => {
    const clock = manual();
    const got: number[] = [];
    const f = followIndicators((b) => got.push(b.close), 500, clock.schedule, clock.unschedule);
    f.bar(bar(60_000, 101));
    f.cancel();
    clock.run();
    f.bar({ ts: 60_000, open: Number.NaN, high: 1, low: 1, close: 1 });
    clock.run();
    expect(got).toEqual([]);
  });
});
