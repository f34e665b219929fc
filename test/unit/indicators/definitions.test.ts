/**
 * Our kernels against hand-checked sequences and against direct from-the-definition recomputation (each
 * index recomputed from scratch over its window), on seeded random walks including a 60,000-level price
 * where sum-of-squares variance would lose precision.
 */
import { describe, expect, it } from 'vitest';
import * as I from '../../../main/core/indicators/index.ts';
import { candles } from './fixtures.ts';

function close(a: ArrayLike<number>, b: ArrayLike<number>, rel = 1e-9, from = 0): void {
  expect(a.length).toBe(b.length);
  for (let i = from; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) expect.fail(`[${i}] ${x} vs ${y}`);
      continue;
    }
    if (!(Math.abs(x - y) <= rel * Math.max(1, Math.abs(y)))) expect.fail(`[${i}] ${x} vs ${y}`);
  }
}

const win = (s: ArrayLike<number>, i: number, p: number) => Array.from(s).slice(i - p + 1, i + 1);
const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
const defined = (n: number, from: number, f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => (i < from ? NaN : f(i)));

describe('hand-checked sequences', () => {
  const x = [1, 2, 3, 4, 5, 6];
  it('SMA, WMA, EMA seeding, ROC', () => {
    close(I.sma(x, 3), [NaN, NaN, 2, 3, 4, 5]);
    close(I.wma(x, 3), [NaN, NaN, 14 / 6, 20 / 6, 26 / 6, 32 / 6]);
    // EMA(3): seed SMA(1,2,3) = 2 at index 2, then k = 0.5: 3, 4, 5.
    close(I.ema(x, 3), [NaN, NaN, 2, 3, 4, 5]);
    close(I.ema([2, 4, 8], 3, 'first'), [2, 3, 5.5]);
    close(I.roc([100, 110, 99], 1), [NaN, 10, -10]);
  });
  it('RSI(2): seed = mean of first two changes, then Wilder', () => {
    // changes +2, -1 → g=1, l=0.5 → 66.67; then +3 → g=(1+3)/2=2, l=0.25 → 88.89; flat series → 50.
    close(I.rsi([10, 12, 11, 14], 2), [NaN, NaN, 200 / 3, 800 / 9]);
    close(I.rsi([5, 5, 5, 5], 2), [NaN, NaN, 50, 50]);
  });
  it('ATR(2): TR[0]=H-L, mean seed, Wilder', () => {
    const h = [10, 12, 11];
    const l = [8, 9, 7];
    const c = [9, 11, 8];
    // TR = 2, max(3, 3, 0) = 3, max(4, 0, 4) = 4 → ATR[1] = 2.5, ATR[2] = (2.5 + 4) / 2 = 3.25
    close(I.atr(h, l, c, 2), [NaN, 2.5, 3.25]);
  });
  it('Bollinger: population stdev, %B, bandwidth', () => {
    const b = I.bollinger([1, 2, 3], 3, 2);
    const sd = Math.sqrt(2 / 3);
    close(b.middle, [NaN, NaN, 2]);
    close(b.upper, [NaN, NaN, 2 + 2 * sd]);
    close(b.percentB, [NaN, NaN, (3 - (2 - 2 * sd)) / (4 * sd)]);
    close(b.bandwidth, [NaN, NaN, (100 * 4 * sd) / 2]);
    expect(I.bollinger([7, 7, 7], 3).percentB[2]).toBe(0.5);
  });
  it('OBV, MACD readiness, DEMA/TEMA readiness', () => {
    close(I.obv([10, 11, 11, 9], [5, 3, 4, 2]), [5, 8, 8, 6]);
    const m = I.macd(Float64Array.from({ length: 60 }, (_, i) => 100 + Math.sin(i)));
    expect(m.macd.findIndex((v) => !Number.isNaN(v))).toBe(25);
    expect(m.signal.findIndex((v) => !Number.isNaN(v))).toBe(33);
    expect(I.dema(Float64Array.from({ length: 30 }, (_, i) => i), 5).findIndex((v) => !Number.isNaN(v))).toBe(8);
    // DEMA/TEMA of a straight line have no lag once ready.
    close(I.tema(Float64Array.from({ length: 40 }, (_, i) => 3 * i), 4), Float64Array.from({ length: 40 }, (_, i) => (i < 9 ? NaN : 3 * i)), 1e-12);
  });
  it('PSAR: long start, SAR = previous extreme, reversal to the extreme point', () => {
    const r = I.psar([10, 11, 12, 13, 9], [9, 10, 11, 12, 8]);
    expect(r.sar[0]).toBeNaN();
    expect(r.sar[1]).toBe(9); // first SAR = bar 0 low
    expect(r.direction[1]).toBe(1);
    expect(r.sar[2]).toBe(9); // 9.04 clamped to the prior bars' lows
    expect(r.sar[3]).toBeCloseTo(9 + 0.04 * (12 - 9), 12);
    expect(r.direction[4]).toBe(-1);
    expect(r.sar[4]).toBe(13); // reversal: SAR jumps to the extreme point (highest high)
  });
});

