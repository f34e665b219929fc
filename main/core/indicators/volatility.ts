/**
 * Volatility: Bollinger Bands (+%B, bandwidth), ATR, Keltner, Donchian, rolling stdev / z-score, rolling
 * correlation. Rolling variance uses a windowed Welford update (add the new value, remove the old one in one
 * step) instead of sum-of-squares, which loses ~all precision on prices like 60,000 with small moves.
 * Standard deviations are population (ddof 0) as in StockCharts' Bollinger Bands.
 */
import { Ema } from './averages.ts';
import { checkPeriod, checkPositive, nanPrefixed, Ring, sameLength, type Series } from './util.ts';

/**
 * Every RESYNC bars the windowed mean and m2 are recomputed exactly (two passes over the window). Running
 * updates carry an absolute error set by the largest prices seen; when a series falls from 60,000 to 100 that
 * residue would dominate the small variance that remains. Batch and streaming resync at the same bars.
 */
export const RESYNC = 1024;

/** Two-pass mean and m2 of the window, oldest to newest. */
function exactWindow(get: (k: number) => number, p: number): [number, number] {
  let sum = 0;
  for (let k = 0; k < p; k++) sum += get(k);
  const mean = sum / p;
  let m2 = 0;
  for (let k = 0; k < p; k++) {
    const d = get(k) - mean;
    m2 += d * d;
  }
  return [mean, m2];
}

/** Windowed mean and sum of squared deviations (m2). Identical arithmetic to the inlined loop in bollinger(). */
export class RollingStats {
  private readonly win: Ring;
  private seen = 0;
  mean = 0;
  m2 = 0;
  constructor(period: number) {
    this.win = new Ring(checkPeriod('period', period));
  }
  get ready(): boolean {
    return this.win.full;
  }
  get count(): number {
    return this.win.count;
  }
  /** Adds x; returns the population variance once the window is full, else NaN. */
  update(x: number): number {
    const p = this.win.size;
    if (!this.win.full) {
      this.win.push(x);
      this.seen++;
      const d = x - this.mean;
      this.mean += d / this.win.count;
      this.m2 += d * (x - this.mean);
      return this.win.full ? (this.m2 > 0 ? this.m2 / p : 0) : NaN;
    }
    const old = this.win.push(x);
    if (++this.seen % RESYNC === 0) {
      [this.mean, this.m2] = exactWindow((k) => this.win.at(k), p);
    } else {
      const d = x - old;
      const m = this.mean + d * (1 / p);
      this.m2 += d * (x - m + old - this.mean);
      this.mean = m;
    }
    return this.m2 > 0 ? this.m2 / p : 0;
  }
}

/**
 * The three bands, plus %B and BandWidth derived on first access (and cached): most callers draw only the
 * bands, and two more 8-byte-per-bar arrays cost as much as the bands' arithmetic. Derived values use the
 * same operations as the streaming class, so they are identical to it.
 */
export class BollingerResult {
  readonly middle: Float64Array;
  readonly upper: Float64Array;
  readonly lower: Float64Array;
  private readonly src: Series;
  private pb: Float64Array | undefined;
  private bw: Float64Array | undefined;
  constructor(src: Series, middle: Float64Array, upper: Float64Array, lower: Float64Array) {
    this.src = src;
    this.middle = middle;
    this.upper = upper;
    this.lower = lower;
  }
  /** (close - lower) / (upper - lower); 0.5 when the bands collapse. */
  get percentB(): Float64Array {
    if (!this.pb) {
      const { upper, lower } = this;
      const out = nanPrefixed(upper.length, 0);
      for (let i = 0; i < out.length; i++) {
        const up = upper[i]!;
        const lo = lower[i]!;
        out[i] = up !== up ? NaN : up === lo ? 0.5 : (this.src[i]! - lo) / (up - lo);
      }
      this.pb = out;
    }
    return this.pb;
  }
  /** 100 (upper - lower) / middle, as StockCharts' BandWidth. */
  get bandwidth(): Float64Array {
    if (!this.bw) {
      const { upper, lower, middle } = this;
      const out = nanPrefixed(upper.length, 0);
      for (let i = 0; i < out.length; i++) out[i] = (100 * (upper[i]! - lower[i]!)) / middle[i]!;
      this.bw = out;
    }
    return this.bw;
  }
}

