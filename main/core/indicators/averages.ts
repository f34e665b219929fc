/**
 * Moving averages. Conventions (TA-Lib / StockCharts): SMA and WMA are ready at index period-1; EMA is seeded
 * with the SMA of its first `period` inputs (ready at period-1) unless `seed: 'first'` asks for the pandas-style
 * seed on the first input (ready at 0); DEMA/TEMA chain SMA-seeded EMAs (ready at 2(p-1) / 3(p-1)).
 * Batch loops and streaming classes perform the same floating-point operations in the same order, so their
 * results are bit-identical.
 */
import { checkPeriod, nanPrefixed, type Series } from './util.ts';

export type EmaSeed = 'sma' | 'first';

export function sma(src: Series, period: number): Float64Array {
  checkPeriod('sma.period', period);
  const n = src.length;
  const out = nanPrefixed(n, period - 1);
  let sum = 0;
  const warm = Math.min(n, period);
  for (let i = 0; i < warm; i++) sum += src[i]!;
  if (n < period) return out;
  out[period - 1] = sum / period;
  for (let i = period; i < n; i++) {
    sum += src[i]! - src[i - period]!;
    out[i] = sum / period;
  }
  return out;
}

export class Sma {
  readonly period: number;
  private readonly win: Float64Array;
  private head = 0;
  private count = 0;
  private sum = 0;
  value = NaN;
  constructor(period: number) {
    this.period = checkPeriod('sma.period', period);
    this.win = new Float64Array(period);
  }
  update(x: number): number {
    if (this.count < this.period) {
      this.sum += x;
      this.win[this.count++] = x;
      if (this.count === this.period) this.value = this.sum / this.period;
      return this.value;
    }
    this.sum += x - this.win[this.head]!;
    this.win[this.head] = x;
    this.head = this.head + 1 === this.period ? 0 : this.head + 1;
    return (this.value = this.sum / this.period);
  }
}

/** EMA of src starting at index `start` (entries before it are ignored), written into out. Shared by MACD/DEMA/TEMA. */
export function emaInto(src: Series, period: number, start: number, out: Float64Array, seed: EmaSeed = 'sma'): void {
  const n = src.length;
  const k = 2 / (period + 1);
  let e: number;
  let i: number;
  if (seed === 'first') {
    if (start >= n) return;
    e = src[start]!;
    out[start] = e;
    i = start + 1;
  } else {
    const ready = start + period - 1;
    if (ready >= n) return;
    let sum = 0;
    for (let j = start; j <= ready; j++) sum += src[j]!;
    e = sum / period;
    out[ready] = e;
    i = ready + 1;
  }
  for (; i < n; i++) {
    e = (src[i]! - e) * k + e;
    out[i] = e;
  }
}

export function ema(src: Series, period: number, seed: EmaSeed = 'sma'): Float64Array {
  checkPeriod('ema.period', period);
  const out = nanPrefixed(src.length, seed === 'first' ? 0 : period - 1);
  emaInto(src, period, 0, out, seed);
  return out;
}

export class Ema {
  readonly period: number;
  private readonly k: number;
  private readonly seed: EmaSeed;
  private count = 0;
  private sum = 0;
  value = NaN;
  constructor(period: number, seed: EmaSeed = 'sma') {
    this.period = checkPeriod('ema.period', period);
    this.k = 2 / (period + 1);
    this.seed = seed;
  }
  get ready(): boolean {
    return this.value === this.value;
  }
  update(x: number): number {
    if (this.value === this.value) return (this.value = (x - this.value) * this.k + this.value);
    if (this.seed === 'first') return (this.value = x);
    this.sum += x;
    if (++this.count === this.period) this.value = this.sum / this.period;
    return this.value;
  }
}

export function wma(src: Series, period: number): Float64Array {
  checkPeriod('wma.period', period);
  const n = src.length;
  const out = nanPrefixed(n, period - 1);
  const denom = (period * (period + 1)) / 2;
  let wsum = 0;
  let sum = 0;
  const warm = Math.min(n, period);
  for (let i = 0; i < warm; i++) {
    wsum += (i + 1) * src[i]!;
    sum += src[i]!;
  }
  if (n < period) return out;
  out[period - 1] = wsum / denom;
  for (let i = period; i < n; i++) {
    const x = src[i]!;
    // The newest value gets weight `period`; every older one loses one unit of weight, i.e. the plain sum.
    wsum += period * x - sum;
    sum += x - src[i - period]!;
    out[i] = wsum / denom;
  }
  return out;
}

export class Wma {
  readonly period: number;
  private readonly win: Float64Array;
  private readonly denom: number;
  private head = 0;
  private count = 0;
  private wsum = 0;
  private sum = 0;
  value = NaN;
  constructor(period: number) {
    this.period = checkPeriod('wma.period', period);
    this.win = new Float64Array(period);
    this.denom = (period * (period + 1)) / 2;
  }
  update(x: number): number {
    if (this.count < this.period) {
      this.win[this.count++] = x;
      this.wsum += this.count * x;
      this.sum += x;
      if (this.count === this.period) this.value = this.wsum / this.denom;
      return this.value;
    }
    this.wsum += this.period * x - this.sum;
    this.sum += x - this.win[this.head]!;
    this.win[this.head] = x;
    this.head = this.head + 1 === this.period ? 0 : this.head + 1;
    return (this.value = this.wsum / this.denom);
  }
}

export function dema(src: Series, period: number): Float64Array {
  checkPeriod('dema.period', period);
  const n = src.length;
  const e1 = ema(src, period);
  const e2 = nanPrefixed(n, n);
  emaInto(e1, period, period - 1, e2);
  const out = nanPrefixed(n, 2 * (period - 1));
  for (let i = 2 * (period - 1); i < n; i++) out[i] = 2 * e1[i]! - e2[i]!;
  return out;
}

export class Dema {
  private readonly e1: Ema;
  private readonly e2: Ema;
  value = NaN;
  constructor(period: number) {
    this.e1 = new Ema(checkPeriod('dema.period', period));
    this.e2 = new Ema(period);
  }
  update(x: number): number {
    const a = this.e1.update(x);
    if (a !== a) return this.value;
    const b = this.e2.update(a);
    return (this.value = b === b ? 2 * a - b : NaN);
  }
}

export function tema(src: Series, period: number): Float64Array {
  checkPeriod('tema.period', period);
  const n = src.length;
  const e1 = ema(src, period);
  const e2 = nanPrefixed(n, n);
  emaInto(e1, period, period - 1, e2);
  const e3 = nanPrefixed(n, n);
  emaInto(e2, period, 2 * (period - 1), e3);
  const out = nanPrefixed(n, 3 * (period - 1));
  for (let i = 3 * (period - 1); i < n; i++) out[i] = 3 * e1[i]! - 3 * e2[i]! + e3[i]!;
  return out;
}

export class Tema {
  private readonly e1: Ema;
  private readonly e2: Ema;
  private readonly e3: Ema;
  value = NaN;
  constructor(period: number) {
    this.e1 = new Ema(checkPeriod('tema.period', period));
    this.e2 = new Ema(period);
    this.e3 = new Ema(period);
  }
  update(x: number): number {
    const a = this.e1.update(x);
    if (a !== a) return this.value;
    const b = this.e2.update(a);
    if (b !== b) return this.value;
    const c = this.e3.update(b);
    return (this.value = c === c ? 3 * a - 3 * b + c : NaN);
  }
}
