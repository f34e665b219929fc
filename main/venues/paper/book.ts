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
  /**
   * Best available price per side, rescanned lazily and only after a change that can move it: a level at or
   * better than the best, or our own take. Most deltas touch deeper levels and leave it as it is.
   */
  private bestBid = NaN;
  private bestAsk = NaN;
  private dirtyBid = true;
  private dirtyAsk = true;
  /**
   * The levels the last update set or deleted, as the y of a resting order there (bid p → p, ask p → −p);
   * a reused array, valid until the next update.
   */
  readonly changed: number[] = [];

  constructor(inst: Instrument) {
    this.inst = inst;
  }

  apply(u: OrderBookUpdate): void {
    const changed = this.changed;
    while (changed.length) changed.pop();
    if (u.kind === 'snapshot') {
      this.bids.clear();
      this.asks.clear();
      this.takenBids.clear();
      this.takenAsks.clear();
      this.dirtyBid = true;
      this.dirtyAsk = true;
    }
    this.side(u.bids, this.bids, this.takenBids, true);
    this.side(u.asks, this.asks, this.takenAsks, false);
  }

  private side(levels: OrderBookUpdate['bids'], m: Map<Ticks, Lots>, taken: Map<Ticks, Lots>, bid: boolean): void {
    const changed = this.changed;
    for (let k = 0; k < levels.length; k++) {
      const level = levels[k]!;
      const qf = level[1];
      const p = floatToTicks(this.inst, level[0]);
      changed.push(bid ? p : -p);
      // Strictly behind the best, a level cannot move it (NaN best: every level can).
      if (bid ? !(p < this.bestBid) : !(p > this.bestAsk)) {
        if (bid) this.dirtyBid = true;
        else this.dirtyAsk = true;
      }
      const q = qf > 0 ? floatToLots(this.inst, qf) : 0;
      if (q > 0) {
        m.set(p, q);
        if (taken.size === 0) continue;
        const t = taken.get(p);
        if (t !== undefined && t > q) taken.set(p, q);
      } else {
        m.delete(p);
        if (taken.size) taken.delete(p);
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
    if (side === 'bid') this.dirtyBid = true;
    else this.dirtyAsk = true;
  }

  /** Best price with available size on a side, NaN when none. */
  best(side: BookSide): Ticks {
    if (side === 'bid') {
      if (this.dirtyBid) {
        this.bestBid = this.scanBest('bid');
        this.dirtyBid = false;
      }
      return this.bestBid;
    }
    if (this.dirtyAsk) {
      this.bestAsk = this.scanBest('ask');
      this.dirtyAsk = false;
    }
    return this.bestAsk;
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
