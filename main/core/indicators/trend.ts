/**
 * Trend systems: ADX/DI (Wilder), Parabolic SAR, Ichimoku, SuperTrend. Streaming classes are the
 * implementation; batch forms drive them over the arrays (identical by construction).
 */
import { ValidationError } from '../errors.ts';
import { Atr } from './volatility.ts';
import { checkPeriod, checkPositive, nanPrefixed, Ring, sameLength, type Series } from './util.ts';

/**
 * ADX with +DI/-DI, StockCharts layout: TR/+DM/-DM from bar 1; their Wilder sums start as plain sums of the
 * first `period` values (ready at index period) and continue as S - S/p + x; ADX = mean of the first `period`
 * DX values (ready at 2p-1), then (ADX (p-1) + DX) / p.
 */
export class Adx {
  readonly period: number;
  private ph = NaN;
  private pl = NaN;
  private pc = NaN;
  private count = 0;
  private str = 0;
  private sp = 0;
  private sm = 0;
  private dxCount = 0;
  private dxSum = 0;
  adx = NaN;
  plusDi = NaN;
  minusDi = NaN;
  constructor(period = 14) {
    this.period = checkPeriod('adx.period', period);
  }
  update(high: number, low: number, close: number): number {
    const ph = this.ph;
    const pl = this.pl;
    const pc = this.pc;
    this.ph = high;
    this.pl = low;
    this.pc = close;
    if (ph !== ph) return NaN;
    const p = this.period;
    let tr = high - low;
    const u = Math.abs(high - pc);
    if (u > tr) tr = u;
    const v = Math.abs(low - pc);
    if (v > tr) tr = v;
    const up = high - ph;
    const down = pl - low;
    const pdm = up > down && up > 0 ? up : 0;
    const mdm = down > up && down > 0 ? down : 0;
    if (this.count < p) {
      this.str += tr;
      this.sp += pdm;
      this.sm += mdm;
      if (++this.count < p) return NaN;
    } else {
      this.str = this.str - this.str / p + tr;
      this.sp = this.sp - this.sp / p + pdm;
      this.sm = this.sm - this.sm / p + mdm;
    }
    this.plusDi = this.str > 0 ? (100 * this.sp) / this.str : 0;
    this.minusDi = this.str > 0 ? (100 * this.sm) / this.str : 0;
    const s = this.plusDi + this.minusDi;
    const dx = s > 0 ? (100 * Math.abs(this.plusDi - this.minusDi)) / s : 0;
    if (this.dxCount < p) {
      this.dxSum += dx;
      if (++this.dxCount === p) this.adx = this.dxSum / p;
    } else {
      this.adx = (this.adx * (p - 1) + dx) / p;
    }
    return this.adx;
  }
}

export function adx(high: Series, low: Series, close: Series, period = 14): { adx: Float64Array; plusDi: Float64Array; minusDi: Float64Array } {
  const n = sameLength(['high', 'low', 'close'], high, low, close);
  const s = new Adx(period);
  const a = nanPrefixed(n, 0);
  const p = nanPrefixed(n, 0);
  const m = nanPrefixed(n, 0);
  for (let i = 0; i < n; i++) {
    a[i] = s.update(high[i]!, low[i]!, close[i]!);
    p[i] = s.plusDi;
    m[i] = s.minusDi;
  }
  return { adx: a, plusDi: p, minusDi: m };
}

/**
 * Parabolic SAR (Wilder, TA-Lib initialisation): the first trend is short when bar 1's -DM exceeds its +DM,
 * else long; the first SAR is bar 0's low (long) or high (short) and is reported at bar 1. The value at bar i
 * is the stop in force during bar i, computed from bars before it.
 */
