/**
 * Momentum oscillators: RSI (Wilder), MACD, ROC. RSI is seeded with the simple average of the first `period`
 * changes (TA-Lib / StockCharts), ready at index `period`; MACD's EMAs are each seeded with their own SMA
 * (StockCharts), so the line is ready at slow-1 and the signal at slow+signal-2.
 */
import { ValidationError } from '../errors.ts';
import { Ema } from './averages.ts';
import { checkPeriod, nanPrefixed, type Series } from './util.ts';

/** RSI from smoothed gain g and loss l. A flat window (no gains, no losses) reads 50, the neutral value. */
function rsiOf(g: number, l: number): number {
  const t = g + l;
  return t === 0 ? 50 : (100 * g) / t;
}

/**
 * max(d, 0) and max(-d, 0) without a branch: price changes go up or down at random, so `d > 0 ? d : 0`
 * mispredicts half the time and made RSI ~3x slower than its arithmetic. Exact: d + |d| is 2d or +0, and
 * halving 2d is exact, so the values are the same as the branchy form's.
 */
function gainOf(d: number, a: number): number {
  return (d + a) * 0.5;
}

function lossOf(d: number, a: number): number {
  return (a - d) * 0.5;
}

export function rsi(src: Series, period: number): Float64Array {
  checkPeriod('rsi.period', period);
  const n = src.length;
  const out = nanPrefixed(n, period);
  if (n <= period) return out;
  let g = 0;
  let l = 0;
  for (let i = 1; i <= period; i++) {
    const d = src[i]! - src[i - 1]!;
    if (d > 0) g += d;
    else l -= d;
  }
  g /= period;
  l /= period;
  out[period] = rsiOf(g, l);
  const m = period - 1;
  // Multiply by 1/period: a division on the recurrence's critical path costs ~2x (streaming does the same).
  const inv = 1 / period;
  for (let i = period + 1; i < n; i++) {
    const d = src[i]! - src[i - 1]!;
    const a = Math.abs(d);
    g = (g * m + gainOf(d, a)) * inv;
    l = (l * m + lossOf(d, a)) * inv;
    out[i] = rsiOf(g, l);
  }
  return out;
}

export class Rsi {
  readonly period: number;
  private prev = NaN;
  private count = 0;
  private g = 0;
  private l = 0;
  value = NaN;
  constructor(period: number) {
    this.period = checkPeriod('rsi.period', period);
  }
  update(x: number): number {
    const prev = this.prev;
    this.prev = x;
    if (prev !== prev) return this.value;
    const d = x - prev;
    if (this.count < this.period) {
      if (d > 0) this.g += d;
      else this.l -= d;
      if (++this.count === this.period) {
        this.g /= this.period;
        this.l /= this.period;
        this.value = rsiOf(this.g, this.l);
      }
      return this.value;
    }
    const m = this.period - 1;
    const inv = 1 / this.period;
    const a = Math.abs(d);
    this.g = (this.g * m + gainOf(d, a)) * inv;
    this.l = (this.l * m + lossOf(d, a)) * inv;
    return (this.value = rsiOf(this.g, this.l));
  }
}

export interface MacdResult {
  readonly macd: Float64Array;
  readonly signal: Float64Array;
  readonly hist: Float64Array;
}

function checkMacd(fast: number, slow: number, signal: number): void {
  checkPeriod('macd.fast', fast);
  checkPeriod('macd.slow', slow);
  checkPeriod('macd.signal', signal);
  if (fast >= slow) throw new ValidationError(`macd.fast (${fast}) must be below macd.slow (${slow})`, [{ path: 'macd.fast', message: 'must be < slow' }]);
}

/** One fused pass: both EMAs and the signal EMA kept in registers, no temporary arrays. */
export function macd(src: Series, fast = 12, slow = 26, signal = 9): MacdResult {
  checkMacd(fast, slow, signal);
  const n = src.length;
  const line = nanPrefixed(n, slow - 1);
  const sig = nanPrefixed(n, slow + signal - 2);
  const hist = nanPrefixed(n, slow + signal - 2);
  const kf = 2 / (fast + 1);
  const ks = 2 / (slow + 1);
  const kg = 2 / (signal + 1);
  let sf = 0;
  let ss = 0;
  let i = 0;
  for (; i < fast && i < n; i++) {
    sf += src[i]!;
    ss += src[i]!;
  }
  let ef = sf / fast;
  for (; i < slow && i < n; i++) {
    const x = src[i]!;
    ef = (x - ef) * kf + ef;
    ss += x;
  }
  if (n < slow) return { macd: line, signal: sig, hist };
  let es = ss / slow;
  let sg = ef - es;
  line[slow - 1] = sg;
  const ready = slow + signal - 2;
  for (i = slow; i <= ready && i < n; i++) {
    const x = src[i]!;
    ef = (x - ef) * kf + ef;
    es = (x - es) * ks + es;
    const m = ef - es;
    line[i] = m;
    sg += m;
  }
  if (n <= ready) return { macd: line, signal: sig, hist };
  let eg = sg / signal;
  sig[ready] = eg;
  hist[ready] = line[ready]! - eg;
  for (i = ready + 1; i < n; i++) {
    const x = src[i]!;
    ef = (x - ef) * kf + ef;
    es = (x - es) * ks + es;
    const m = ef - es;
    eg = (m - eg) * kg + eg;
    line[i] = m;
    sig[i] = eg;
    hist[i] = m - eg;
  }
  return { macd: line, signal: sig, hist };
}

export class Macd {
  private readonly fast: Ema;
  private readonly slow: Ema;
  private readonly sig: Ema;
  macd = NaN;
  signal = NaN;
  hist = NaN;
  constructor(fast = 12, slow = 26, signal = 9) {
    checkMacd(fast, slow, signal);
    this.fast = new Ema(fast);
    this.slow = new Ema(slow);
    this.sig = new Ema(signal);
  }
  update(x: number): number {
    const f = this.fast.update(x);
    const s = this.slow.update(x);
    if (s !== s) return NaN;
    this.macd = f - s;
    this.signal = this.sig.update(this.macd);
    this.hist = this.macd - this.signal;
    return this.macd;
  }
}

/** Rate of change in percent: 100 (x[i] - x[i-p]) / x[i-p], ready at index p. */
export function roc(src: Series, period: number): Float64Array {
  checkPeriod('roc.period', period);
  const n = src.length;
  const out = nanPrefixed(n, period);
  for (let i = period; i < n; i++) out[i] = (100 * (src[i]! - src[i - period]!)) / src[i - period]!;
  return out;
}

export class Roc {
  private readonly win: Float64Array;
  private head = 0;
  private count = 0;
  readonly period: number;
  value = NaN;
  constructor(period: number) {
    this.period = checkPeriod('roc.period', period);
    this.win = new Float64Array(period);
  }
  update(x: number): number {
    if (this.count < this.period) {
      this.win[this.count++] = x;
      return this.value;
    }
    const old = this.win[this.head]!;
    this.win[this.head] = x;
    this.head = this.head + 1 === this.period ? 0 : this.head + 1;
    return (this.value = (100 * (x - old)) / old);
  }
}
