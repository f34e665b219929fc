import { useEffect, useMemo, useRef, useState } from 'react';
import { marketKey, useMarkets } from '../../state/markets.ts';
import { useStream } from '../markets/stream-hub.ts';
import { FrameBatch } from './frame-batch.ts';
import { decimalsOf } from './ladder.ts';
import { fixed } from './numfmt.ts';
import { parseMinSize, Tape, type Print } from './tape.ts';

const SHOWN = 60;

/** Time and sales of the selected market: newest first, coloured by the aggressor, with a minimum size filter. */
export function TapePanel() {
  const selected = useMarkets((s) => s.selected);
  const market = useMarkets((s) => (s.selected ? s.known[marketKey(s.selected.venue, s.selected.symbol)] : undefined));
  const tape = useRef(new Tape(1000));
  const anon = useRef(0);
  const [, setVersion] = useState(0);
  const [filter, setFilter] = useState('');
  const min = parseMinSize(filter);
  const batch = useMemo(() => new FrameBatch<Print[]>((chunks) => tape.current.push(chunks.flat()) && setVersion((v) => v + 1)), []);
  useEffect(() => () => batch.stop(), [batch]);
  const key = selected ? marketKey(selected.venue, selected.symbol) : '';
  useEffect(() => {
    tape.current.clear();
    setVersion((v) => v + 1);
  }, [key]);
  useStream(selected?.venue ?? '', selected?.symbol ?? '', 'trades', (u) => {
    // A print without an id cannot be told from a replay; it is kept (never merged with a genuine twin).
    batch.push(u.trades.map((t) => ({ id: t.id ?? `anon-${++anon.current}`, ts: t.ts, price: t.price, size: t.qty, side: t.side ?? 'buy' })));
  });
  const fp = fixed(market ? decimalsOf(Number(market.tickSize)) : 2);
  const fs = fixed(Math.min(market ? decimalsOf(Number(market.lotStep)) : 4, 6));
  const rows = tape.current.view(min.ok ? min.value : 0, SHOWN);
  return (
    <div className="panel-body" data-testid="panel-tape">
      <div className="panel-header">
        <h2>Trades</h2>
        <div className="panel-actions">
          <label className="small muted" htmlFor="tape-min">
            Min size
          </label>
          <input id="tape-min" className="tape-min num" aria-label="Minimum trade size" aria-invalid={!min.ok} value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="0" size={6} title={min.ok ? 'Hide prints smaller than this' : min.error} />
        </div>
      </div>
      <div className="tape num" role="table" aria-label="Time and sales" data-testid="tape-rows" data-count={tape.current.size}>
        {rows.map((p) => (
          <div key={p.id} className={`tape-row ${p.side}`} role="row">
            <span className="muted">{new Date(p.ts).toISOString().slice(11, 19)}</span>
            <span className="tape-price">{fp(p.price)}</span>
            <span>{fs(p.size)}</span>
          </div>
        ))}
        {!rows.length && <div className="dt-empty">{selected ? (tape.current.size ? 'No prints at or above this size' : 'Waiting for trades…') : 'Open a market to see its trades.'}</div>}
      </div>
    </div>
  );
}
