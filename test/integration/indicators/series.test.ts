import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteError } from '../../../main/contract/index.ts';
import { computeIndicator } from '../../../main/core/indicators/index.ts';
import { startTestHost, type TestHost } from '../../support/host.ts';

let t: TestHost;
const N = 300;
const t0 = Date.UTC(2024, 0, 1);

beforeAll(async () => {
  t = await startTestHost();
  const rows = ['ts,open,high,low,close,volume'];
  let p = 100;
  for (let i = 0; i < N; i++) {
    const c = Math.round((p + Math.sin(i / 7) * 2 + (i % 5) - 2) * 100) / 100;
    rows.push(`${t0 + i * 60_000},${p},${Math.max(p, c) + 1},${Math.min(p, c) - 1},${c},${10 + (i % 3)}`);
    p = c;
  }
  await t.client.call('market.import', { source: 'test', symbol: 'ABC-USD', timeframe: '1m', csv: rows.join('\n') });
});
afterAll(() => t.close());

describe('indicators over the contract', () => {
  it('lists the registry with placement, so the chart knows overlay from pane', async () => {
    const list = await t.client.call('indicators.list', {});
    const rsi = list.find((d) => d.name === 'rsi');
    expect(rsi?.overlay).toBe(false);
    expect(list.find((d) => d.name === 'sma')?.overlay).toBe(true);
  });

  it('computes a series aligned with market.candles at the asked timeframe', async () => {
    const candles = await t.client.call('market.candles', { source: 'test', symbol: 'ABC-USD', timeframe: '5m' });
    const s = await t.client.call('indicators.series', { source: 'test', symbol: 'ABC-USD', timeframe: '5m', spec: 'rsi:14' });
    expect(s.key).toBe('rsi:14');
    expect(Array.from(s.ts)).toEqual(Array.from(candles.ts));
    const want = computeIndicator('rsi:14', { close: candles.close }).outputs.value!;
    const got = s.outputs.find((o) => o.name === 'value')!.values;
    expect(got.length).toBe(candles.count);
    expect(Number.isNaN(got[s.warmup - 1]!)).toBe(true);
    for (let i = s.warmup; i < got.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 10);
  });

  it('follows a live chart: the forming bar replaces the stored bar of its time or follows the last one', async () => {
    const candles = await t.client.call('market.candles', { source: 'test', symbol: 'ABC-USD', timeframe: '1m' });
    const n = candles.count;
    const stored = await t.client.call('indicators.series', { source: 'test', symbol: 'ABC-USD', timeframe: '1m', spec: 'sma:3' });
    const next = { ts: candles.ts[n - 1]! + 60_000, open: 200, high: 210, low: 190, close: 210, volume: 5 };
    const live = await t.client.call('indicators.series', { source: 'test', symbol: 'ABC-USD', timeframe: '1m', spec: 'sma:3', forming: next });
    expect(live.ts.length).toBe(n + 1);
    expect(live.ts[n]).toBe(next.ts);
    const sma = (s: typeof live) => s.outputs[0]!.values;
    expect(sma(live)[n]).toBeCloseTo((candles.close[n - 2]! + candles.close[n - 1]! + 210) / 3, 10);
    // The stored bars' values are unchanged; without the forming bar the tail stays where history ended.
    expect(Array.from(sma(live).subarray(0, n))).toEqual(Array.from(sma(stored)));
    const same = { ts: candles.ts[n - 1]!, open: 200, high: 210, low: 190, close: 150, volume: 5 };
    const replaced = await t.client.call('indicators.series', { source: 'test', symbol: 'ABC-USD', timeframe: '1m', spec: 'sma:3', forming: same });
    expect(replaced.ts.length).toBe(n);
    expect(sma(replaced)[n - 1]).toBeCloseTo((candles.close[n - 3]! + candles.close[n - 2]! + 150) / 3, 10);
    const stale = await t.client.call('indicators.series', { source: 'test', symbol: 'ABC-USD', timeframe: '1m', spec: 'sma:3', forming: { ...same, ts: candles.ts[0]! } });
    expect(Array.from(sma(stale))).toEqual(Array.from(sma(stored)));
  });

  it('refuses an unknown indicator with a validation error naming it', async () => {
    const err = await t.client.call('indicators.series', { source: 'test', symbol: 'ABC-USD', timeframe: '1m', spec: 'nope:3' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).code).toBe('validation');
    expect((err as RemoteError).message).toMatch(/unknown indicator "nope"/);
  });
});
