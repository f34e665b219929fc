/**
 * Volume indicators: OBV and VWAP (session-anchored and rolling). VWAP uses the typical price (H+L+C)/3.
 */
import { checkPeriod, checkPositive, nanPrefixed, sameLength, type Series } from './util.ts';

/** On-balance volume (TA-Lib): OBV[0] = volume[0]; ± volume when the close rises/falls; unchanged on equal closes. */
export class Obv {
  private pc = NaN;
  value = NaN;
  update(close: number, volume: number): number {
    const pc = this.pc;
    this.pc = close;
    if (pc !== pc) return (this.value = volume);
    if (close > pc) this.value += volume;
    else if (close < pc) this.value -= volume;
    return this.value;
  }
}

export function obv(close: Series, volume: Series): Float64Array {
  const n = sameLength(['close', 'volume'], close, volume);
  const s = new Obv();
  const out = nanPrefixed(n, 0);
  for (let i = 0; i < n; i++) out[i] = s.update(close[i]!, volume[i]!);
  return out;
}

/**
 * Session VWAP: cumulative TP×V / cumulative V since the session started. A session is the bucket
 * floor((time - offsetMs) / sessionMs) of the bar's open time in epoch ms (default: UTC days). While the
 * session has traded no volume the value is the bar's typical price (a volume-weighted price of nothing is
 * undefined; the typical price keeps the line continuous instead of leaving NaN holes after warm-up).
 */
export class SessionVwap {
  private readonly sessionMs: number;
  private readonly offsetMs: number;
  private session = NaN;
  private pv = 0;
  private v = 0;
  value = NaN;
  constructor(sessionMs = 86_400_000, offsetMs = 0) {
    this.sessionMs = checkPositive('vwap.sessionMs', sessionMs);
    this.offsetMs = offsetMs;
  }
  update(time: number, high: number, low: number, close: number, volume: number): number {
    const s = Math.floor((time - this.offsetMs) / this.sessionMs);
    if (s !== this.session) {
      this.session = s;
      this.pv = 0;
      this.v = 0;
    }
    const tp = (high + low + close) / 3;
    this.pv += tp * volume;
    this.v += volume;
    return (this.value = this.v > 0 ? this.pv / this.v : tp);
  }
}

export function sessionVwap(time: Series, high: Series, low: Series, close: Series, volume: Series, sessionMs = 86_400_000, offsetMs = 0): Float64Array {
  const n = sameLength(['time', 'high', 'low', 'close', 'volume'], time, high, low, close, volume);
  const s = new SessionVwap(sessionMs, offsetMs);
  const out = nanPrefixed(n, 0);
  for (let i = 0; i < n; i++) out[i] = s.update(time[i]!, high[i]!, low[i]!, close[i]!, volume[i]!);
  return out;
}

/** Rolling VWAP over the last `period` bars: sum(TP×V) / sum(V); ready at period-1; the bar's typical price when the window traded nothing. */
export class RollingVwap {
  private readonly pvs: Float64Array;
  private readonly vs: Float64Array;
  private head = 0;
  private count = 0;
  private pv = 0;
  private v = 0;
  /** Bars with volume in the window: running sums can keep a rounding residue after volume leaves the window. */
  private traded = 0;
  readonly period: number;
  value = NaN;
  constructor(period = 14) {
    this.period = checkPeriod('vwap.period', period);
    this.pvs = new Float64Array(period);
    this.vs = new Float64Array(period);
  }
  update(high: number, low: number, close: number, volume: number): number {
    const tp = (high + low + close) / 3;
    const pv = tp * volume;
    if (this.count < this.period) {
      this.pvs[this.count] = pv;
      this.vs[this.count++] = volume;
      this.pv += pv;
      this.v += volume;
      if (volume !== 0) this.traded++;
      if (this.count < this.period) return NaN;
    } else {
      const old = this.vs[this.head]!;
      this.pv += pv - this.pvs[this.head]!;
      this.v += volume - old;
      if (volume !== 0) this.traded++;
      if (old !== 0) this.traded--;
      this.pvs[this.head] = pv;
      this.vs[this.head] = volume;
      this.head = this.head + 1 === this.period ? 0 : this.head + 1;
    }
    return (this.value = this.traded > 0 && this.v > 0 ? this.pv / this.v : tp);
  }
}

export function rollingVwap(high: Series, low: Series, close: Series, volume: Series, period = 14): Float64Array {
  const n = sameLength(['high', 'low', 'close', 'volume'], high, low, close, volume);
  const s = new RollingVwap(period);
  const out = nanPrefixed(n, 0);
  for (let i = 0; i < n; i++) out[i] = s.update(high[i]!, low[i]!, close[i]!, volume[i]!);
  return out;
}
