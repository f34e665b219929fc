/**
 * Indicator alerts in a real host on Kestrel Sim's market stream (its clock at 60×: a 1m bar closes every
 * second): a condition in the rules DSL's syntax fires on closed bars, and each firing is checked against
 * the bars stored in market.db — the values it reports and the crossing it claims are recomputed by hand.
 * A bad expression is a typed validation error naming the field, and nothing is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertFiring } from '../../../main/contract/alerts.ts';
import { startTestHost, type TestHost } from '../../support/host.ts';
import { failure, until } from '../trading/support.ts';

const MIN = 60_000;
let t: TestHost;
const fired: AlertFiring[] = [];

beforeAll(async () => {
  t = await startTestHost({ env: { ...process.env, KESTREL_SIM_SPEED: '60', KESTREL_PAPER: '0' } });
  t.client.on('alerts.fired', (f) => void fired.push(f));
});
afterAll(() => t.close());

const sma = (xs: number[], end: number, n: number) => xs.slice(end - n + 1, end + 1).reduce((a, b) => a + b, 0) / n;

async function stored1m(symbol: string): Promise<{ ts: number[]; close: number[] }> {
  const c = await t.client.call('market.candles', { source: 'kestrel-sim', symbol, timeframe: '1m' });
  return { ts: [...c.ts], close: [...c.close] };
}

describe('indicator alerts on the Kestrel Sim stream', () => {
  it('a bad expression is refused with a typed error naming the field; nothing is stored', async () => {
    const bad = await failure(t.client.call('alerts.create', { name: 'RSI dip', condition: { kind: 'indicator', symbol: 'BTC/USDT', timeframe: '1m', indicators: {}, when: { op: 'lt', a: 'rsi', b: 30 } } }));
    expect(bad.code).toBe('validation');
    expect(bad.message).toMatch(/unknown series "rsi"/);
    expect((bad.details as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual(['condition.when.a']);
    const badIndicator = await failure(t.client.call('alerts.create', { name: 'x', condition: { kind: 'indicator', symbol: 'BTC/USDT', timeframe: '1m', indicators: { rsi: { name: 'rsi', params: { period: 0 } } }, when: { op: 'lt', a: 'rsi', b: 30 } } }));
    expect((badIndicator.details as { issues: { path: string }[] }).issues[0]!.path).toBe('condition.indicators.rsi.params.period');
    const badOp = await failure(t.client.call('alerts.create', { name: 'x', condition: { kind: 'indicator', symbol: 'BTC/USDT', timeframe: '1m', indicators: {}, when: { op: 'crosses_above', a: 'close', b: 1 } } }));
    expect((badOp.details as { issues: { path: string }[] }).issues[0]!.path).toBe('condition.when.op');
    expect((await t.client.call('alerts.list', {})).alerts).toEqual([]);
  });

  it('sma(2) crosses above sma(3) on 1m bars: each firing is a real crossing of the stored bars', async () => {
    const a = await t.client.call('alerts.create', {
      name: 'SMA cross', repeat: 'every', cooldownSec: 0,
      condition: { kind: 'indicator', symbol: 'BTC/USDT', timeframe: '1m', indicators: { fast: { name: 'sma', params: { period: 2 } }, slow: { name: 'sma', params: { period: 3 } } }, when: { op: 'crossesAbove', a: 'fast', b: 'slow' } },
    });
    expect(a.condition).toMatchObject({ kind: 'indicator', indicators: { fast: { name: 'sma', params: { period: 2 } } } });
    const mine = () => fired.filter((f) => f.alertId === a.id);
    await until('two crossings', async () => mine().length >= 2, 120_000);
    const bars = await stored1m('BTC/USDT');
    for (const f of mine().slice(0, 2)) {
      expect(f.message).toMatch(/^BTC\/USDT 1m: fast crosses above slow on the bar of /);
      const i = bars.ts.indexOf(f.detail.barTs as number);
      expect(i).toBeGreaterThan(3);
      // A bar of the market now, not of the week of history the stream's resync replays on connecting.
      expect(bars.ts.length - i).toBeLessThan(30);
      expect(f.detail.close).toBe(bars.close[i]);
      const v = f.detail.values as { fast: number; slow: number };
      expect(v.fast).toBeCloseTo(sma(bars.close, i, 2), 6);
      expect(v.slow).toBeCloseTo(sma(bars.close, i, 3), 6);
      expect(sma(bars.close, i, 2)).toBeGreaterThan(sma(bars.close, i, 3));
      expect(sma(bars.close, i - 1, 2)).toBeLessThanOrEqual(sma(bars.close, i - 1, 3));
    }
    const { firings } = await t.client.call('alerts.history', { alertId: a.id });
    expect(firings.length).toBeGreaterThanOrEqual(2);
    await t.client.call('alerts.delete', { id: a.id });
  });

  it('a 5m condition fires on closed 5m bars built from the stream\'s 1m bars, once for a `once` alert', async () => {
    const a = await t.client.call('alerts.create', { name: '5m close', condition: { kind: 'indicator', symbol: 'ETH/USDT', timeframe: '5m', indicators: {}, when: { op: 'gt', a: 'close', b: 0 } } });
    const f = await until('a closed 5m bar', async () => fired.find((x) => x.alertId === a.id), 60_000);
    const barTs = f.detail.barTs as number;
    expect(barTs % (5 * MIN)).toBe(0);
    const bars = await stored1m('ETH/USDT');
    expect(bars.ts.at(-1)! - barTs).toBeLessThan(30 * MIN);
    expect(f.detail.close).toBe(bars.close[bars.ts.indexOf(barTs + 4 * MIN)]);
    expect((await t.client.call('alerts.list', {})).alerts.find((x) => x.id === a.id)).toMatchObject({ armed: false, fired: 1 });
    // Disarmed: nothing watches ETH/USDT for alerts any more.
    await until('the subscription to end', async () => !t.host.services.alerts.watchedStreams().some((s) => s.includes('ETH/USDT')));
  });
});
