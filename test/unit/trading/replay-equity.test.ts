import { describe, expect, it } from 'vitest';
import { ReplayEquity } from '../../../main/host/trading/replay-equity.ts';
import type { AccountFigures } from '../../../main/core/portfolio/attribution.ts';

const MIN = 60_000;
const figures = (equity: bigint): AccountFigures => ({ cash: equity, equity, realized: 0n, unrealized: 0n, fees: 0n, funding: 0n });

describe('a replay\'s equity history', () => {
  it('samples the start, every bar with fills, and marks at most once per gap when the equity moved', () => {
    let eq = 1_000_000n;
    const e = new ReplayEquity({ book: 'replay:r', currency: 'USDT', figures: () => figures(eq), equity: () => eq, barMs: MIN, from: 0, to: 100 * MIN });
    e.start(0);
    e.afterBar(MIN, false); // unchanged: no sample
    eq += 5n;
    e.afterBar(2 * MIN, false); // moved: a mark
    e.afterBar(3 * MIN, true); // a fill: always
    const h = e.history();
    expect(h.samples.map((s) => [s.ts, s.reason])).toEqual([[0, 'start'], [2 * MIN, 'mark'], [3 * MIN, 'fill']]);
    expect(h).toMatchObject({ book: 'replay:r', currency: 'USDT', truncated: false });
    expect(e.drain()).toHaveLength(3);
    expect(e.drain()).toHaveLength(0);
    expect(e.history({ limit: 2 })).toMatchObject({ truncated: true, samples: [{ reason: 'mark' }, { reason: 'fill' }] });
    expect(e.history({ from: MIN, to: 3 * MIN }).samples.map((s) => s.reason)).toEqual(['mark']);
  });

  it('a long range marks at most once per range / 1000, and stays bounded by thinning', () => {
    let eq = 0n;
    // A year of 1m bars: a mark every ~8.8 hours of replay time, not every bar.
    const year = 365 * 1440 * MIN;
    const e = new ReplayEquity({ book: 'b', currency: 'USDT', figures: () => figures(eq), equity: () => ++eq, barMs: MIN, from: 0, to: year, max: 500 });
    e.start(0);
    for (let t = MIN; t <= year; t += MIN) e.afterBar(t, t % (97 * MIN) === 0);
    const s = e.history({ limit: 100_000 }).samples;
    expect(e.count).toBeLessThanOrEqual(500);
    expect(s[0]!.reason).toBe('start');
    expect(s.at(-1)!.ts).toBeGreaterThan(year - 97 * MIN);
    for (let i = 1; i < s.length; i++) expect(s[i]!.ts).toBeGreaterThan(s[i - 1]!.ts);
  });

  it('never stamps two samples at one time (a fill sample right after a mark of the same bar time)', () => {
    const e = new ReplayEquity({ book: 'b', currency: 'USDT', figures: () => figures(1n), equity: () => 1n, barMs: MIN, from: 0, to: 10 * MIN });
    e.start(0);
    e.afterBar(0, true);
    expect(e.history().samples.map((s) => s.ts)).toEqual([0, 1]);
  });
});
