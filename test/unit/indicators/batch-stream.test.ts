/**
 * Every registered indicator: batch == streaming within 1e-12 (relative), same NaN pattern, and the declared
 * warm-up is the index of the first value, on several seeded series and parameter sets.
 */
import { describe, expect, it } from 'vitest';
import { computeIndicator, createIndicatorStream, listIndicators, parseIndicatorSpec } from '../../../main/core/indicators/index.ts';
import { candles } from './fixtures.ts';

const EXTRA_SPECS = ['sma:1', 'ema:2:hl2', 'wma:5:ohlc4', 'dema:3', 'tema:4:hlc3', 'rsi:2', 'macd:3:7:2', 'bb:5:1.5:open', 'stoch:5:3:2', 'stochrsi:5:4:2:2', 'atr:1', 'adx:3', 'cci:4', 'mfi:3', 'vwap:7200000:1800000', 'rvwap:3', 'donchian:2', 'keltner:5:3:1', 'roc:1', 'willr:3', 'psar:0.05:0.5', 'ichimoku:3:5:7:4', 'supertrend:3:1.5', 'stdev:5:close:1', 'zscore:3', 'corr:4:close:ref', 'corr:6:volume:close'];

describe('batch equals streaming for every indicator', () => {
  const specs = [...listIndicators().map((d) => d.name), ...EXTRA_SPECS];
  for (const text of specs) {
    it(text, () => {
      const spec = parseIndicatorSpec(text);
      for (const seed of [1, 2, 3]) {
        const c = candles(300 + seed * 37, seed, seed === 3 ? 60_000 : 100);
        const r = computeIndicator(spec, c);
        const s = createIndicatorStream(spec);
        const names = s.outputs;
        let defined = 0;
        for (let i = 0; i < c.close.length; i++) {
          const v = s.update({ ts: c.ts[i]!, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]!, ref: c.ref[i]! });
          names.forEach((o, k) => {
            const a = r.outputs[o]![i]!;
            const b = v[k]!;
            if (Number.isNaN(a) || Number.isNaN(b)) {
              if (Number.isNaN(a) !== Number.isNaN(b)) expect.fail(`${text} ${o}[${i}]: batch ${a}, stream ${b}`);
              return;
            }
            defined++;
            if (!(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a)))) expect.fail(`${text} ${o}[${i}]: batch ${a}, stream ${b}`);
          });
        }
        expect(defined).toBeGreaterThan(0);
        const first = r.outputs[names[0]!]!.findIndex((x) => !Number.isNaN(x));
        expect(first, `${text} warm-up`).toBe(r.warmup);
        // NaN until ready, then values: no gaps in the primary output after warm-up.
        for (let i = r.warmup; i < c.close.length; i++) if (Number.isNaN(r.outputs[names[0]!]![i]!)) expect.fail(`${text}: NaN at ${i} after warm-up ${r.warmup}`);
      }
    });
  }
});

describe('batch equals streaming across the periodic exact resync of rolling statistics', () => {
  // 2,048 bars: the last bar is itself a resync bar (the batch loop's edge); 3,000 crosses two resyncs mid-way.
  it.each([
    ['bb:20:2', 3000],
    ['bb:5:1.5', 2048],
    ['stdev:50', 3000],
    ['zscore:30', 3000],
    ['corr:25:close:ref', 3000],
  ] as const)('%s over %i bars', (text, n) => {
    const c = candles(n, 9, 60_000);
    const r = computeIndicator(text, c);
    const s = createIndicatorStream(text);
    for (let i = 0; i < n; i++) {
      const v = s.update({ high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, ref: c.ref[i]! });
      s.outputs.forEach((o, k) => {
        const a = r.outputs[o]![i]!;
        if (!(Object.is(a, v[k]) || Math.abs(a - v[k]!) <= 1e-12 * Math.abs(a))) expect.fail(`${text} ${o}[${i}]: ${a} vs ${v[k]}`);
      });
    }
  });
});
