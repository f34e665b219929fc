import { useState } from 'react';
import { TIMEFRAMES } from '../../state/chart.ts';
import { useData } from '../../state/data.ts';

const day = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function BackfillForm({ busy }: { busy: boolean }) {
  const [f, setF] = useState({ exchange: 'binance', symbols: 'BTC/USDT', timeframe: '1m', from: isoDay(Date.now() - 2 * day), to: isoDay(Date.now()), endpoint: '' });
  const from = Date.parse(`${f.from}T00:00:00Z`);
  const to = Date.parse(`${f.to}T00:00:00Z`);
  const symbols = f.symbols.split(/[\s,]+/).filter(Boolean);
  const problem = !symbols.length ? 'Enter at least one symbol' : !(from < to) ? 'The start must be before the end' : null;
  return (
    <form
      className="form-grid"
      onSubmit={(e) => {
        e.preventDefault();
        if (problem) return;
        void useData.getState().backfill({ exchange: f.exchange.trim(), symbols, timeframe: f.timeframe, from, to, ...(f.endpoint.trim() ? { endpoint: f.endpoint.trim() } : {}) });
      }}
    >
      <div className="two">
        <label className="field">
          <span>Exchange (ccxt id)</span>
          <input aria-label="Exchange" value={f.exchange} onChange={(e) => setF({ ...f, exchange: e.target.value })} />
        </label>
        <label className="field">
          <span>Timeframe</span>
          <select aria-label="Backfill timeframe" value={f.timeframe} onChange={(e) => setF({ ...f, timeframe: e.target.value })}>
            {TIMEFRAMES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
      </div>
      <label className="field">
        <span>Symbols</span>
        <input aria-label="Symbols" value={f.symbols} onChange={(e) => setF({ ...f, symbols: e.target.value })} placeholder="BTC/USDT, ETH/USDT" />
      </label>
      <div className="two">
        <label className="field">
          <span>From (UTC)</span>
          <input type="date" aria-label="From" value={f.from} onChange={(e) => setF({ ...f, from: e.target.value })} />
        </label>
        <label className="field">
          <span>To (UTC)</span>
          <input type="date" aria-label="To" value={f.to} onChange={(e) => setF({ ...f, to: e.target.value })} />
        </label>
      </div>
      <label className="field">
        <span>Local endpoint (optional, Binance protocol)</span>
        <input aria-label="Endpoint" value={f.endpoint} onChange={(e) => setF({ ...f, endpoint: e.target.value })} placeholder="http://127.0.0.1:PORT" />
      </label>
      {problem && <div className="error-text small">{problem}</div>}
      <button className="primary" type="submit" disabled={busy || !!problem}>
        {busy ? 'Backfilling…' : 'Start backfill'}
      </button>
    </form>
  );
}

export function ImportForm() {
  const [f, setF] = useState({ source: 'csv', symbol: '', timeframe: '1m' });
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const problem = !file ? 'Choose a CSV file' : !/^[A-Za-z0-9_.:\-/]+$/.test(f.symbol) ? 'Enter a symbol (letters, digits, / - _ . :)' : null;
  return (
    <form
      className="form-grid"
      onSubmit={async (e) => {
        e.preventDefault();
        if (problem || !file) return;
        setBusy(true);
        try {
          const csv = await file.text();
          if (await useData.getState().importCsv({ source: f.source.trim() || 'csv', symbol: f.symbol.trim(), timeframe: f.timeframe, csv })) setFile(null);
        } finally {
          setBusy(false);
        }
      }}
    >
      <input type="file" accept=".csv,text/csv" aria-label="CSV file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      <div className="two">
        <label className="field">
          <span>Symbol</span>
          <input aria-label="Import symbol" value={f.symbol} onChange={(e) => setF({ ...f, symbol: e.target.value })} placeholder="BTC/USDT" />
        </label>
        <label className="field">
          <span>Timeframe</span>
          <select aria-label="Import timeframe" value={f.timeframe} onChange={(e) => setF({ ...f, timeframe: e.target.value })}>
            {TIMEFRAMES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
      </div>
      <label className="field">
        <span>Source label</span>
        <input aria-label="Source" value={f.source} onChange={(e) => setF({ ...f, source: e.target.value })} />
      </label>
      <div className="muted small">Columns: time (ms, s or ISO), open, high, low, close, volume. Every row is validated first; nothing is stored unless all are good.</div>
      <button type="submit" disabled={busy || !!problem} title={problem ?? ''}>
        {busy ? 'Importing…' : 'Import'}
      </button>
      <ImportRefusal />
    </form>
  );
}

/** Every bad line of a refused file at once (the host lists up to 20 and counts them all). */
function ImportRefusal() {
  const r = useData((s) => s.importRefusal);
  if (!r) return null;
  return (
    <div className="error-text small" role="alert" data-testid="import-refusal">
      <div>
        Nothing was imported: {r.total > 1 ? `${r.total} bad lines` : 'a bad line'}
        {r.total > r.issues.length ? ` (the first ${r.issues.length} below)` : ''}.
      </div>
      {r.issues.length > 0 ? (
        <ul className="issue-list">
          {r.issues.map((i) => (
            <li key={`${i.path}:${i.message}`}>
              {i.path}: {i.message}
            </li>
          ))}
        </ul>
      ) : (
        <div>{r.message}</div>
      )}
    </div>
  );
}