export function bollinger(src: Series, period = 20, mult = 2): BollingerResult {
  checkPeriod('bb.period', period);
  checkPositive('bb.mult', mult);
  const n = src.length;
  const r = period - 1;
  const middle = nanPrefixed(n, r);
  const upper = nanPrefixed(n, r);
  const lower = nanPrefixed(n, r);
  if (n < period) return new BollingerResult(src, middle, upper, lower);
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < period; i++) {
    const x = src[i]!;
    const d = x - mean;
    mean += d / (i + 1);
    m2 += d * (x - mean);
  }
  const w0 = mult * Math.sqrt(m2 > 0 ? m2 / period : 0);
  middle[r] = mean;
  upper[r] = mean + w0;
  lower[r] = mean - w0;
  const inv = 1 / period;
  // The sliding loop runs between resync bars with no per-bar test besides its bound (a modulo, a closure
  // and a destructured tuple in the loop body made it ~3x slower); the resync bar is the same as the
  // streaming class's (every bar i with (i + 1) % RESYNC === 0) and uses the same two passes as exactWindow.
  let i = period;
  while (i < n) {
    const resyncAt = i - (i % RESYNC) + RESYNC - 1;
    const stop = resyncAt < n ? resyncAt : n;
    for (; i < stop; i++) {
      const x = src[i]!;
      const old = src[i - period]!;
      const d = x - old;
      const m = mean + d * inv;
      m2 += d * (x - m + old - mean);
      mean = m;
      const w = mult * Math.sqrt(m2 > 0 ? m2 / period : 0);
      middle[i] = mean;
      upper[i] = mean + w;
      lower[i] = mean - w;
    }
    if (i === n) break;
    const base = i - r;
    let sum = 0;
    for (let k = 0; k < period; k++) sum += src[base + k]!;
    mean = sum / period;
    m2 = 0;
    for (let k = 0; k < period; k++) {
      const d = src[base + k]! - mean;
      m2 += d * d;
    }
    const w = mult * Math.sqrt(m2 > 0 ? m2 / period : 0);
    middle[i] = mean;
    upper[i] = mean + w;
    lower[i] = mean - w;
    i++;
  }
  return new BollingerResult(src, middle, upper, lower);
}

export class Bollinger {
  private readonly stats: RollingStats;
  private readonly mult: number;
  middle = NaN;
  upper = NaN;
  lower = NaN;
  percentB = NaN;
  bandwidth = NaN;
  constructor(period = 20, mult = 2) {
    this.stats = new RollingStats(checkPeriod('bb.period', period));
    this.mult = checkPositive('bb.mult', mult);
  }
  update(x: number): number {
    const v = this.stats.update(x);
    if (v !== v) return NaN;
    const mean = this.stats.mean;
    const w = this.mult * Math.sqrt(v);
    const up = mean + w;
    const lo = mean - w;
    this.middle = mean;
    this.upper = up;
    this.lower = lo;
    this.percentB = up === lo ? 0.5 : (x - lo) / (up - lo);
    this.bandwidth = (100 * (up - lo)) / mean;
    return mean;
  }
}

/**
 * ATR (StockCharts / bukosabino-ta layout): TR[0] = H-L, first ATR = mean of TR[0..p-1] at index p-1, then
 * Wilder smoothing (prev (p-1) + TR) / p. TA-Lib instead skips TR[0] and is ready one bar later.
 */
export function atr(high: Series, low: Series, close: Series, period = 14): Float64Array {
  checkPeriod('atr.period', period);
  const n = sameLength(['high', 'low', 'close'], high, low, close);
  const out = nanPrefixed(n, period - 1);
  if (n < period) return out;
  let sum = high[0]! - low[0]!;
  for (let i = 1; i < period; i++) sum += trueRange(high[i]!, low[i]!, close[i - 1]!);
  let a = sum / period;
  out[period - 1] = a;
  const m = period - 1;
  const inv = 1 / period;
  for (let i = period; i < n; i++) {
    const h = high[i]!;
    const l = low[i]!;
    const pc = close[i - 1]!;
    let tr = h - l;
    const u = h > pc ? h - pc : pc - h;
    if (u > tr) tr = u;
    const v = l > pc ? l - pc : pc - l;
    if (v > tr) tr = v;
    a = (a * m + tr) * inv;
    out[i] = a;
  }
  return out;
}

