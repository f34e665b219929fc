import { BookPanel } from '../book/BookPanel.tsx';
import { TapePanel } from '../book/TapePanel.tsx';
import { WatchlistPanel } from './WatchlistPanel.tsx';
import './markets.css';

/** The trade screen's market column: watchlist (with the picker), the selected market's book, its tape. */
export function MarketsColumn() {
  return (
    <div className="markets-col">
      <section className="panel watch-area" aria-label="Watchlist">
        <WatchlistPanel />
      </section>
      <section className="panel book-area" aria-label="Order book">
        <BookPanel />
      </section>
      <section className="panel tape-area" aria-label="Trades tape">
        <TapePanel />
      </section>
    </div>
  );
}
