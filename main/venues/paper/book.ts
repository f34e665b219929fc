/**
 * A per-symbol L2 book kept from snapshots and deltas, on the instrument's grid (price in ticks, size in
 * lots, displayed sizes rounded down to the lot), plus what our own paper fills took from it.
 *
 * Displayed liquidity is consumed once: a paper taker that takes 2 lots of a 5-lot level leaves 3 for the
 * next order, and the market data (which never saw our order) keeps showing 5. What we took is remembered
 * per level until a snapshot, or until the level is deleted; a later update that shrinks the level caps it
 * at the new size (the market may have taken the same lots), one that grows it keeps it (conservative).
 */
import type { Instrument, Lots, OrderBookUpdate, Ticks } from '../../core/model/index.ts';
import { floatToLots, floatToTicks } from '../../core/model/index.ts';

/** 'bid' = the buy side of the book, 'ask' = the sell side. */
export type BookSide = 'bid' | 'ask';

export class L2Book {
  readonly inst: Instrument;
  readonly bids = new Map<Ticks, Lots>();
  readonly asks = new Map<Ticks, Lots>();
  private readonly takenBids = new Map<Ticks, Lots>();
  private readonly takenAsks = new Map<Ticks, Lots>();
  /** Best available price per side, recomputed lazily after a change (every order of an event asks). */
  private bestBid = NaN;
  private bestAsk = NaN;
  private dirty = true;

  constructor(inst: Instrument) {
    this.inst = inst;
  }

  apply(u: OrderBookUpdate): void {
    this.dirty = true;
    if (u.kind === 'snapshot') {
      this.bids.clear();
      this.asks.clear();
      this.takenBids.clear();
      this.takenAsks.clear();
    }
    this.side(u.bids, this.bids, this.takenBids);
    this.side(u.asks, this.asks, this.takenAsks);
  }

  private side(levels: OrderBookUpdate['bids'], m: Map<Ticks, Lots>, taken: Map<Ticks, Lots>): void {
    for (let k = 0; k < levels.length; k++) {
      const [pf, qf] = levels[k]!;
      const p = floatToTicks(this.inst, pf);
      const q = qf > 0 ? floatToLots(this.inst, qf) : 0;
      if (q > 0) {
        m.set(p, q);
        const t = taken.get(p);
        if (t !== undefined && t > q) taken.set(p, q);
      } else {
        m.delete(p);
        taken.delete(p);
      }
    }
  }

  /** Displayed size at a price on one side, in lots (0 when no level). */
  displayed(side: BookSide, price: Ticks): Lots {
    return (side === 'bid' ? this.bids : this.asks).get(price) ?? 0;
  }

  /** Displayed size not yet consumed by our own fills. */
  available(side: BookSide, price: Ticks): Lots {
    const d = this.displayed(side, price);
    if (d === 0) return 0;
    return Math.max(0, d - ((side === 'bid' ? this.takenBids : this.takenAsks).get(price) ?? 0));
  }

  /** Records that our fills took `lots` at a level (they are no longer available to our next orders). */
  take(side: BookSide, price: Ticks, lots: Lots): void {
    const t = side === 'bid' ? this.takenBids : this.takenAsks;
    t.set(price, (t.get(price) ?? 0) + lots);
    this.dirty = true;
  }

  /** Best price with available size on a side, NaN when none. */
  best(side: BookSide): Ticks {
    if (this.dirty) {
      this.bestBid = this.scanBest('bid');
      this.bestAsk = this.scanBest('ask');
      this.dirty = false;
    }
    return side === 'bid' ? this.bestBid : this.bestAsk;
  }

  private scanBest(side: BookSide): Ticks {
    const bid = side === 'bid';
    let b = NaN;
    for (const p of (bid ? this.bids : this.asks).keys()) {
      if ((Number.isNaN(b) || (bid ? p > b : p < b)) && this.available(side, p) > 0) b = p;
    }
    return b;
  }

  /** The side a taker on `takerSide` walks, best first, as [price, available lots] (levels fully taken omitted). */
  levels(takerSide: 'buy' | 'sell'): [Ticks, Lots][] {
    const side: BookSide = takerSide === 'buy' ? 'ask' : 'bid';
    const out: [Ticks, Lots][] = [];
    for (const p of (side === 'bid' ? this.bids : this.asks).keys()) {
      const a = this.available(side, p);
      if (a > 0) out.push([p, a]);
    }
    return out.sort((a, b) => (takerSide === 'buy' ? a[0] - b[0] : b[0] - a[0]));
  }
}
