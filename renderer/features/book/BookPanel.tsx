import { useEffect, useRef, useState } from 'react';
import type React from 'react';
import { marketKey, useMarkets } from '../../state/markets.ts';
import { useStream } from '../markets/stream-hub.ts';
import { BookLadder } from './BookLadder.tsx';
import { decimalsOf, GROUPS } from './ladder.ts';
import { useBookLadder } from './use-book.ts';

const ROW_PX = 16;
/** Header row, spread row and padding of the ladder, in px. */
const CHROME_PX = 16 + 26 + 4;

/** As many levels a side as the panel has room for (3 to 40), following its size. */
function useFittingDepth(): [React.RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [depth, setDepth] = useState(10);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const fit = () => setDepth(Math.max(3, Math.min(40, Math.floor((el.clientHeight - CHROME_PX) / 2 / ROW_PX))));
    fit();
    const ro = new ResizeObserver(fit);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, depth];
}

/** The depth ladder of the selected market, live. */
export function BookPanel() {
  const selected = useMarkets((s) => s.selected);
  const market = useMarkets((s) => (s.selected ? s.known[marketKey(s.selected.venue, s.selected.symbol)] : undefined));
  const tick = Number(market?.tickSize ?? 0);
  const [group, setGroup] = useState(1);
  const [fitRef, depth] = useFittingDepth();
  const { ladder, flash, push, reset } = useBookLadder(tick, group, depth);
  const key = selected ? marketKey(selected.venue, selected.symbol) : '';
  useEffect(() => {
    setGroup(1);
    reset();
    // reset is stable in effect: it only clears the shown book
  }, [key]);
  useStream(selected?.venue ?? '', selected?.symbol ?? '', 'book', (u) => push(u));
  const lotDp = market ? decimalsOf(Number(market.lotStep)) : 4;
  return (
    <div className="panel-body" data-testid="panel-book">
      <div className="panel-header">
        <h2>Book</h2>
        <span className="small muted" data-testid="book-symbol">
          {selected ? selected.symbol : 'No market'}
        </span>
        <div className="panel-actions">
          <select aria-label="Group price levels" value={group} onChange={(e) => setGroup(Number(e.target.value))} disabled={!tick} title="Group price levels by a multiple of the tick">
            {GROUPS.map((g) => (
              <option key={g} value={g}>
                {tick ? (tick * g).toLocaleString('en-US', { maximumFractionDigits: decimalsOf(tick * g) }) : g}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="ladder-fit" ref={fitRef}>
        {selected ? <BookLadder ladder={ladder} step={(tick || 1e-8) * group} sizeDp={Math.min(lotDp, 6)} depth={depth} flash={flash} /> : <div className="dt-empty">Open a market from the watchlist to see its book.</div>}
      </div>
    </div>
  );
}
