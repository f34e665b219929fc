/**
 * A session's correlation and VaR rules start from the stored candles, not from nothing: with hourly returns
 * they would otherwise say nothing for MIN_ROWS hours. The window is built on a pool thread when the profile
 * is set (and when a session starts), and the rules refuse at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { riskReasonsOf } from '../../../main/contract/trading.ts';
import { DEMO_EXCHANGE } from '../../../main/core/data/demo.ts';
import { MIN_ROWS } from '../../../main/core/risk/stats.ts';
import { startTestHost, type TestHost } from '../../support/host.ts';
import { failure, until } from './support.ts';

let t: TestHost;
beforeAll(async () => {
  t = await startTestHost();
});
afterAll(async () => {
  await t.close();
});

/** 30 hours of 1m candles ending now: BTC and ETH move on one factor, SOL and BNB on their own. */
function storeHistory(): void {
  const candles = t.host.services.market.stores.candles;
  const n = 30 * 60;
  const end = Math.floor(Date.now() / 60_000) * 60_000;
  let s = 7;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  const px: Record<string, number> = { 'BTC/USDT': 42_000, 'ETH/USDT': 2_300, 'SOL/USDT': 100, 'BNB/USDT': 310 };
  const cols = Object.fromEntries(Object.keys(px).map((k) => [k, { ts: [] as number[], close: [] as number[] }]));
  for (let i = 0; i < n; i++) {
    const f = rnd() * 0.01;
    for (const k of Object.keys(px)) {
      px[k] = px[k]! * (1 + (k === 'BTC/USDT' || k === 'ETH/USDT' ? f : rnd() * 0.01));
      cols[k]!.ts.push(end - (n - i) * 60_000);
      cols[k]!.close.push(Math.round(px[k]! * 100) / 100);
    }
  }
  for (const [symbol, c] of Object.entries(cols)) {
    candles.upsert({ source: DEMO_EXCHANGE, symbol, timeframe: '1m' }, { ts: c.ts, open: c.close, high: c.close, low: c.close, close: c.close, volume: c.close.map(() => 1) });
  }
}

describe('the risk window seeded from stored candles', () => {
  it('is ready as soon as the profile is set, shows the stored correlation and refuses an order over the VaR cap', async () => {
    const c = t.client;
    storeHistory();
    await c.call('risk.setProfile', { profile: { name: 'hourly', maxPositionPctEquity: 100, var: { maxPctEquity: 0.05, window: 24 }, correlation: { window: 24, threshold: 0.7, maxBucketPctEquity: 50 }, returnsEveryMinutes: 60 } });
    // Hourly returns: live prints could close at most one row in the time this waits.
    const ready = await until('the seeded window', async () => {
      const p = (await c.call('risk.status', {})).portfolio;
      return p && p.var !== null ? p : undefined;
    }, 30_000);
    expect(ready.rows).toBeGreaterThanOrEqual(MIN_ROWS);
    expect(ready).toMatchObject({ intervalMs: 3_600_000, window: 24 });
    const k = ready.symbols.length;
    const at = (a: string, b: string) => ready.corr[ready.symbols.indexOf(a) * k + ready.symbols.indexOf(b)]!;
    expect(at('BTC/USDT', 'ETH/USDT')).toBeGreaterThan(0.7);
    expect(Math.abs(at('BTC/USDT', 'SOL/USDT'))).toBeLessThan(0.7);
    const refused = await failure(c.call('trading.submit', { symbol: 'ETH/USDT', side: 'buy', type: 'market', qty: '1' }));
    expect(riskReasonsOf(refused).map((r) => r.rule)).toContain('max_var');

    // The window is in the audit log, so the session re-runs to the same verdicts (the refusal included).
    const session = (await c.call('trading.session', {})).sessionId;
    t.host.services.trading.stop('test done');
    const recorded = t.host.services.audit.sessionEvents(session);
    const seeded = recorded.filter((e) => e.type === 'config-change' && (e.payload as { what: string }).what === 'risk-window');
    expect(seeded).toHaveLength(1);
    expect((seeded[0]!.payload as { to: { symbols: string[] } }).to.symbols).toEqual(ready.symbols);
    const rep = await c.call('audit.rerun', { session });
    expect(rep.divergences).toEqual([]);
    expect(rep.identical).toBe(true);
  });
});
