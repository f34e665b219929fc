import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../main/core/errors.ts';
import { checkColumns, computeIndicator, createIndicatorStream, indicatorSpec, listIndicators, parseIndicatorSpec, rsi } from '../../../main/core/indicators/index.ts';
import { candles } from './fixtures.ts';

const REQUIRED = ['sma', 'ema', 'wma', 'dema', 'tema', 'rsi', 'macd', 'stoch', 'stochrsi', 'bb', 'atr', 'adx', 'cci', 'mfi', 'obv', 'vwap', 'rvwap', 'donchian', 'keltner', 'roc', 'willr', 'psar', 'ichimoku', 'supertrend', 'stdev', 'zscore', 'corr'];

describe('indicator registry', () => {
  it('lists every indicator of the issue with defaults, outputs and inputs', () => {
    const names = listIndicators().map((d) => d.name);
    for (const r of REQUIRED) expect(names).toContain(r);
    const bb = listIndicators().find((d) => d.name === 'bb')!;
    expect(bb.defaults).toEqual({ period: 20, mult: 2, source: 'close' });
    expect(bb.outputs).toEqual(['middle', 'upper', 'lower', 'percentB', 'bandwidth']);
  });

  it('parses positional and named values into canonical keys', () => {
    expect(parseIndicatorSpec('rsi:14')).toEqual({ name: 'rsi', params: { period: 14, source: 'close' }, key: 'rsi:14' });
    expect(parseIndicatorSpec('RSI').key).toBe('rsi:14');
    expect(parseIndicatorSpec('rsi:period=14').key).toBe('rsi:14');
    expect(parseIndicatorSpec('bb:20:2.5').params).toEqual({ period: 20, mult: 2.5, source: 'close' });
    expect(parseIndicatorSpec('sma:50:high').key).toBe('sma:50:high');
    expect(parseIndicatorSpec('macd').key).toBe('macd:12:26:9');
    expect(indicatorSpec('ema', { period: 21 }).key).toBe('ema:21');
  });

  it.each([
    ['nope:3', /unknown indicator/],
    ['rsi:0', /rsi.period/],
    ['rsi:2.5', /rsi.period/],
    ['rsi:14:close:9', /at most 2 positional/],
    ['rsi:14:period=3', /given twice/],
    ['sma:10:closing', /sma.source/],
    ['bb:20:-1', /bb.mult/],
    ['rsi:foo=1', /foo/],
    ['macd:26:12:9', /fast .* must be below/],
    ['', /empty/],
  ])('rejects %s with a ValidationError', (text, message) => {
    let err: unknown;
    try {
      const s = parseIndicatorSpec(text);
      computeIndicator(s, candles(50));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(message);
  });

  it('computes through the registry exactly as the direct kernel', () => {
    const c = candles(200, 5);
    const r = computeIndicator('rsi:9', c);
    expect(r.outputs.value).toEqual(rsi(c.close, 9));
    expect(r.warmup).toBe(9);
  });

  it('refuses missing columns, length mismatches and non-finite inputs, naming the column', () => {
    const c = candles(60, 2);
    expect(() => computeIndicator('atr:14', { close: c.close })).toThrow(/needs the high column/);
    expect(() => computeIndicator('atr:14', { ...c, low: c.low.subarray(1) })).toThrow(/low has 59 values/);
    const bad = c.close.slice();
    bad[17] = NaN;
    expect(() => computeIndicator('sma:5', { close: bad })).toThrow(ValidationError);
    expect(() => computeIndicator('sma:5', { close: bad })).toThrow(/close\[17\]/);
    expect(() => computeIndicator('corr:5', c)).not.toThrow();
    expect(() => computeIndicator('corr:5', { close: c.close })).toThrow(/ref column/);
  });

  it('streams with a reused output array in declared order', () => {
    const s = createIndicatorStream('macd:3:6:2');
    expect(s.outputs).toEqual(['macd', 'signal', 'hist']);
    let last: Float64Array | undefined;
    for (let i = 0; i < 10; i++) last = s.update({ close: 100 + i });
    expect(last![2]).toBeCloseTo(last![0]! - last![1]!, 12);
  });
});

describe('computeIndicator with checked columns', () => {
  it('skips only the finiteness scan: same results, missing or unequal columns still rejected', () => {
    const c = candles(500, 8);
    expect(computeIndicator('atr:14', c, { checked: true }).outputs).toEqual(computeIndicator('atr:14', c).outputs);
    expect(() => computeIndicator('atr:14', { close: c.close, high: c.high }, { checked: true })).toThrow(/needs the low column/);
    expect(() => computeIndicator('atr:14', { ...c, low: c.low.subarray(1) }, { checked: true })).toThrow(ValidationError);
    const bad = Float64Array.from(c.close);
    bad[7] = NaN;
    expect(() => computeIndicator('rsi:14', { close: bad })).toThrow(ValidationError);
    expect(Number.isNaN(computeIndicator('rsi:14', { close: bad }, { checked: true }).outputs.value!.at(-1))).toBe(true);
  });
});

describe('checkColumns', () => {
  it('reports the first non-finite value wherever it is (block edges, tails, plain arrays)', () => {
    for (const n of [1, 3, 4, 5, 4095, 4096, 4097, 9000]) {
      for (const at of new Set([0, n - 1, Math.floor(n / 2), Math.min(n - 1, 4095), Math.min(n - 1, 4096)])) {
        for (const bad of [NaN, Infinity, -Infinity]) {
          const close = Float64Array.from({ length: n }, (_, i) => 100 + i);
          close[at] = bad;
          if (at + 1 < n) close[n - 1] = NaN; // a later bad value must not be the one reported
          expect(() => checkColumns({ close }, ['close'], 't')).toThrow(`close[${at}] is not a finite number`);
        }
      }
      expect(checkColumns({ close: Array.from({ length: n }, (_, i) => i * 1e300) }, ['close'], 't')).toBe(n);
    }
  });
});
