/**
 * Correlation and VaR in a paper session through the real host: the rules read returns sampled from the
 * session's own prices (no one feeds them), the risk status shows the VaR and the correlation matrix once the
 * window holds enough returns, and an order whose VaR is over the cap is refused naming the rule.
 * The paper clock runs 600× with a 100 ms tick: one paper minute per tick, one return per tick.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { riskReasonsOf } from '../../../main/contract/trading.ts';
import { MIN_ROWS } from '../../../main/core/risk/stats.ts';
import { startTestHost, type TestHost } from '../../support/host.ts';
import { failure, until } from './support.ts';

let t: TestHost;
const saved = { ...process.env };
const ENV = { KESTREL_FEED_TICK_MS: '100', KESTREL_FEED_CYCLE_MS: '60000', KESTREL_FEED_SWING_BPS: '40', KESTREL_FEED_SPEED: '600' };
beforeAll(async () => {
  Object.assign(process.env, ENV);
  t = await startTestHost();
});
afterAll(async () => {
  await t.close();
  for (const k of Object.keys(ENV)) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('correlation and VaR in a paper session', () => {
  it('warm up from the session’s prices, then show VaR and correlation and refuse an order over the VaR cap', async () => {
    const c = t.client;
    // A position before the rules exist (the session's own candles may seed the window at once: risk-window.test.ts).
    await c.call('trading.submit', { symbol: 'ETH/USDT', side: 'buy', type: 'market', qty: '0.01' });
    const st0 = await c.call('risk.setProfile', { profile: { name: 'var', maxPositionPctEquity: 100, var: { maxPctEquity: 0.01, window: 40 }, correlation: { window: 40, threshold: 0.7, maxBucketPctEquity: 50 }, returnsEveryMinutes: 1 } });
    expect(st0.portfolio).toMatchObject({ method: 'parametric', confidence: 0.99, intervalMs: 60_000, window: 40, needRows: MIN_ROWS, var: null });
    const ready = await until('the returns window to fill', async () => {
      const s = await c.call('risk.status', {});
      return s.portfolio && s.portfolio.var !== null ? s.portfolio : undefined;
    }, 60_000);
    expect(ready.rows).toBeGreaterThanOrEqual(MIN_ROWS);
    const k = ready.symbols.length;
    expect(k).toBeGreaterThanOrEqual(2);
    expect(ready.corr).toHaveLength(k * k);
    for (let i = 0; i < k; i++) expect(ready.corr[i * k + i]).toBe(1);
    expect(ready.var!).toBeGreaterThan(0);
    const refused = await failure(c.call('trading.submit', { symbol: 'ETH/USDT', side: 'buy', type: 'market', qty: '1' }));
    expect(riskReasonsOf(refused).map((r) => r.rule)).toContain('max_var');
    const report = await c.call('risk.report', {});
    expect(JSON.parse(report.json).portfolio).toMatchObject({ method: 'parametric', window: 40 });
    expect(report.csv).toMatch(/VaR 1-day 99%/);
  });
});
