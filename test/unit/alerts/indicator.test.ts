/**
 * Indicator alerts in the rules DSL's condition syntax, on hand-worked bars: the DSL's validation (typed
 * errors with the alert's field paths), its evaluator (crossesAbove on exactly one bar), streaming
 * indicators warmed up by history, and 1m bars aggregated into closed higher-timeframe bars.
 */
import { describe, expect, it } from 'vitest';
import { BarAggregator, describeCondition, IndicatorWatch, parseIndicatorAlert, type ClosedBar } from '../../../main/core/alerts/indicator.ts';
import { ValidationError } from '../../../main/core/errors.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 10, 0);
const bars = (closes: number[], from = 0): ClosedBar[] => closes.map((c, k) => ({ ts: T0 + (from + k) * MIN, open: c, high: c, low: c, close: c, volume: 1 }));

const smaCross = { symbol: 'BTC/USDT', timeframe: '1m', indicators: { fast: { name: 'sma', params: { period: 2 } }, slow: { name: 'sma', params: { period: 3 } } }, when: { op: 'crossesAbove', a: 'fast', b: 'slow' } };

function fired(w: IndicatorWatch, bs: ClosedBar[]): number[] {
  return bs.flatMap((b, k) => (w.bar(b) ? [k] : []));
}

function issuesOf(f: () => unknown): { path: string; message: string }[] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return [...(e as ValidationError).issues];
  }
  throw new Error('expected a ValidationError');
}