export function trueRange(h: number, l: number, prevClose: number): number {
  let tr = h - l;
  const u = h > prevClose ? h - prevClose : prevClose - h;
  if (u > tr) tr = u;
  const v = l > prevClose ? l - prevClose : prevClose - l;
  if (v > tr) tr = v;
  return tr;
}

export class Atr {
  readonly period: number;
  private prevClose = NaN;
  private count = 0;
  private sum = 0;
  value = NaN;
  constructor(period = 14) {
    this.period = checkPeriod('atr.period', period);
  }
  update(high: number, low: number, close: number): number {
    const pc = this.prevClose;
    this.prevClose = close;
    const tr = pc !== pc ? high - low : trueRange(high, low, pc);
    if (this.count < this.period) {
      this.sum = this.count === 0 ? tr : this.sum + tr;
      if (++this.count === this.period) this.value = this.sum / this.period;
      return this.value;
    }
    return (this.value = (this.value * (this.period - 1) + tr) * (1 / this.period));
  }
}

/** Keltner Channels (StockCharts): EMA(period) of close ± mult × ATR(atrPeriod). */
export class Keltner {
  private readonly ema: Ema;
  private readonly atr: Atr;
  private readonly mult: number;
  middle = NaN;
  upper = NaN;
  lower = NaN;
  constructor(period = 20, atrPeriod = 10, mult = 2) {
    this.ema = new Ema(checkPeriod('keltner.period', period));
    this.atr = new Atr(checkPeriod('keltner.atrPeriod', atrPeriod));
    this.mult = checkPositive('keltner.mult', mult);
  }
  update(high: number, low: number, close: number): number {
    const m = this.ema.update(close);
    const a = this.atr.update(high, low, close);
    if (m !== m || a !== a) return NaN;
    this.middle = m;
    this.upper = m + this.mult * a;
    this.lower = m - this.mult * a;
    return m;
  }
}

export function keltner(high: Series, low: Series, close: Series, period = 20, atrPeriod = 10, mult = 2): { middle: Float64Array; upper: Float64Array; lower: Float64Array } {
  const n = sameLength(['high', 'low', 'close'], high, low, close);
  const k = new Keltner(period, atrPeriod, mult);
  const middle = nanPrefixed(n, n);
  const upper = nanPrefixed(n, n);
  const lower = nanPrefixed(n, n);
  for (let i = 0; i < n; i++) {
    const m = k.update(high[i]!, low[i]!, close[i]!);
    if (m === m) {
      middle[i] = k.middle;
      upper[i] = k.upper;
      lower[i] = k.lower;
    }
  }
  return { middle, upper, lower };
}

/** Donchian Channels: highest high and lowest low of the last `period` bars (current bar included), middle = mean of both. */
export class Donchian {
  private readonly hi: Ring;
  private readonly lo: Ring;
  upper = NaN;
  lower = NaN;
  middle = NaN;
  constructor(period = 20) {
    this.hi = new Ring(checkPeriod('donchian.period', period));
    this.lo = new Ring(period);
  }
  update(high: number, low: number): number {
    this.hi.push(high);
    this.lo.push(low);
    if (!this.hi.full) return NaN;
    this.upper = this.hi.max();
    this.lower = this.lo.min();
    return (this.middle = (this.upper + this.lower) / 2);
  }
}

export function donchian(high: Series, low: Series, period = 20): { upper: Float64Array; middle: Float64Array; lower: Float64Array } {
  const n = sameLength(['high', 'low'], high, low);
  const d = new Donchian(period);
  const upper = nanPrefixed(n, n);
  const middle = nanPrefixed(n, n);
  const lower = nanPrefixed(n, n);
  for (let i = 0; i < n; i++) {
    const m = d.update(high[i]!, low[i]!);
    if (m === m) {
      upper[i] = d.upper;
      middle[i] = d.middle;
      lower[i] = d.lower;
    }
  }
  return { upper, middle, lower };
}

/** Rolling standard deviation (population by default; ddof 1 gives the sample estimate). */
export class StdDev {
  private readonly stats: RollingStats;
  private readonly denom: number;
  value = NaN;
  constructor(period = 20, ddof: 0 | 1 = 0) {
    this.stats = new RollingStats(checkPeriod('stdev.period', period, ddof + 1));
    this.denom = period - ddof;
  }
  update(x: number): number {
    this.stats.update(x);
    if (!this.stats.ready) return NaN;
    return (this.value = Math.sqrt(this.stats.m2 > 0 ? this.stats.m2 / this.denom : 0));
  }
}

