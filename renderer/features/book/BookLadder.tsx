import { decimalsOf, type Flash, type Ladder, type LadderRow } from './ladder.ts';
import { fixed } from './numfmt.ts';

export interface LadderProps {
  ladder: Ladder | null;
  /** Tick × group: the price step the rows are on. */
  step: number;
  /** Decimals of the lot step, for sizes. */
  sizeDp: number;
  depth: number;
  flash: { bid: Flash; ask: Flash; n: number };
}

/**
 * The depth ladder: asks above (best at the bottom), the spread, bids below (best on top). A fixed number of
 * rows a side so the spread stays put while the book moves; depth bars show cumulative size.
 */
export function BookLadder({ ladder, step, sizeDp, depth, flash }: LadderProps) {
  const pdp = decimalsOf(step);
  const fp = fixed(pdp);
  const fs = fixed(sizeDp);
  const max = ladder?.maxCum || 1;
  const row = (r: LadderRow | undefined, side: 'bid' | 'ask', i: number, best: boolean) => {
    const f = best ? (side === 'bid' ? flash.bid : flash.ask) : null;
    return (
      <div key={best && f ? `${side}-best-${flash.n}` : `${side}-${i}`} className={`lad-row ${side}${best ? ' best' : ''}${f ? ` flash-${f}` : ''}`} data-testid={best ? `book-best-${side}` : undefined}>
        {r && <span className="lad-bar" style={{ width: `${(r.cum / max) * 100}%` }} />}
        <span className="lad-price">{r ? fp(r.price) : ''}</span>
        <span className="lad-size">{r ? fs(r.size) : ''}</span>
        <span className="lad-cum">{r ? fs(r.cum) : ''}</span>
      </div>
    );
  };
  const asks = Array.from({ length: depth }, (_, k) => depth - 1 - k);
  return (
    <div className="ladder num" role="table" aria-label="Order book depth">
      <div className="lad-row lad-head" role="row">
        <span className="lad-price">Price</span>
        <span className="lad-size">Size</span>
        <span className="lad-cum">Total</span>
      </div>
      {asks.map((i) => row(ladder?.asks[i], 'ask', i, i === 0 && !!ladder?.asks[0]))}
      <div className="lad-spread" data-testid="book-spread">
        {ladder?.spread !== null && ladder?.spread !== undefined ? (
          <>
            Spread <b>{fixed(Math.max(pdp, decimalsOf(ladder.spread)))(ladder.spread)}</b>
            <span className="muted"> {ladder.spreadBps!.toFixed(2)} bps</span>
          </>
        ) : (
          <span className="muted">{ladder ? 'No spread' : 'Waiting for the book…'}</span>
        )}
      </div>
      {Array.from({ length: depth }, (_, i) => row(ladder?.bids[i], 'bid', i, i === 0 && !!ladder?.bids[0]))}
    </div>
  );
}
