/**
 * Indicator series for a strategy, kept aligned with the bars the strategy has seen.
 *
 * Backtest (all bars known up front): each indicator is computed once over the whole column with the batch
 * kernel. Live/paper (bars arrive one at a time): the streaming kernel is stepped per bar. Both give the
 * same numbers (the indicator library tests batch == stream), and both are causal: value k depends only on
 * bars ≤ k. A strategy reads index ≤ ctx.i only, so nothing from a bar that has not closed can leak in.
 */
import { computeIndicator, createIndicatorStream, parseIndicatorSpec, indicatorSpec, type Bar, type IndicatorSpec, type IndicatorStream } from '../indicators/index.ts';
import type { CandleColumns } from '../model/index.ts';

/** A growable column; `a` is replaced when it grows, so readers go through the holder. */
export interface Column {
  a: Float64Array;
}

interface Entry {
  readonly spec: IndicatorSpec;
  readonly outputs: readonly string[];
  readonly cols: Column[];
  stream: IndicatorStream | undefined;
}

/**
 * Batch indicator outputs shared by backtests over the same candles (the runs of a sweep task): a parameter
 * grid asks for the same few averages again and again. Keyed by the candle memory (buffer, offset, length)
 * and the indicator key. Only for consumers that never write into the arrays (compiled rules); bounded in
 * bytes, oldest entries dropped first.
 */
export class IndicatorMemo {
  private readonly byBuffer = new WeakMap<ArrayBufferLike, Map<string, Readonly<Record<string, Float64Array>>>>();
  private readonly order: { buf: ArrayBufferLike; key: string; bytes: number }[] = [];
  private bytes = 0;
  readonly maxBytes: number;
  hits = 0;
  constructor(maxBytes = 256 * 2 ** 20) {
    this.maxBytes = maxBytes;
  }

  outputs(spec: IndicatorSpec, cols: Parameters<typeof computeIndicator>[1] & { readonly close: Float64Array }): Readonly<Record<string, Float64Array>> {
    const c = cols.close;
    const key = `${c.byteOffset}:${c.length}:${spec.key}`;
    let m = this.byBuffer.get(c.buffer);
    const hit = m?.get(key);
    if (hit) {
      this.hits++;
      return hit;
    }
    const out = computeIndicator(spec, cols).outputs;
    let size = 0;
    for (const a of Object.values(out)) size += a.byteLength;
    if (size > this.maxBytes) return out;
    while (this.bytes + size > this.maxBytes) {
      const old = this.order.shift()!;
      this.byBuffer.get(old.buf)?.delete(old.key);
      this.bytes -= old.bytes;
    }
    if (!m) this.byBuffer.set(c.buffer, (m = new Map()));
    m.set(key, out);
    this.order.push({ buf: c.buffer, key, bytes: size });
    this.bytes += size;
    return out;
  }
}

export class SeriesSet {
  private readonly entries: Entry[] = [];
  private readonly memo: IndicatorMemo | undefined;
  private readonly byKey = new Map<string, Entry>();
  /** Bars [0, computed) have values. */
  private computed = 0;
  private readonly bar: Bar = {};

  constructor(memo?: IndicatorMemo) {
    this.memo = memo;
  }

  /** Declares an indicator (`rsi:14` or name + params); returns its output columns by output name. */
  add(spec: string | { name: string; params: Record<string, unknown> }): Map<string, Column> {
    const s = typeof spec === 'string' ? parseIndicatorSpec(spec) : indicatorSpec(spec.name, spec.params);
    let e = this.byKey.get(s.key);
    if (!e) {
      const stream = createIndicatorStream(s);
      e = { spec: s, outputs: stream.outputs, cols: stream.outputs.map(() => ({ a: new Float64Array(0) })), stream: undefined };
      this.entries.push(e);
      this.byKey.set(s.key, e);
      this.computed = 0; // a late declaration recomputes everything (rare: code strategies asking lazily)
    }
    return new Map(e.outputs.map((o, k) => [o, e.cols[k]!]));
  }

  /** Makes values available up to and including bar i. */
  update(bars: CandleColumns, i: number): void {
    if (i < this.computed) return;
    const n = bars.length;
    if (this.computed === 0 && n - 1 > i) {
      // Whole history present (backtest): one batch pass per indicator.
      const cols = {
        ts: bars.ts.subarray(0, n), open: bars.open.subarray(0, n), high: bars.high.subarray(0, n),
        low: bars.low.subarray(0, n), close: bars.close.subarray(0, n), volume: bars.volume.subarray(0, n),
      };
      for (const e of this.entries) {
        const r = this.memo ? this.memo.outputs(e.spec, cols) : computeIndicator(e.spec, cols).outputs;
        e.outputs.forEach((o, k) => (e.cols[k]!.a = r[o]!));
      }
      this.computed = n;
      return;
    }
    if (this.computed === 0) for (const e of this.entries) e.stream = createIndicatorStream(e.spec);
    for (let k = this.computed; k <= i; k++) {
      const b = this.bar;
      b.ts = bars.ts[k]; b.open = bars.open[k]; b.high = bars.high[k]; b.low = bars.low[k]; b.close = bars.close[k]; b.volume = bars.volume[k];
      for (const e of this.entries) {
        e.stream ??= createIndicatorStream(e.spec);
        const out = e.stream.update(b);
        for (let j = 0; j < e.cols.length; j++) {
          const c = e.cols[j]!;
          if (c.a.length <= k) {
            const g = new Float64Array(Math.max(1024, c.a.length * 2)).fill(NaN);
            g.set(c.a);
            c.a = g;
          }
          c.a[k] = out[j]!;
        }
      }
    }
    this.computed = i + 1;
  }
}
