/**
 * Range oscillators: Stochastic, StochRSI, Williams %R, CCI, MFI. Each has a streaming class; the batch form
 * drives the same class over the arrays, so batch and streaming are identical by construction. These are not
 * on the hot path of the suite benchmark; window scans over `period` values are exact.
 */
import { Sma } from './averages.ts';
import { Rsi } from './momentum.ts';
import { checkPeriod, checkPositive, nanPrefixed, Ring, sameLength, type Series } from './util.ts';

/** Stochastic %K (fast when smoothK = 1) and %D = SMA(smoothD) of %K, 0..100. A flat range reads 50. */
export class Stochastic {
  private readonly hi: Ring;
  private readonly lo: Ring;
  private readonly kSma: Sma;
  private readonly dSma: Sma;
  k = NaN;
  d = NaN;
  constructor(period = 14, smoothK = 1, smoothD = 3) {
    this.hi = new Ring(checkPeriod('stoch.period', period));
    this.lo = new Ring(period);
    this.kSma = new Sma(checkPeriod('stoch.smoothK', smoothK));
    this.dSma = new Sma(checkPeriod('stoch.smoothD', smoothD));
  }
  update(high: number, low: number, close: number): number {
    this.hi.push(high);
    this.lo.push(low);
    if (!this.hi.full) return NaN;
    const hh = this.hi.max();
    const ll = this.lo.min();
    const raw = hh === ll ? 50 : (100 * (close - ll)) / (hh - ll);
    this.k = this.kSma.update(raw);
    if (this.k === this.k) this.d = this.dSma.update(this.k);
    return this.k;
  }
}

export function stochastic(high: Series, low: Series, close: Series, period = 14, smoothK = 1, smoothD = 3): { k: Float64Array; d: Float64Array } {
  const n = sameLength(['high', 'low', 'close'], high, low, close);
  const s = new Stochastic(period, smoothK, smoothD);
  const k = nanPrefixed(n, n);
  const d = nanPrefixed(n, n);
  for (let i = 0; i < n; i++) {
    k[i] = s.update(high[i]!, low[i]!, close[i]!);
    d[i] = s.d;
  }
  return { k, d };
}

/** StochRSI (StockCharts): (RSI - lowest RSI) / (highest RSI - lowest RSI) over stochPeriod, 0..1; flat reads 0.5. */
export class StochRsi {
  private readonly rsi: Rsi;
  private readonly win: Ring;
  private readonly kSma: Sma;
  private readonly dSma: Sma;
  k = NaN;
  d = NaN;
  constructor(rsiPeriod = 14, stochPeriod = 14, smoothK = 1, smoothD = 3) {
    this.rsi = new Rsi(rsiPeriod);
    this.win = new Ring(checkPeriod('stochrsi.stochPeriod', stochPeriod));
    this.kSma = new Sma(checkPeriod('stochrsi.smoothK', smoothK));
    this.dSma = new Sma(checkPeriod('stochrsi.smoothD', smoothD));
  }
  update(x: number): number {
    const r = this.rsi.update(x);
    if (r !== r) return NaN;
    this.win.push(r);
    if (!this.win.full) return NaN;
    const hh = this.win.max();
    const ll = this.win.min();
    this.k = this.kSma.update(hh === ll ? 0.5 : (r - ll) / (hh - ll));
    if (this.k === this.k) this.d = this.dSma.update(this.k);
    return this.k;
  }
}

export function stochRsi(src: Series, rsiPeriod = 14, stochPeriod = 14, smoothK = 1, smoothD = 3): { k: Float64Array; d: Float64Array } {
  const n = src.length;
  const s = new StochRsi(rsiPeriod, stochPeriod, smoothK, smoothD);
  const k = nanPrefixed(n, n);
  const d = nanPrefixed(n, n);
  for (let i = 0; i < n; i++) {
    k[i] = s.update(src[i]!);
    d[i] = s.d;
  }
  return { k, d };
}