export class Psar {
  private readonly step: number;
  private readonly max: number;
  private n = 0;
  private h0 = NaN;
  private l0 = NaN;
  private long = true;
  private sar = NaN;
  private ep = NaN;
  private af = 0;
  value = NaN;
  /** +1 while long, -1 while short. */
  direction = NaN;
  constructor(step = 0.02, max = 0.2) {
    this.step = checkPositive('psar.step', step);
    this.max = checkPositive('psar.max', max);
    if (max < step) throw new ValidationError(`psar.max (${max}) must be >= psar.step (${step})`, [{ path: 'psar.max', message: 'must be >= step' }]);
  }
  update(high: number, low: number): number {
    const ph = this.h0;
    const pl = this.l0;
    this.h0 = high;
    this.l0 = low;
    if (this.n++ === 0) return NaN;
    if (this.n === 2) {
      const up = high - ph;
      const down = pl - low;
      this.long = !(down > 0 && down > up);
      this.af = this.step;
      this.sar = this.long ? pl : ph;
      this.ep = this.long ? high : low;
    }
    let sar = this.sar;
    let out: number;
    if (this.long) {
      if (low <= sar) {
        this.long = false;
        sar = this.ep;
        if (sar < ph) sar = ph;
        if (sar < high) sar = high;
        out = sar;
        this.af = this.step;
        this.ep = low;
        sar = sar + this.af * (this.ep - sar);
        if (sar < ph) sar = ph;
        if (sar < high) sar = high;
      } else {
        out = sar;
        if (high > this.ep) {
          this.ep = high;
          this.af = Math.min(this.af + this.step, this.max);
        }
        sar = sar + this.af * (this.ep - sar);
        if (sar > pl) sar = pl;
        if (sar > low) sar = low;
      }
    } else if (high >= sar) {
      this.long = true;
      sar = this.ep;
      if (sar > pl) sar = pl;
      if (sar > low) sar = low;
      out = sar;
      this.af = this.step;
      this.ep = high;
      sar = sar + this.af * (this.ep - sar);
      if (sar > pl) sar = pl;
      if (sar > low) sar = low;
    } else {
      out = sar;
      if (low < this.ep) {
        this.ep = low;
        this.af = Math.min(this.af + this.step, this.max);
      }
      sar = sar + this.af * (this.ep - sar);
      if (sar < ph) sar = ph;
      if (sar < high) sar = high;
    }
    this.sar = sar;
    this.direction = this.long ? 1 : -1;
    return (this.value = out);
  }
}

export function psar(high: Series, low: Series, step = 0.02, max = 0.2): { sar: Float64Array; direction: Float64Array } {
  const n = sameLength(['high', 'low'], high, low);
  const s = new Psar(step, max);
  const sar = nanPrefixed(n, 0);
  const direction = nanPrefixed(n, 1);
  for (let i = 0; i < n; i++) {
    sar[i] = s.update(high[i]!, low[i]!);
    if (i > 0) direction[i] = s.direction;
  }
  return { sar, direction };
}

/**
 * Ichimoku. Every output is aligned to the bar where it is plotted: senkouA/senkouB at bar i were computed at
 * bar i - displacement. The chikou span (close plotted `displacement` bars back) is not emitted: it is the close
 * itself, and emitting it at its plotted bar would need future data, which a streaming form cannot have.
 */
