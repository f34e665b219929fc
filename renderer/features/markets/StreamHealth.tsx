import { useEffect, useRef, useState } from 'react';
import { call, getClient } from '../../ipc/client.ts';
import { useConnection } from '../../state/connection.ts';
import { useMarkets, type VenueHealth } from '../../state/markets.ts';
import { fmtAge, fmtLag, healthLevel } from './health.ts';

const LABEL: Record<string, string> = { ok: 'live', stale: 'quiet', down: 'down', idle: 'idle' };

/** One dot per venue with live streams in the status bar; a click shows the figures behind it. */
export function StreamHealth() {
  const connected = useConnection((s) => s.state === 'connected');
  const health = useMarkets((s) => s.health);
  const received = useRef(new Map<string, number>());
  const [now, setNow] = useState(() => Date.now());
  const [open, setOpen] = useState<{ venue: string; left: number } | null>(null);

  useEffect(() => {
    if (!connected) return;
    const take = (h: VenueHealth) => {
      received.current.set(h.venue, Date.now());
      useMarkets.getState().setHealth(h);
    };
    const off = getClient().on('streams.health', take);
    void call('streams.health', {}, { quiet: true }).then((r) => r?.venues.forEach(take));
    return off;
  }, [connected]);

  // The age of the last message keeps growing between two health events.
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);

  const venues = Object.values(health).filter((h) => h.subscriptions > 0 || h.state !== 'idle');
  if (!venues.length) return null;
  return (
    <span className="stream-health">
      {venues.map((h) => {
        const since = now - (received.current.get(h.venue) ?? now);
        const level = healthLevel(h, since);
        const age = h.lastMessageAgeMs === null ? null : h.lastMessageAgeMs + since;
        return (
          <span key={h.venue} className="sh-wrap">
            <button className={`sh sh-${level}`} data-testid={`stream-health-${h.venue}`} data-level={level} aria-expanded={open?.venue === h.venue} onClick={(e) => setOpen(open?.venue === h.venue ? null : { venue: h.venue, left: e.currentTarget.getBoundingClientRect().left })} title={`${h.venue} streams: ${h.state}`}>
              <span className="sh-dot" aria-hidden />
              {h.venue} {LABEL[level]} · {fmtAge(age)}
            </button>
            {open?.venue === h.venue && <HealthDetail h={h} age={age} left={open.left} onClose={() => setOpen(null)} />}
          </span>
        );
      })}
    </span>
  );
}

function HealthDetail({ h, age, left, onClose }: { h: VenueHealth; age: number | null; left: number; onClose(): void }) {
  const rows: [string, string][] = [
    ['State', `${h.state}${h.connected ? ' (connected)' : ' (not connected)'}`],
    ['Last message', age === null ? 'none yet' : `${fmtAge(age)} ago`],
    ['Lag to venue time', fmtLag(h.lagMs)],
    ['Clock skew', fmtLag(h.clockSkewMs)],
    ['Reconnects', String(h.reconnects)],
    ['Stalls detected', String(h.stalls)],
    ['REST resyncs', String(h.resyncs)],
    ['Messages', h.messages.toLocaleString('en-US')],
    ['Dropped', `${h.dropped.malformed} malformed · ${h.dropped.duplicate} duplicate · ${h.dropped.outOfOrder} out of order`],
    ['Bars stored', h.barsStored.toLocaleString('en-US')],
    ['Subscriptions', String(h.subscriptions)],
  ];
  return (
    <div className="sh-detail" style={{ left: Math.max(8, Math.min(left, window.innerWidth - 410)) }} role="dialog" aria-label={`${h.venue} stream health`} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="sh-detail-head">
        <b>{h.venue}</b>
        <button className="ghost small" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </div>
      {h.error && <div className="error-text small">{h.error}</div>}
      <table className="mini">
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <td className="muted">{k}</td>
              <td className="num">{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {h.symbols.length > 0 && (
        <table className="mini" aria-label="Streams">
          <thead>
            <tr>
              <th>Market</th>
              <th>Streams</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {h.symbols.map((s) => (
              <tr key={s.symbol}>
                <td>{s.symbol}</td>
                <td className="small">
                  {s.kinds.join(', ')}
                  {s.mode === 'poll' ? ' (polled: no websocket)' : ''}
                </td>
                <td className={s.state === 'live' ? 'pos' : s.error ? 'neg' : ''} title={s.error ?? undefined}>
                  {s.state}
                  {s.error ? ` — ${s.error}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