describe('indicator alert conditions', () => {
  it('sma(2) crosses above sma(3) fires on exactly the crossing bar, saying the values', () => {
    // closes      10   10   10   9     8    12     14
    // sma(2)      –    10   10   9.5   8.5  10     13
    // sma(3)      –    –    10   9.667 9    9.667  11.333
    // fast > slow only from bar 5, and at bar 4 fast ≤ slow: the cross is bar 5 (bar 6 is above, not crossing).
    const w = new IndicatorWatch(parseIndicatorAlert(smaCross));
    const bs = bars([10, 10, 10, 9, 8, 12, 14]);
    const hits: number[] = [];
    let message = '';
    let detail: Record<string, unknown> = {};
    bs.forEach((b, k) => {
      const h = w.bar(b);
      if (h) {
        hits.push(k);
        message = h.message;
        detail = h.detail;
      }
    });
    expect(hits).toEqual([5]);
    expect(message).toBe('BTC/USDT 1m: fast crosses above slow on the bar of 2026-01-05 10:05 UTC (fast 10, slow 9.66667)');
    expect(detail).toMatchObject({ symbol: 'BTC/USDT', timeframe: '1m', barTs: T0 + 5 * MIN, close: 12, values: { fast: 10 } });
    expect((detail.values as { slow: number }).slow).toBeCloseTo(29 / 3, 9);
  });

  it('rsi(2) < 60 holds where Wilder\'s RSI falls from 100 to 50', () => {
    // changes: +1 +1 −1. Seed (bar 2): avg gain 1, avg loss 0 → RSI 100. Bar 3: gain (1·1+0)/2 = 0.5,
    // loss (0·1+1)/2 = 0.5 → RSI 50. Bar 4 (+3): gain (0.5+3)/2 = 1.75, loss 0.25 → RSI 87.5.
    const w = new IndicatorWatch(parseIndicatorAlert({ symbol: 'ETH/USDT', timeframe: '1m', indicators: { rsi: { name: 'rsi', params: { period: 2 } } }, when: { op: 'lt', a: 'rsi', b: 60 } }));
    const bs = bars([10, 11, 12, 11, 14]);
    const out = bs.map((b) => w.bar(b));
    expect(out.map((h) => h !== null)).toEqual([false, false, false, true, false]);
    expect(out[3]!.detail.values).toEqual({ rsi: 50 });
  });

  it('history seeds the indicators without firing; stream bars overlapping it are ignored', () => {
    const w = new IndicatorWatch(parseIndicatorAlert(smaCross));
    const all = bars([10, 10, 10, 9, 8, 12, 14]);
    w.seed(all.slice(0, 5));
    expect(w.bars).toBe(5);
    // The stream repeats bar 4 (already in the history), then brings 5 and 6: the cross is still bar 5, once.
    expect(fired(w, all.slice(4))).toEqual([1]);
    expect(w.bars).toBe(7);
  });

  it('compound conditions and price series use the same DSL: all/for over close', () => {
    const spec = parseIndicatorAlert({ symbol: 'X', timeframe: '1m', indicators: {}, when: { op: 'for', bars: 2, of: { op: 'gt', a: 'close', b: { ref: 'close', ago: 1 } } } });
    expect(describeCondition(spec.when)).toBe('(close > close[1 ago]) for 2 bars');
    // rises at bars 1, 2 (two in a row: fires at 2), 3 (fires), falls at 4, rises at 5 (one only).
    expect(fired(new IndicatorWatch(spec), bars([5, 6, 7, 8, 3, 4]))).toEqual([2, 3]);
  });

  it('a bad expression is a ValidationError naming the alert\'s field', () => {
    expect(issuesOf(() => parseIndicatorAlert({ ...smaCross, when: { op: 'lt', a: 'rsi', b: 30 } }))).toEqual([
      { path: 'when.a', message: expect.stringMatching(/unknown series "rsi"/) as unknown as string },
    ]);
    expect(issuesOf(() => parseIndicatorAlert({ ...smaCross, when: { op: 'below', a: 'fast', b: 30 } }))[0]!.path).toBe('when.op');
    expect(issuesOf(() => parseIndicatorAlert({ ...smaCross, when: { op: 'lt', a: 'fast', b: { ref: 'slow', ago: -1 } } }))[0]!.path).toBe('when.b.ago');
    expect(issuesOf(() => parseIndicatorAlert({ ...smaCross, when: undefined }))[0]!.path).toMatch(/^when/);
    expect(issuesOf(() => parseIndicatorAlert({ ...smaCross, indicators: { ...smaCross.indicators, fast: { name: 'nope', params: {} } } }))).toEqual([{ path: 'indicators.fast.name', message: 'unknown indicator' }]);
    expect(issuesOf(() => parseIndicatorAlert({ ...smaCross, indicators: { fast: { name: 'sma', params: { period: -2 } }, slow: { name: 'sma', params: { period: 3 } } } }))[0]!.path).toBe('indicators.fast.params.period');
    expect(issuesOf(() => parseIndicatorAlert({ ...smaCross, timeframe: '7x' }))[0]!.path).toBe('timeframe');
    // A hostile, deeply nested condition is refused before any recursive walk.
    let deep: unknown = { op: 'gt', a: 'close', b: 1 };
    for (let k = 0; k < 200; k++) deep = { op: 'not', of: deep };
    expect(issuesOf(() => parseIndicatorAlert({ ...smaCross, when: deep }))[0]!.message).toMatch(/deep|depth/i);
  });
});

describe('timeframe bars from closed 1m bars', () => {
  it('a 5m bar closes with its fifth minute, or when a later minute shows the stream skipped some', () => {
    const agg = new BarAggregator(5 * MIN);
    const m = bars([1, 2, 3, 4, 5, 6, 7, 8], 0).map((b, k) => ({ ...b, high: b.close + 0.5, low: b.close - 0.5, volume: k + 1 }));
    const out = [...m.slice(0, 5), m[5]!, m[6]!].flatMap((b) => agg.minute(b));
    expect(out).toEqual([{ ts: T0, open: 1, high: 5.5, low: 0.5, close: 5, volume: 15 }]);
    // Minutes 7..9 missing: minute 10 (next bucket) closes the 5..9 bucket from what it had.
    const late = agg.minute({ ts: T0 + 10 * MIN, open: 11, high: 11, low: 11, close: 11, volume: 1 });
    expect(late).toEqual([{ ts: T0 + 5 * MIN, open: 6, high: 7.5, low: 5.5, close: 7, volume: 13 }]);
    // A repeated minute of a closed bucket changes nothing.
    expect(agg.minute(m[3]!)).toEqual([]);
  });
});
