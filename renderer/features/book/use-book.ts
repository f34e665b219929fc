import { useEffect, useMemo, useRef, useState } from 'react';
import { latestPerFrame } from './frame-batch.ts';
import { buildLadder, flashOf, type Flash, type Ladder, type Level } from './ladder.ts';

export interface BookSnapshot {
  bids: readonly Level[];
  asks: readonly Level[];
}

/**
 * The ladder for a book stream, rendered at most once per animation frame whatever the update rate: `push` takes
 * every snapshot, React sees the newest one per frame. Best bid/ask changes between frames become flashes.
 */
export function useBookLadder(tick: number, group: number, depth: number): { ladder: Ladder | null; flash: { bid: Flash; ask: Flash; n: number }; push(b: BookSnapshot): void; reset(): void } {
  const [book, setBook] = useState<BookSnapshot | null>(null);
  const batch = useMemo(() => latestPerFrame<BookSnapshot>(setBook), []);
  useEffect(() => () => batch.stop(), [batch]);
  const ladder = useMemo(() => (book ? buildLadder(book.bids, book.asks, tick, group, depth) : null), [book, tick, group, depth]);
  const prev = useRef<{ bid: number | null; ask: number | null; flash: { bid: Flash; ask: Flash; n: number } }>({ bid: null, ask: null, flash: { bid: null, ask: null, n: 0 } });
  const p = prev.current;
  if (ladder && (ladder.bestBid !== p.bid || ladder.bestAsk !== p.ask)) {
    const bid = flashOf(p.bid, ladder.bestBid);
    const ask = flashOf(p.ask, ladder.bestAsk);
    prev.current = { bid: ladder.bestBid, ask: ladder.bestAsk, flash: bid || ask ? { bid, ask, n: p.flash.n + 1 } : p.flash };
  }
  return { ladder, flash: prev.current.flash, push: (b) => batch.push(b), reset: () => setBook(null) };
}
