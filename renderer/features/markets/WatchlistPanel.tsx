import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { DataTable, type Col } from '../../app/ui/DataTable.tsx';
import { useConnection } from '../../state/connection.ts';
import { useLayout } from '../../state/layout.ts';
import { marketKey, useMarkets, type Ticker, type WatchItem } from '../../state/markets.ts';
import { FrameBatch } from '../book/frame-batch.ts';
import { decimalsOf } from '../book/ladder.ts';
import { MarketPicker } from './MarketPicker.tsx';
import { openMarket } from './open.ts';
import { openStream } from './stream-hub.ts';

interface Row extends WatchItem {
  key: string;
  t: Ticker | undefined;
  tick: string | undefined;
}

const compactFmt = new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 3 });
const compact = (n: number) => compactFmt.format(n);

/**
 * The columns' room before the volume column joins them (px): market at its narrowest, last, 24h, volume and
 * the remove button, plus the panel's borders. The panel's own width decides, so dragging the column wider
 * brings volume back whatever the screen size.
 */
const ROOM_FOR_VOLUME = 64 + 76 + 58 + 46 + 28 + 4;
function useRoomForVolume(): [(el: HTMLDivElement | null) => void, boolean] {
  const [room, setRoom] = useState(false);
  const observer = useRef<ResizeObserver | null>(null);
  const ref = useCallback((el: HTMLDivElement | null) => {
    observer.current?.disconnect();
    observer.current = null;
    if (!el) return;
    const fit = () => setRoom(el.clientWidth >= ROOM_FOR_VOLUME);
    observer.current = new ResizeObserver(fit);
    observer.current.observe(el);
    fit();
  }, []);
  return [ref, room];
}

/** The market picker over the watchlist: live last price, 24h change and volume; a click opens the chart. */
export function WatchlistPanel() {
  const connected = useConnection((s) => s.state === 'connected');
  const watchlist = useMarkets((s) => s.watchlist);
  const tickers = useMarkets((s) => s.tickers);
  const known = useMarkets((s) => s.known);
  const selected = useMarkets((s) => s.selected);
  const [bodyRef, roomForVolume] = useRoomForVolume();

  useEffect(() => {
    if (!connected) return;
    // Venues and their markets load when the picker is used: listing them wakes ccxt (a second of the host's time).
    void useMarkets.getState().loadWatchlist().then(() => {
      // A fresh layout opens the first watchlist market (BTC first): chart, book and tape of the venue the
      // paper account trades on, so they show the ticket's price.
      const m = useMarkets.getState();
      if (m.selected || useLayout.getState().chartConfigs[0]) return;
      const pick = m.watchlist.find((i) => i.symbol.startsWith('BTC/')) ?? m.watchlist[0];
      if (pick) void openMarket(pick);
    });
  }, [connected]);

  // One ticker stream per listed market; updates reach the table at most once a frame.
  const itemsKey = watchlist.map((i) => marketKey(i.venue, i.symbol)).join(',');
  useEffect(() => {
    if (!connected || !watchlist.length) return;
    const batch = new FrameBatch<{ key: string; ticker: Ticker }>((u) => useMarkets.getState().applyTickers(u));
    const closers = watchlist.map((i) =>
      openStream(i.venue, i.symbol, 'ticker', (u) => batch.push({ key: marketKey(u.venue, u.symbol), ticker: { last: u.last, changePct: u.changePct, quoteVolume: u.quoteVolume, baseVolume: u.baseVolume, ts: u.ts } })),
    );
    return () => {
      batch.stop();
      for (const c of closers) c();
    };
    // itemsKey stands for the list's content
  }, [connected, itemsKey]);

  const rows = useMemo<Row[]>(
    () => watchlist.map((i) => ({ ...i, key: marketKey(i.venue, i.symbol), t: tickers[marketKey(i.venue, i.symbol)], tick: known[marketKey(i.venue, i.symbol)]?.tickSize })),
    [watchlist, tickers, known],
  );
  const columns = useMemo<Col<Row>[]>(
    () => (
      [
      {
        id: 'symbol', header: 'Market', value: (r) => r.symbol, min: 64, cut: true,
        cell: (r) => (
          <span title={`${r.symbol} on ${r.venue}`}>
            {r.symbol}
            {r.venue !== useMarkets.getState().venue && <span className="muted small"> {r.venue}</span>}
          </span>
        ),
      },
      {
        id: 'last', header: 'Last', align: 'right', width: 76, value: (r) => r.t?.last ?? null,
        cell: (r) => (r.t ? r.t.last.toLocaleString('en-US', { minimumFractionDigits: r.tick ? decimalsOf(Number(r.tick)) : 2, maximumFractionDigits: r.tick ? decimalsOf(Number(r.tick)) : 8 }) : '—'),
      },
      {
        id: 'change', header: '24h', align: 'right', width: 58, value: (r) => r.t?.changePct ?? null,
        cell: (r) => (r.t?.changePct === null || r.t?.changePct === undefined ? '—' : <span className={r.t.changePct > 0 ? 'pos' : r.t.changePct < 0 ? 'neg' : ''}>{`${r.t.changePct > 0 ? '+' : ''}${r.t.changePct.toFixed(2)}%`}</span>),
      },
      {
        id: 'volume', header: 'Vol', align: 'right', width: 46, value: (r) => r.t?.quoteVolume ?? r.t?.baseVolume ?? null,
        cell: (r) => {
          const v = r.t?.quoteVolume ?? r.t?.baseVolume;
          return v === null || v === undefined ? '—' : <span title={r.t?.quoteVolume !== null ? '24h volume in the quote currency' : '24h volume in the base currency'}>{compact(v)}</span>;
        },
      },
      {
        id: 'remove', header: '', width: 28, pinned: true, value: () => null,
        cell: (r) => (
          <button
            className="ghost small"
            aria-label={`Remove ${r.symbol} from the watchlist`}
            onClick={(e) => {
              e.stopPropagation();
              void useMarkets.getState().remove(r);
            }}
          >
            ×
          </button>
        ),
      },
      ] satisfies Col<Row>[]
    ).filter((c) => roomForVolume || c.id !== 'volume'),
    [roomForVolume],
  );
  return (
    <div className="panel-body" data-testid="panel-watchlist" ref={bodyRef}>
      <MarketPicker />
      <DataTable
        label="Watchlist"
        testId="watchlist"
        columns={columns}
        rows={rows}
        rowKey={(r) => r.key}
        selectedKey={selected ? marketKey(selected.venue, selected.symbol) : null}
        onRowClick={(r) => void openMarket({ venue: r.venue, symbol: r.symbol })}
        rowHeight={26}
        empty="Search a market above and press + to watch it."
      />
    </div>
  );
}