/** Williams %R: -100 (HH - close) / (HH - LL), -100..0; a flat range reads -50. */
export class WilliamsR {
  private readonly hi: Ring;
  private readonly lo: Ring;
  value = NaN;
  constructor(period = 14) {
    this.hi = new Ring(checkPeriod('willr.period', period));
    this.lo = new Ring(period);
  }
  update(high: number, low: number, close: number): number {
    this.hi.push(high);
    this.lo.push(low);
    if (!this.hi.full) return NaN;
    const hh = this.hi.max();
    const ll = this.lo.min();
    return (this.value = hh === ll ? -50 : (-100 * (hh - close)) / (hh - ll));
  }
}

export function williamsR(high: Series, low: Series, close: Series, period = 14): Float64Array {
  const n = sameLength(['high', 'low', 'close'], high, low, close);
  const s = new WilliamsR(period);
  const out = nanPrefixed(n, 0);
  for (let i = 0; i < n; i++) out[i] = s.update(high[i]!, low[i]!, close[i]!);
  return out;
}

/** CCI: (TP - SMA(TP)) / (c * mean absolute deviation), TP = (H+L+C)/3, c = 0.015. Zero deviation reads 0. */
export class Cci {
  private readonly win: Ring;
  private readonly c: number;
  private sum = 0;
  value = NaN;
  constructor(period = 20, constant = 0.015) {
    this.win = new Ring(checkPeriod('cci.period', period));
    this.c = checkPositive('cci.constant', constant);
  }
  update(high: number, low: number, close: number): number {
    const tp = (high + low + close) / 3;
    const wasFull = this.win.full;
    const old = this.win.push(tp);
    this.sum = wasFull ? this.sum + (tp - old) : this.sum + tp;
    if (!this.win.full) return NaN;
    const p = this.win.size;
    const mean = this.sum / p;
    let dev = 0;
    for (let k = 0; k < p; k++) dev += Math.abs(this.win.at(k) - mean);
    dev /= p;
    return (this.value = dev === 0 ? 0 : (tp - mean) / (this.c * dev));
  }
}

export function cci(high: Series, low: Series, close: Series, period = 20, constant = 0.015): Float64Array {
  const n = sameLength(['high', 'low', 'close'], high, low, close);
  const s = new Cci(period, constant);
  const out = nanPrefixed(n, 0);
  for (let i = 0; i < n; i++) out[i] = s.update(high[i]!, low[i]!, close[i]!);
  return out;
}

/** MFI: 100 * positive flow / (positive + negative flow) over `period` changes of TP; ready at index period; flat reads 50. */
export class Mfi {
  private readonly pos: Ring;
  private readonly neg: Ring;
  private prevTp = NaN;
  private sp = 0;
  private sn = 0;
  /** Non-zero flows in the window; running sums keep a rounding residue after flows leave it. */
  private nz = 0;
  value = NaN;
  constructor(period = 14) {
    this.pos = new Ring(checkPeriod('mfi.period', period));
    this.neg = new Ring(period);
  }
  update(high: number, low: number, close: number, volume: number): number {
    const tp = (high + low + close) / 3;
    const prev = this.prevTp;
    this.prevTp = tp;
    if (prev !== prev) return NaN;
    const flow = tp * volume;
    const p = tp > prev ? flow : 0;
    const q = tp < prev ? flow : 0;
    const full = this.pos.full;
    const op = this.pos.push(p);
    const oq = this.neg.push(q);
    this.sp = full ? this.sp + (p - op) : this.sp + p;
    this.sn = full ? this.sn + (q - oq) : this.sn + q;
    if (flow !== 0 && tp !== prev) this.nz++;
    if (full && (op !== 0 || oq !== 0)) this.nz--;
    if (!this.pos.full) return NaN;
    const t = this.sp + this.sn;
    return (this.value = this.nz === 0 || !(t > 0) ? 50 : (100 * this.sp) / t);
  }
}

export function mfi(high: Series, low: Series, close: Series, volume: Series, period = 14): Float64Array {
  const n = sameLength(['high', 'low', 'close', 'volume'], high, low, close, volume);
  const s = new Mfi(period);
  const out = nanPrefixed(n, 0);
  for (let i = 0; i < n; i++) out[i] = s.update(high[i]!, low[i]!, close[i]!, volume[i]!);
  return out;
}
