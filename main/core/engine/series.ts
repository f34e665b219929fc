/** Growable columnar candle buffer for live/paper sessions: amortised O(1) append, no object per bar. */
import type { Candle, CandleColumns } from '../model/index.ts';
import { DataQualityError } from '../errors.ts';

export class CandleBuffer implements CandleColumns {
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  length = 0;
  readonly intervalMs: number;

  constructor(intervalMs: number, capacity = 1024) {
    this.intervalMs = intervalMs;
    this.ts = new Float64Array(capacity);
    this.open = new Float64Array(capacity);
    this.high = new Float64Array(capacity);
    this.low = new Float64Array(capacity);
    this.close = new Float64Array(capacity);
    this.volume = new Float64Array(capacity);
  }

  /** Appends a closed bar; bars must arrive in strictly increasing time (the kernel never reorders). */
  push(c: Candle): number {
    const n = this.length;
    if (n > 0 && !(c.ts > this.ts[n - 1]!)) throw new DataQualityError(`candle at ${c.ts} not after ${this.ts[n - 1]}`);
    if (![c.open, c.high, c.low, c.close, c.volume].every(Number.isFinite) || c.high < c.low) throw new DataQualityError(`malformed candle at ${c.ts}`);
    if (n === this.ts.length) this.grow();
    this.ts[n] = c.ts; this.open[n] = c.open; this.high[n] = c.high; this.low[n] = c.low; this.close[n] = c.close; this.volume[n] = c.volume;
    this.length = n + 1;
    return n;
  }

  private grow(): void {
    const g = (a: Float64Array): Float64Array => {
      const b = new Float64Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.ts = g(this.ts); this.open = g(this.open); this.high = g(this.high); this.low = g(this.low); this.close = g(this.close); this.volume = g(this.volume);
  }
}
