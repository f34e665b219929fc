/**
 * Stored candles as a session's market data (market replay): one or more symbols' bars of one timeframe over a
 * range, handed to the session one step at a time, only when the replay driver says so. A step is one bar time
 * of the union of the symbols' timelines: every symbol with a bar opening then gets it, in one market batch
 * (a symbol missing a bar, a gap in its data, simply gets none that step). Nothing else reaches the kernel — no
 * prints, no book — so the paper venue uses its candle fallback (main/venues/paper/FILLS.md) exactly as a
 * backtest over the same bars does: each bar is matched along open → nearer extreme → farther extreme →
 * close, then marked at its close, then strategies see it closed.
 */
import type { Candle, CandleColumns } from '../../core/model/index.ts';
import type { MarketData, MarketDataHandler } from '../../core/ports.ts';

export interface ReplaySeries {
  readonly symbol: string;
  readonly bars: CandleColumns;
}

export class ReplayFeed implements MarketData {
  readonly series: readonly ReplaySeries[];
  readonly intervalMs: number;
  /** Open times of the steps: the sorted union of every symbol's bar times. */
  private readonly steps: Float64Array;
  private readonly handlers = new Map<string, Set<MarketDataHandler>>();
  /** Per symbol (same order as `series`): bars delivered so far. */
  private readonly cursor: number[];
  private next = 0;

  constructor(series: readonly ReplaySeries[]) {
    this.series = series;
    this.intervalMs = series[0]?.bars.intervalMs ?? 60_000;
    const times = new Set<number>();
    for (const s of series) for (let i = 0; i < s.bars.length; i++) times.add(s.bars.ts[i]!);
    this.steps = Float64Array.from(times).sort();
    this.cursor = series.map(() => 0);
  }

  subscribe(symbols: readonly string[], handler: MarketDataHandler): () => void {
    const mine = symbols.filter((s) => this.series.some((x) => x.symbol === s));
    for (const s of mine) {
      let set = this.handlers.get(s);
      if (!set) this.handlers.set(s, (set = new Set()));
      set.add(handler);
    }
    return () => {
      for (const s of mine) this.handlers.get(s)?.delete(handler);
    };
  }

  /** Steps delivered so far. */
  get delivered(): number {
    return this.next;
  }

  get total(): number {
    return this.steps.length;
  }

  get done(): boolean {
    return this.next >= this.steps.length;
  }

  /** Open time of the first step and close time of the last. */
  get from(): number {
    return this.steps[0] ?? 0;
  }

  get to(): number {
    return this.steps.length ? this.steps[this.steps.length - 1]! + this.intervalMs : 0;
  }

  /** The replay clock: the close time of the last step delivered (the first step's open before any). */
  get clock(): number {
    if (this.steps.length === 0) return 0;
    return this.next === 0 ? this.steps[0]! : this.steps[this.next - 1]! + this.intervalMs;
  }

  /** Close time of step i. */
  closeOf(i: number): number {
    return this.steps[i]! + this.intervalMs;
  }

  /** The bars of `symbol` delivered so far (how many of its columns the session has seen). */
  deliveredOf(symbol: string): number {
    const k = this.series.findIndex((s) => s.symbol === symbol);
    return k < 0 ? 0 : this.cursor[k]!;
  }

  /** Delivers the next step; the bars it carried (empty when the range is exhausted). */
  deliverOne(): { symbol: string; bar: Candle }[] {
    if (this.done) return [];
    const ts = this.steps[this.next++]!;
    const out: { symbol: string; bar: Candle }[] = [];
    this.series.forEach((s, k) => {
      const i = this.cursor[k]!;
      if (i >= s.bars.length || s.bars.ts[i] !== ts) return;
      this.cursor[k] = i + 1;
      const bar = candleAt(s.bars, i);
      out.push({ symbol: s.symbol, bar });
      for (const h of this.handlers.get(s.symbol) ?? []) h.onCandle(s.symbol, bar);
    });
    return out;
  }

  /** How many steps close at or before `ts` (the index a seek to `ts` ends at). */
  barsClosedBy(ts: number): number {
    let lo = 0;
    let hi = this.steps.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.steps[mid]! + this.intervalMs <= ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export function candleAt(b: CandleColumns, i: number): Candle {
  return { ts: b.ts[i]!, open: b.open[i]!, high: b.high[i]!, low: b.low[i]!, close: b.close[i]!, volume: b.volume[i]! };
}
