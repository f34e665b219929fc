import type { BacktestResultWire } from '../../../main/contract/strategy.ts';

/**
 * A backtest's daily-loss holds lift at the next trading day (nobody is there to lift them): said in words,
 * or a run with a few bad days would read as one that stopped.
 */
export function dailyLossText(k: NonNullable<BacktestResultWire['risk']>): string | null {
  const d = k.dailyLoss;
  if (!d || d.holds === 0) return null;
  const state = k.events.find((e) => e.kind === 'alert' && e.state && /^max_daily_loss/.test(e.rule))?.state ?? 'halted';
  const days = `${d.holds} day${d.holds === 1 ? '' : 's'}`;
  const head = `${state === 'halted' ? 'Halted' : 'Reducing-only'} ${days} by the daily-loss limit`;
  if (d.lifted === d.holds) return `${head}; ${d.holds === 1 ? '' : 'each '}lifted at the next trading day.`;
  const kept = d.holds - d.lifted;
  return `${head}; ${d.lifted} lifted at the next trading day, ${kept} not (a drawdown or other halt held the run, or it ended first).`;
}
