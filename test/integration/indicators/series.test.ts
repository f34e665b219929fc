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

  it('refuses an unknown indicator with a validation error naming it', async () => {
    const err = await t.client.call('indicators.series', { source: 'test', symbol: 'ABC-USD', timeframe: '1m', spec: 'nope:3' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).code).toBe('validation');
    expect((err as RemoteError).message).toMatch(/unknown indicator "nope"/);
  });
});