export function stdev(src: Series, period = 20, ddof: 0 | 1 = 0): Float64Array {
  const s = new StdDev(period, ddof);
  const out = nanPrefixed(src.length, 0);
  for (let i = 0; i < src.length; i++) out[i] = s.update(src[i]!);
  return out;
}

/** Rolling z-score (x - mean) / stdev over `period` (population); 0 when the window is flat. */
export class ZScore {
  private readonly stats: RollingStats;
  value = NaN;
  constructor(period = 20) {
    this.stats = new RollingStats(checkPeriod('zscore.period', period, 2));
  }
  update(x: number): number {
    const v = this.stats.update(x);
    if (v !== v) return NaN;
    return (this.value = v > 0 ? (x - this.stats.mean) / Math.sqrt(v) : 0);
  }
}

export function zscore(src: Series, period = 20): Float64Array {
  const s = new ZScore(period);
  const out = nanPrefixed(src.length, 0);
  for (let i = 0; i < src.length; i++) out[i] = s.update(src[i]!);
  return out;
}

/**
 * Rolling Pearson correlation of x and y over `period`, from windowed co-moments:
 * replacing (xo, yo) by (x, y) changes C = sum (x-mx)(y-my) by dx (y - my') + dy (xo - mx).
 * A flat window (zero variance in x or y) reads 0.
 */
export class Correlation {
  private readonly xs: Ring;
  private readonly ys: Ring;
  private mx = 0;
  private my = 0;
  private cxx = 0;
  private cyy = 0;
  private cxy = 0;
  private seen = 0;
  value = NaN;
  constructor(period = 20) {
    this.xs = new Ring(checkPeriod('corr.period', period, 2));
    this.ys = new Ring(period);
  }
  update(x: number, y: number): number {
    const p = this.xs.size;
    this.seen++;
    if (!this.xs.full) {
      this.xs.push(x);
      this.ys.push(y);
      const c = this.xs.count;
      const dx = x - this.mx;
      const dy = y - this.my;
      this.mx += dx / c;
      this.my += dy / c;
      this.cxx += dx * (x - this.mx);
      this.cyy += dy * (y - this.my);
      this.cxy += dx * (y - this.my);
      if (!this.xs.full) return NaN;
    } else {
      const xo = this.xs.push(x);
      const yo = this.ys.push(y);
      if (this.seen % RESYNC === 0) {
        this.resync();
        return this.result();
      }
      const dx = x - xo;
      const dy = y - yo;
      const mx = this.mx + dx / p;
      const my = this.my + dy / p;
      this.cxx += dx * (x - mx + xo - this.mx);
      this.cyy += dy * (y - my + yo - this.my);
      this.cxy += dx * (y - my) + dy * (xo - this.mx);
      this.mx = mx;
      this.my = my;
    }
    return this.result();
  }
  private resync(): void {
    const p = this.xs.size;
    let sx = 0;
    let sy = 0;
    for (let k = 0; k < p; k++) {
      sx += this.xs.at(k);
      sy += this.ys.at(k);
    }
    this.mx = sx / p;
    this.my = sy / p;
    this.cxx = 0;
    this.cyy = 0;
    this.cxy = 0;
    for (let k = 0; k < p; k++) {
      const dx = this.xs.at(k) - this.mx;
      const dy = this.ys.at(k) - this.my;
      this.cxx += dx * dx;
      this.cyy += dy * dy;
      this.cxy += dx * dy;
    }
  }
  private result(): number {
    const den = this.cxx * this.cyy;
    if (!(den > 0)) return (this.value = 0);
    const r = this.cxy / Math.sqrt(den);
    // Rounding can push |r| a hair past 1; clamp so downstream acos/thresholds stay sane.
    return (this.value = r > 1 ? 1 : r < -1 ? -1 : r);
  }
}

export function correlation(x: Series, y: Series, period = 20): Float64Array {
  const n = sameLength(['x', 'y'], x, y);
  const s = new Correlation(period);
  const out = nanPrefixed(n, 0);
  for (let i = 0; i < n; i++) out[i] = s.update(x[i]!, y[i]!);
  return out;
}