export class Ichimoku {
  private readonly hT: Ring;
  private readonly lT: Ring;
  private readonly hK: Ring;
  private readonly lK: Ring;
  private readonly hB: Ring;
  private readonly lB: Ring;
  private readonly lagA: Ring;
  private readonly lagB: Ring;
  tenkan = NaN;
  kijun = NaN;
  senkouA = NaN;
  senkouB = NaN;
  constructor(tenkan = 9, kijun = 26, senkouB = 52, displacement = 26) {
    this.hT = new Ring(checkPeriod('ichimoku.tenkan', tenkan));
    this.lT = new Ring(tenkan);
    this.hK = new Ring(checkPeriod('ichimoku.kijun', kijun));
    this.lK = new Ring(kijun);
    this.hB = new Ring(checkPeriod('ichimoku.senkouB', senkouB));
    this.lB = new Ring(senkouB);
    this.lagA = new Ring(checkPeriod('ichimoku.displacement', displacement));
    this.lagB = new Ring(displacement);
  }
  update(high: number, low: number): number {
    this.hT.push(high);
    this.lT.push(low);
    this.hK.push(high);
    this.lK.push(low);
    this.hB.push(high);
    this.lB.push(low);
    this.tenkan = this.hT.full ? (this.hT.max() + this.lT.min()) / 2 : NaN;
    this.kijun = this.hK.full ? (this.hK.max() + this.lK.min()) / 2 : NaN;
    const b = this.hB.full ? (this.hB.max() + this.lB.min()) / 2 : NaN;
    // Ring.push returns the value pushed `displacement` bars ago (NaN while filling).
    this.senkouA = this.lagA.push((this.tenkan + this.kijun) / 2);
    this.senkouB = this.lagB.push(b);
    return this.tenkan;
  }
}

export function ichimoku(high: Series, low: Series, tenkan = 9, kijun = 26, senkouB = 52, displacement = 26): { tenkan: Float64Array; kijun: Float64Array; senkouA: Float64Array; senkouB: Float64Array } {
  const n = sameLength(['high', 'low'], high, low);
  const s = new Ichimoku(tenkan, kijun, senkouB, displacement);
  const t = nanPrefixed(n, 0);
  const k = nanPrefixed(n, 0);
  const a = nanPrefixed(n, 0);
  const b = nanPrefixed(n, 0);
  for (let i = 0; i < n; i++) {
    t[i] = s.update(high[i]!, low[i]!);
    k[i] = s.kijun;
    a[i] = s.senkouA;
    b[i] = s.senkouB;
  }
  return { tenkan: t, kijun: k, senkouA: a, senkouB: b };
}

/**
 * SuperTrend on hl2 ± mult × ATR(period) (our ATR convention, ready at period-1). Bands ratchet: the upper band
 * only falls unless the previous close broke above it, the lower only rises unless the previous close broke
 * below. The first ready bar starts in a down-trend (value = upper band), as TradingView does.
 */
export class SuperTrend {
  private readonly atr: Atr;
  private readonly mult: number;
  private fu = NaN;
  private fl = NaN;
  private pc = NaN;
  value = NaN;
  /** +1 up-trend (value is the lower band), -1 down-trend (value is the upper band). */
  direction = NaN;
  constructor(period = 10, mult = 3) {
    this.atr = new Atr(checkPeriod('supertrend.period', period));
    this.mult = checkPositive('supertrend.mult', mult);
  }
  update(high: number, low: number, close: number): number {
    const a = this.atr.update(high, low, close);
    const pc = this.pc;
    this.pc = close;
    if (a !== a) return NaN;
    const mid = (high + low) / 2;
    const bu = mid + this.mult * a;
    const bl = mid - this.mult * a;
    if (this.direction !== this.direction) {
      this.fu = bu;
      this.fl = bl;
      this.direction = close > bu ? 1 : -1;
    } else {
      this.fu = bu < this.fu || pc > this.fu ? bu : this.fu;
      this.fl = bl > this.fl || pc < this.fl ? bl : this.fl;
      if (this.direction < 0) this.direction = close > this.fu ? 1 : -1;
      else this.direction = close < this.fl ? -1 : 1;
    }
    return (this.value = this.direction > 0 ? this.fl : this.fu);
  }
}

export function superTrend(high: Series, low: Series, close: Series, period = 10, mult = 3): { supertrend: Float64Array; direction: Float64Array } {
  const n = sameLength(['high', 'low', 'close'], high, low, close);
  const s = new SuperTrend(period, mult);
  const v = nanPrefixed(n, 0);
  const d = nanPrefixed(n, 0);
  for (let i = 0; i < n; i++) {
    v[i] = s.update(high[i]!, low[i]!, close[i]!);
    d[i] = v[i] === v[i] ? s.direction : NaN;
  }
  return { supertrend: v, direction: d };
}
