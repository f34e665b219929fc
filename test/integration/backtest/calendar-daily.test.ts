/**
 * Daily bars of a market that closes (weekends and two holidays), generated here: every statistic that
 * depends on time is checked against figures worked out by hand in the comments (issue 21 items 3, 8, 10, 11).
 *
 * January 2024, one bar per trading day at 00:00 UTC; Monday 1st (New Year) and Monday 15th (MLK) are holidays:
 *   bar  0  1  2  3  4  5  6  7  8  9  10 11 12 13 14 15 16 17 18 19 20
 *   date 2  3  4  5  8  9  10 11 12 16 17 18 19 22 23 24 25 26 29 30 31
 *   px   100 100 100 110 105 100 95 100 100 104 108 111 111 111 ... 111 (flat bars: open = high = low = close)
 * The strategy buys 10 on bar 1's close (fills at bar 2's open, 100) and sells 10 on bar 12's close (fills at
 * bar 13's open, 111): +110.
 */
import { describe, expect, it } from 'vitest';
import type { OhlcvColumns } from '../../../main/core/data/candles.ts';
import type { Strategy } from '../../../main/core/engine/strategy.ts';
import { runBacktest, type StrategySource } from '../../../workers/backtest/backtester.ts';

const DAY = 86_400_000;
const DATES = [2, 3, 4, 5, 8, 9, 10, 11, 12, 16, 17, 18, 19, 22, 23, 24, 25, 26, 29, 30, 31];
const PX = [100, 100, 100, 110, 105, 100, 95, 100, 100, 104, 108, 111, 111, 111, 111, 111, 111, 111, 111, 111, 111];

function daily(): OhlcvColumns {
  const n = DATES.length;
  const ts = Float64Array.from(DATES, (d) => Date.UTC(2024, 0, d));
  const px = Float64Array.from(PX);
  return { ts, open: px, high: px, low: px, close: px, volume: new Float64Array(n).fill(1_000) };
}

const CALENDAR = { name: 'test exchange Jan 2024', weekdays: [1, 2, 3, 4, 5], holidays: ['2024-01-01', '2024-01-15'] };
const BASE = { symbols: ['ACME/USD'], timeframe: '1d', currency: 'USD', initialCash: '10000', instruments: { 'ACME/USD': { tickSize: '0.01', lotSize: '1' } } };

function script(actions: Record<number, (ctx: Parameters<Strategy['onBar']>[0]) => void>): StrategySource {
  return { info: { id: 's', name: 's', kind: 'native', version: 'v', params: {} }, create: () => ({ id: 's', onBar: (ctx) => actions[ctx.i]?.(ctx) }) };
}
const roundTrip = script({ 1: (c) => void c.buy(10), 12: (c) => void c.sell(10) });
const run = (config: Record<string, unknown>, strategy = roundTrip) => runBacktest({ config: { ...BASE, ...config }, strategy, datasets: [{ symbol: 'ACME/USD', columns: daily(), source: 'generated' }] });

// Equity at each bar's close, by hand: 10 000 + 10 × (px − 100) while holding (bars 2..12), then 10 110 in cash.
const EQUITY = [10000, 10000, 10000, 10100, 10050, 10000, 9950, 10000, 10000, 10040, 10080, 10110, 10110, 10110, 10110, 10110, 10110, 10110, 10110, 10110, 10110];

function sharpeByHand(periodsPerYear: number): number {
  const r = EQUITY.map((e, i) => e / (i === 0 ? 10_000 : EQUITY[i - 1]!) - 1);
  const mean = r.reduce((a, b) => a + b, 0) / r.length;
  const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (r.length - 1));
  return (mean / sd) * Math.sqrt(periodsPerYear);
}

