import { useEffect, useMemo, useRef, useState } from 'react';
import { Badge } from '../../app/ui/widgets.tsx';
import { fmtDecimal } from '../../app/format.ts';
import { useMarkets, type MarketEntry } from '../../state/markets.ts';
import { capsText } from './caps.ts';
import { moveHighlight, searchMarkets } from './search.ts';
import { openMarket } from './open.ts';

const SHOWN = 40;

/**
 * Venue picker and market search: configured venues first (Kestrel Sim), then every exchange ccxt knows with
 * what it can stream. Type to search ("eth", "btc perp"), ↑/↓ to move, Enter to open, + to add to the watchlist.
 */
export function MarketPicker() {
  const venues = useMarkets((s) => s.venues);
  const exchanges = useMarkets((s) => s.exchanges);
  const venue = useMarkets((s) => s.venue);
  const markets = useMarkets((s) => s.markets);
  const truncated = useMarkets((s) => s.truncated);
  const listing = useMarkets((s) => s.listing);
  const listError = useMarkets((s) => s.listError);
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [hi, setHi] = useState(-1);
  const [hostHits, setHostHits] = useState<MarketEntry[] | null>(null);
  const input = useRef<HTMLInputElement>(null);
  // The panel clips what overflows it: the results float over the screen, anchored under the search box.
  const [anchor, setAnchor] = useState<{ top: number; left: number } | null>(null);
  const place = () => {
    const r = input.current?.getBoundingClientRect();
    if (r) setAnchor({ top: r.bottom + 4, left: r.left });
  };

  // '/' from anywhere jumps to the search, as in most trading screens.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (e.key !== '/' || e.altKey || e.ctrlKey || e.metaKey || (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable))) return;
      e.preventDefault();
      input.current?.focus();
      // Typing replaces the last search rather than appending to it.
      input.current?.select();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // A venue with more markets than the host sends at once is searched by the host.
  useEffect(() => {
    if (!truncated || !query.trim()) return setHostHits(null);
    let live = true;
    const t = setTimeout(() => void useMarkets.getState().searchHost(query.trim()).then((r) => live && setHostHits(r)), 150);
    return () => ((live = false), clearTimeout(t));
  }, [query, truncated, venue]);

  const results = useMemo(() => searchMarkets(hostHits ?? markets, query, SHOWN), [hostHits, markets, query]);
  useEffect(() => setHi(results.length ? 0 : -1), [results]);

  const configured = new Set(venues.map((v) => v.id));
  const current = venues.find((v) => v.id === venue);
  const ex = exchanges.find((e) => e.id === (current?.exchange ?? venue));

  const openAt = (m: MarketEntry | undefined) => {
    if (!m) return;
    setOpen(false);
    setQuery('');
    input.current?.blur();
    void openMarket({ venue, symbol: m.symbol });
  };

  return (
    <div className="picker">
      <div className="picker-row">
        <select aria-label="Venue" title={ex ? `${ex.name}: ${capsText(ex.has)}` : undefined} value={venue} onChange={(e) => void useMarkets.getState().setVenue(e.target.value)} onFocus={() => void useMarkets.getState().loadExchanges()} onMouseDown={() => void useMarkets.getState().loadExchanges()}>
          <optgroup label="Configured">
            {venues.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
            {!configured.has(venue) && !exchanges.some((e) => e.id === venue) && <option value={venue}>{venue}</option>}
          </optgroup>
          {exchanges.length > 0 && (
            <optgroup label="All ccxt exchanges">
              {exchanges
                .filter((e) => !configured.has(e.id))
                .map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.name} — {capsText(e.has)}
                  </option>
                ))}
            </optgroup>
          )}
        </select>
        <span className="picker-caps" data-testid="venue-caps" title="What this venue offers through ccxt">
          {current?.builtin && <Badge kind="info">OFFLINE SIM</Badge>}
          {current?.capabilities?.websockets || ex?.pro ? <Badge kind="ok">WS</Badge> : <Badge kind="warn">POLL</Badge>}
        </span>
      </div>
      <div className="picker-search" onBlur={(e) => !e.currentTarget.contains(e.relatedTarget) && setOpen(false)}>
        <input
          ref={input}
          role="combobox"
          aria-label="Search markets"
          aria-expanded={open}
          aria-controls="market-results"
          aria-activedescendant={open && hi >= 0 ? `market-opt-${hi}` : undefined}
          placeholder={listing ? 'Loading markets…' : 'Search markets — btc, eth perp  ( / )'}
          value={query}
          onFocus={() => (place(), setOpen(true))}
          onChange={(e) => (setQuery(e.target.value), place(), setOpen(true))}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              setOpen(true);
              setHi(moveHighlight(hi, e.key === 'ArrowDown' ? 1 : -1, results.length));
            } else if (e.key === 'Enter') {
              e.preventDefault();
              openAt(results[hi] ?? results[0]);
            } else if (e.key === 'Escape') {
              setOpen(false);
              input.current?.blur();
            }
          }}
        />
        {open && (
          <div className="picker-results" id="market-results" role="listbox" aria-label="Markets" style={anchor ?? undefined}>
            {listError && <div className="picker-note error-text">{listError}</div>}
            {!listError && !listing && !results.length && <div className="picker-note muted">No market matches “{query}”.</div>}
            {results.map((m, i) => (
              <div key={m.symbol} id={`market-opt-${i}`} role="option" aria-selected={i === hi} className={`picker-opt${i === hi ? ' hi' : ''}`} onMouseEnter={() => setHi(i)} onMouseDown={(e) => e.preventDefault()} onClick={() => openAt(m)}>
                <span className="picker-sym">{m.symbol}</span>
                <Badge kind={m.type === 'perp' ? 'warn' : 'muted'}>{m.type.toUpperCase()}</Badge>
                <span className="picker-spec num" title="Tick size · lot step · minimum notional">
                  {fmtDecimal(m.tickSize)} · {fmtDecimal(m.lotStep)} · {m.minNotional ? `${fmtDecimal(m.minNotional)} ${m.quote}` : '—'}
                </span>
                <button
                  className="ghost small"
                  aria-label={`Add ${m.symbol} to the watchlist`}
                  title="Add to the watchlist"
                  onClick={(e) => {
                    e.stopPropagation();
                    void useMarkets.getState().add({ venue, symbol: m.symbol });
                  }}
                >
                  +
                </button>
              </div>
            ))}
          </div>
        )}
      </div>
    </div>
  );
}
