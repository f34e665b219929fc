/**
 * Backtests gated by a risk profile: the same gate and monitors as paper and live, every refusal and halt
 * listed in the result and its report. Without a profile a run is gated as before (goldens unchanged).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StrategyContext } from '../../../main/core/engine/strategy.ts';
import { STANDARD_PROFILE } from '../../../main/core/risk/profile.ts';
import { TEMPLATES } from '../../../main/core/strategy/templates.ts';
import { reportHtml } from '../../../main/host/reports/backtest-report.ts';
import { riskEventsCsv } from '../../../main/host/reports/risk-report.ts';
import { runBacktest, rulesSource } from '../../../workers/backtest/backtester.ts';
import { bars, runNative, T0 } from './helpers.ts';

// The golden tests' config (not imported: importing a test file would run its tests here too).
const GOLDEN_CONFIG = {
  symbols: ['BTC/USDT'], timeframe: '1m', initialCash: '10000', fees: { maker: '0.0002', taker: '0.0005' },
  instruments: { 'BTC/USDT': { tickSize: '0.01', lotSize: '0.00001' } },
};

function goldenColumns() {
  const lines = readFileSync(new URL('../../fixtures/golden/demo-btc-1m.csv', import.meta.url), 'utf8').trim().split('\n').slice(1);
  const n = lines.length;
  const c = { ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  lines.forEach((l, i) => {
    const [t, o, h, lo, cl, v] = l.split(',').map(Number);
    c.ts[i] = t!; c.open[i] = o!; c.high[i] = h!; c.low[i] = lo!; c.close[i] = cl!; c.volume[i] = v!;
  });
  return c;
}

describe('backtests with a risk profile', () => {
  const columns = goldenColumns();
  const tpl = TEMPLATES.find((t) => t.id === 'rsi-mean-reversion')!;
  const go = (config: Record<string, unknown>) => runBacktest({ config: { ...GOLDEN_CONFIG, ...config }, strategy: rulesSource(tpl.doc), datasets: [{ symbol: 'BTC/USDT', columns, source: 'golden' }] });

  it('the standard profile refuses the template’s 50 %-of-equity entries (2 % cap) and lists each refusal', () => {
    const free = go({});
    const gated = go({ riskProfile: STANDARD_PROFILE });
    expect(free.risk).toMatchObject({ profile: null, refusalCount: 0, halts: 0 });
    expect(free.trades.length).toBeGreaterThan(0);
    expect(gated.risk!.profile).toBe('standard');
    expect(gated.risk!.refusalCount).toBeGreaterThan(0);
    expect(gated.risk!.byRule['max_position_pct_equity']).toBe(gated.risk!.refusalCount);
    expect(gated.risk!.refusals[0]!.reasons[0]).toMatchObject({ rule: 'max_position_pct_equity', limit: 0.02 });
    expect(gated.trades).toHaveLength(0);
    expect(gated.determinismHash).not.toBe(free.determinismHash); // the profile is part of the config
    const html = reportHtml(gated);
    expect(html).toContain('<h2>Risk</h2>');
    expect(html).toContain('max_position_pct_equity');
    expect(riskEventsCsv(gated.risk!).split('\n')[1]).toContain('refusal,max_position_pct_equity');
  });

  it('a falling market halts the run at the daily loss; later entries are refused as halted; the report says so', () => {
    // Buy 50 units at 100 (half the 10,000 account); the price then falls 1 per bar: −500 (5 %) at 90.
    const rows = Array.from({ length: 20 }, (_, i): [number, number, number, number] => [100 - Math.max(0, i - 1), 100 - Math.max(0, i - 1), 99 - i, 100 - i]);
    const make = () => ({
      id: 'dip-buyer',
      onBar(ctx: StrategyContext) {
        ctx.buy(ctx.i === 0 ? 50 : 1);
      },
    });
    const profile = { name: 'half-in', maxPositionPctEquity: 100, maxDailyLossPct: 5 };
    const r = runNative(make, bars(rows), { riskProfile: profile });
    const log = r.risk!;
    const alert = log.events.find((e) => e.kind === 'alert')!;
    expect(alert).toMatchObject({ rule: 'max_daily_loss_pct', limit: 0.05, state: 'halted' });
    expect(log.events.some((e) => e.kind === 'state' && e.state === 'halted')).toBe(true);
    expect(log.halts).toBe(1);
    expect(log.finalState).toBe('halted');
    const afterHalt = log.refusals.filter((x) => x.ts > alert.ts);
    expect(afterHalt.length).toBeGreaterThan(0);
    expect(afterHalt.every((x) => x.reasons.some((y) => y.rule === 'trading_halted'))).toBe(true);
    expect(reportHtml(r)).toMatch(/half-in · final state halted · \d+ refused orders · 1 halt/);
  });

  it('a loss day halts the run until the next trading day, which trades again; the result counts the hold and its lift', () => {
    // Hourly bars over two and a half UTC days. Day 1: 50 units bought at 100 (half the account) fall to 90
    // (−5 %): halted. Day 2 recovers to 95; day 3 holds. The strategy buys 1 unit every bar after the first.
    const HOUR = 3_600_000;
    const n = 60;
    const px = (i: number) => (i < 10 ? 100 - i : i < 24 ? 90 : 95);
    const c = { ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
    for (let i = 0; i < n; i++) {
      const o = px(Math.max(0, i - 1)), cl = px(i);
      c.ts[i] = T0 + i * HOUR; c.open[i] = o; c.high[i] = Math.max(o, cl); c.low[i] = Math.min(o, cl); c.close[i] = cl; c.volume[i] = 1e6;
    }
    const make = () => ({ id: 'dip-buyer', onBar(ctx: StrategyContext) { ctx.buy(ctx.i === 0 ? 50 : 1); } });
    const r = runNative(make, c, { timeframe: '1h', riskProfile: { name: 'half-in', maxPositionPctEquity: 100, maxDailyLossPct: 5 } });
    const log = r.risk!;
    const day2 = T0 + 24 * HOUR;
    const halt = log.events.find((e) => e.kind === 'state' && e.state === 'halted')!;
    const lift = log.events.find((e) => e.kind === 'state' && e.state === 'active')!;
    expect(halt.ts).toBeLessThan(day2);
    expect(lift.ts).toBeGreaterThanOrEqual(day2);
    expect(lift.ts).toBeLessThanOrEqual(day2 + HOUR); // the first mark of the new day
    expect(log).toMatchObject({ finalState: 'active', halts: 1, dailyLoss: { holds: 1, lifted: 1 } });
    // Refused while halted (day 1 only), filled again from day 2 on: one buy per bar, every bar of days 2 and 3.
    expect(log.refusals.length).toBeGreaterThan(0);
    expect(log.refusals.every((x) => x.ts >= halt.ts && x.ts < lift.ts && x.reasons.some((y) => y.rule === 'trading_halted'))).toBe(true);
    expect(r.counts.fills).toBeGreaterThanOrEqual(1 + 35);
    expect(reportHtml(r)).toContain('the daily-loss hold lifts');
  });

  it('a bad profile is a path-named validation error', () => {
    expect(() => go({ riskProfile: { name: 'x', maxDailyLossPct: -1 } })).toThrow(/riskProfile\.maxDailyLossPct/);
    expect(() => go({ riskProfile: { name: 'x', timeZone: 'Nowhere/Land' } })).toThrow(/IANA time zone/);
  });
});