describe('daily bars with weekends and holidays', () => {
  it('counts bars held, drawdown time and exposure on the data, annualises with 252 trading days', () => {
    const r = run({ calendar: CALENDAR });
    expect(r.status).toBe('ok');
    expect(Array.from(r.equity.value)).toEqual(EQUITY);
    // One trade, bar 2's open → bar 13's open: 11 bars held (the old count was calendar days: Jan 4 → Jan 22 = 18).
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0]).toMatchObject({ entryTs: Date.UTC(2024, 0, 4), exitTs: Date.UTC(2024, 0, 22), pnl: '110', bars: 11 });
    expect(r.stats.avgBarsHeld).toBe(11);
    // Peak 10 100 at bar 3's close (Jan 5); below it through bar 10 (closing Jan 17 24:00), back above at bar 11:
    // 7 bars, and 12 days of time (the old figure was bars × 1 day = 7 days).
    expect(r.stats.maxDrawdownDurationBars).toBe(7);
    expect(r.stats.maxDrawdownDurationMs).toBe(12 * DAY);
    expect(r.stats.maxDrawdown).toBeCloseTo(150 / 10_100, 15);
    // Holding for 11 of 21 bars (by calendar time it would be 18 of 30 days = 0.6).
    expect(r.stats.exposure).toBeCloseTo(11 / 21, 15);
    // Sharpe on the 21 daily returns, × √252 for a weekday market.
    expect(r.stats.sharpe).toBeCloseTo(sharpeByHand(252), 12);
    // CAGR over the calendar span, first bar's open (Jan 2) to last bar's close (Feb 1): 30 days.
    expect(r.stats.cagr).toBeCloseTo((10_110 / 10_000) ** (365 / 30) - 1, 12);
    expect(r.stats.netProfit).toBe('110');
  });

  it('the calendar makes the data certificate pass: no gaps where the market was closed', () => {
    const withCal = run({ calendar: CALENDAR }).certificate.datasets[0]!;
    expect(withCal.gaps).toMatchObject({ count: 0, missing: 0 });
    expect(withCal).toMatchObject({ count: 21, expected: 21, coverage: 1 });
    // Around the clock, the 4 weekends (8 days) and the MLK Monday are 9 missing days in 4 gaps.
    const noCal = run({}).certificate.datasets[0]!;
    expect(noCal.gaps).toMatchObject({ count: 4, missing: 9 });
    expect(noCal.ok).toBe(false);
    // Plain weekdays (no holiday list): the MLK Monday is the one day missing.
    expect(run({ calendar: 'weekdays' }).certificate.datasets[0]!.gaps).toMatchObject({ count: 1, missing: 1 });
  });

  it('a timeframe the candles contradict is refused, whatever the front end', () => {
    expect(() => run({ timeframe: '1m' })).toThrow(/timeframe 1m does not match the ACME\/USD candles: they are mostly 1440 minutes apart/);
  });

  it('periods per year follow the calendar, or the config', () => {
    expect(run({}).stats.sharpe).toBeCloseTo(sharpeByHand(365), 12);
    expect(run({ calendar: 'weekdays' }).stats.sharpe).toBeCloseTo(sharpeByHand(252), 12);
    expect(run({ calendar: CALENDAR, periodsPerYear: 260 }).stats.sharpe).toBeCloseTo(sharpeByHand(260), 12);
  });

  it('closeAtEnd closes the open position at the last close, fee paid, and counts it as a trade', () => {
    // Buy 10 on bar 15's close → fills at bar 16's open (111). Price stays 111; fee 0.1% on each side:
    // 1.11 + 1.11 = 2.22 of fees, so the trade loses 2.22 and equity ends at 9 997.78.
    const hold = script({ 15: (c) => void c.buy(10) });
    const fees = { maker: '0', taker: '0.001' };
    const open = run({ calendar: CALENDAR, fees }, hold);
    expect(open.trades).toHaveLength(0);
    expect(open.openPositions).toEqual([{ symbol: 'ACME/USD', side: 'long', entryTs: Date.UTC(2024, 0, 25), qty: '10' }]);
    expect(open.stats.netProfit).toBe('-1.11');
    const closed = run({ calendar: CALENDAR, fees, closeAtEnd: true }, hold);
    expect(closed.openPositions).toEqual([]);
    expect(closed.trades).toHaveLength(1);
    // Exit at the last bar's close (Jan 31 24:00): bars 16..20 held = 5 bars.
    expect(closed.trades[0]).toMatchObject({ exitReason: 'end', exitTs: Date.UTC(2024, 1, 1), exitPrice: '111', pnl: '-2.22', fees: '2.22', bars: 5 });
    expect(closed.stats.netProfit).toBe('-2.22');
    expect(closed.stats.finalEquity).toBe(9_997.78);
    expect(closed.equity.value.at(-1)).toBe(9_997.78);
    expect(closed.stats.trades).toBe(1);
    expect(closed.stats.exposure).toBeCloseTo(5 / 21, 15);
    expect(closed.config.closeAtEnd).toBe(true);
  });
});
