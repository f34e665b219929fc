/**
 * Stored candles as a session's market data (market replay): one symbol's bars over a range, handed to the
 * session one closed bar at a time, only when the replay driver says so. Nothing else reaches the kernel —
 * no prints, no book — so the paper venue uses its candle fallback (main/venues/paper/FILLS.md) exactly as a
 * backtest over the same bars does: each bar is matched along open → nearer extreme → farther extreme →
 * close, then marked at its close, then strategies see it closed.
 */
import type { Candle, CandleColumns } from '../../core/model/index.ts';
import type { MarketData, MarketDataHandler } from '../../core/ports.ts';

export class ReplayFeed implements MarketData {
  readonly symbol: string;
  readonly bars: CandleColumns;
  private readonly handlers = new Set<MarketDataHandler>();
  private next = 0;

  constructor(symbol: string, bars: CandleColumns) {
    this.symbol = symbol;
    this.bars = bars;
  }

  subscribe(symbols: readonly string[], handler: MarketDataHandler): () => void {
    if (!symbols.includes(this.symbol)) return () => {};
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Bars delivered so far. */
  get delivered(): number {
    return this.next;
  }

  get done(): boolean {
    return this.next >= this.bars.length;
  }

  /** The replay clock: the close time of the last bar delivered (the first bar's open before any). */
  get clock(): number {
    const b = this.bars;
    if (b.length === 0) return 0;
    return this.next === 0 ? b.ts[0]! : b.ts[this.next - 1]! + b.intervalMs;
  }

  /** Close time of bar i. */
  closeOf(i: number): number {
    return this.bars.ts[i]! + this.bars.intervalMs;
  }

  bar(i: number): Candle {
    const b = this.bars;
    return { ts: b.ts[i]!, open: b.open[i]!, high: b.high[i]!, low: b.low[i]!, close: b.close[i]!, volume: b.volume[i]! };
  }

  /** Delivers the next bar; false when the range is exhausted. */
  deliverOne(): Candle | undefined {
    if (this.done) return undefined;
    const c = this.bar(this.next++);
    for (const h of this.handlers) h.onCandle(this.symbol, c);
    return c;
  }

  /** How many bars close at or before `ts` (the index a seek to `ts` ends at). */
  barsClosedBy(ts: number): number {
    const b = this.bars;
    let lo = 0;
    let hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (b.ts[mid]! + b.intervalMs <= ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
