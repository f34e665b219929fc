/** The studio's sentence for a backtest's daily-loss holds and their lifts at the next trading day. */
import { describe, expect, it } from 'vitest';
import { dailyLossText } from '../../../renderer/features/studio/daily-loss-text.ts';

const log = (holds: number, lifted: number, state: 'halted' | 'reducing-only' = 'halted') => ({
  profile: 'standard', finalState: 'active' as const, refusals: [], refusalCount: 0, byRule: {}, halts: holds,
  events: [{ ts: 1, kind: 'alert' as const, rule: 'max_daily_loss_pct', message: 'daily loss reached its limit', state }],
  dailyLoss: { holds, lifted },
});

describe('daily-loss sentence', () => {
  it('says how many days the limit held the run and that each hold lifted at the next trading day', () => {
    expect(dailyLossText(log(3, 3))).toBe('Halted 3 days by the daily-loss limit; each lifted at the next trading day.');
    expect(dailyLossText(log(1, 1, 'reducing-only'))).toBe('Reducing-only 1 day by the daily-loss limit; lifted at the next trading day.');
  });

  it('says so when a hold was not lifted', () => {
    expect(dailyLossText(log(2, 1))).toBe('Halted 2 days by the daily-loss limit; 1 lifted at the next trading day, 1 not (a drawdown or other halt held the run, or it ended first).');
  });

  it('says nothing without holds, or for a result stored before they were counted', () => {
    expect(dailyLossText(log(0, 0))).toBeNull();
    const { dailyLoss: _d, ...old } = log(1, 1);
    expect(dailyLossText(old)).toBeNull();
  });
});