describe('from-the-definition recomputation', () => {
  for (const [seed, base] of [[11, 100], [12, 60_000]] as const) {
    const c = candles(400, seed, base);
    const n = c.close.length;
    const tp = c.close.map((_, i) => (c.high[i]! + c.low[i]! + c.close[i]!) / 3);
    it(`SMA, WMA, stdev, z-score, Bollinger (base ${base})`, () => {
      close(I.sma(c.close, 20), defined(n, 19, (i) => mean(win(c.close, i, 20))));
      close(I.wma(c.close, 10), defined(n, 9, (i) => win(c.close, i, 10).reduce((s, v, k) => s + (k + 1) * v, 0) / 55));
      const sd = (i: number, p: number, ddof = 0) => {
        const w = win(c.close, i, p);
        const m = mean(w);
        return Math.sqrt(w.reduce((s, v) => s + (v - m) ** 2, 0) / (p - ddof));
      };
      close(I.stdev(c.close, 20), defined(n, 19, (i) => sd(i, 20)), 1e-7);
      close(I.stdev(c.close, 20, 1), defined(n, 19, (i) => sd(i, 20, 1)), 1e-7);
      close(I.zscore(c.close, 20), defined(n, 19, (i) => (c.close[i]! - mean(win(c.close, i, 20))) / sd(i, 20)), 1e-6);
      close(I.bollinger(c.close, 20, 2).upper, defined(n, 19, (i) => mean(win(c.close, i, 20)) + 2 * sd(i, 20)), 1e-9);
    });
    it(`Stochastic, Williams %R, Donchian, CCI, MFI, rolling VWAP, correlation (base ${base})`, () => {
      const hh = (i: number, p: number) => Math.max(...win(c.high, i, p));
      const ll = (i: number, p: number) => Math.min(...win(c.low, i, p));
      const rawK = defined(n, 13, (i) => (hh(i, 14) === ll(i, 14) ? 50 : (100 * (c.close[i]! - ll(i, 14))) / (hh(i, 14) - ll(i, 14))));
      const st = I.stochastic(c.high, c.low, c.close, 14, 3, 3);
      close(st.k, defined(n, 15, (i) => mean(win(rawK, i, 3))));
      close(I.williamsR(c.high, c.low, c.close, 14), defined(n, 13, (i) => (hh(i, 14) === ll(i, 14) ? -50 : (-100 * (hh(i, 14) - c.close[i]!)) / (hh(i, 14) - ll(i, 14)))));
      close(I.donchian(c.high, c.low, 20).middle, defined(n, 19, (i) => (hh(i, 20) + ll(i, 20)) / 2));
      close(I.cci(c.high, c.low, c.close, 20), defined(n, 19, (i) => {
        const w = win(tp, i, 20);
        const m = mean(w);
        const md = mean(w.map((v) => Math.abs(v - m)));
        return md === 0 ? 0 : (tp[i]! - m) / (0.015 * md);
      }), 1e-7);
      close(I.mfi(c.high, c.low, c.close, c.volume, 14), defined(n, 14, (i) => {
        let p = 0;
        let q = 0;
        for (let j = i - 13; j <= i; j++) {
          if (tp[j]! > tp[j - 1]!) p += tp[j]! * c.volume[j]!;
          if (tp[j]! < tp[j - 1]!) q += tp[j]! * c.volume[j]!;
        }
        return p + q === 0 ? 50 : (100 * p) / (p + q);
      }), 1e-8);
      close(I.rollingVwap(c.high, c.low, c.close, c.volume, 14), defined(n, 13, (i) => {
        const v = win(c.volume, i, 14).reduce((a, b) => a + b, 0);
        return v === 0 ? tp[i]! : win(tp, i, 14).reduce((a, t, k) => a + t * win(c.volume, i, 14)[k]!, 0) / v;
      }), 1e-9);
      close(I.correlation(c.close, c.ref, 20), defined(n, 19, (i) => {
        const x = win(c.close, i, 20);
        const y = win(c.ref, i, 20);
        const mx = mean(x);
        const my = mean(y);
        let sxy = 0;
        let sxx = 0;
        let syy = 0;
        for (let k = 0; k < 20; k++) {
          sxy += (x[k]! - mx) * (y[k]! - my);
          sxx += (x[k]! - mx) ** 2;
          syy += (y[k]! - my) ** 2;
        }
        return sxx * syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
      }), 1e-7);
    });
    it(`Ichimoku lines and displacement (base ${base})`, () => {
      const ich = I.ichimoku(c.high, c.low, 9, 26, 52, 26);
      const mid = (i: number, p: number) => (Math.max(...win(c.high, i, p)) + Math.min(...win(c.low, i, p))) / 2;
      close(ich.tenkan, defined(n, 8, (i) => mid(i, 9)));
      close(ich.senkouA, defined(n, 25 + 26, (i) => (mid(i - 26, 9) + mid(i - 26, 26)) / 2));
      close(ich.senkouB, defined(n, 51 + 26, (i) => mid(i - 26, 52)));
    });
  }

  it('rolling variance stays accurate on a long series falling from 60,000 to ~100 (windowed Welford + periodic resync)', () => {
    const c = candles(200_000, 7, 60_000);
    const s = I.stdev(c.close, 20);
    for (const i of [199_999, 150_000, 100_001, 2047, 2048]) {
      const w = win(c.close, i, 20);
      const m = mean(w);
      const want = Math.sqrt(w.reduce((a, v) => a + (v - m) ** 2, 0) / 20);
      expect(Math.abs(s[i]! - want) / want).toBeLessThan(1e-8);
    }
    const cr = I.correlation(c.close, c.ref, 20);
    expect(cr.every((v, i) => i < 19 || (v >= -1 && v <= 1))).toBe(true);
  });
});
