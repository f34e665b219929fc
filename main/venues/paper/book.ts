/** A per-symbol L2 book kept from snapshots and deltas, for matching against book levels. */
import type { OrderBookUpdate } from '../../core/model/index.ts';

export class L2Book {
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();

  apply(u: OrderBookUpdate): void {
    if (u.kind === 'snapshot') {
      this.bids.clear();
      this.asks.clear();
    }
    for (const [p, q] of u.bids) {
      if (q > 0) this.bids.set(p, q);
      else this.bids.delete(p);
    }
    for (const [p, q] of u.asks) {
      if (q > 0) this.asks.set(p, q);
      else this.asks.delete(p);
    }
  }

  /** Opposite-side levels a taker on `side` walks, best first, as mutable [price, qty] pairs. */
  levels(side: 'buy' | 'sell'): [number, number][] {
    const m = side === 'buy' ? this.asks : this.bids;
    const out = [...m].map(([p, q]) => [p, q] as [number, number]);
    return out.sort((a, b) => (side === 'buy' ? a[0] - b[0] : b[0] - a[0]));
  }

  best(side: 'bid' | 'ask'): number {
    let b = NaN;
    for (const p of (side === 'bid' ? this.bids : this.asks).keys()) if (Number.isNaN(b) || (side === 'bid' ? p > b : p < b)) b = p;
    return b;
  }
}
