import { useEffect } from 'react';
import { fmtDecimal, fmtNum, fmtTime } from '../../app/format.ts';
import { Badge } from '../../app/ui/widgets.tsx';
import { scaled, useReplay, type ReplayView, type SessionSetup } from '../../state/audit-replay.ts';
import { useConnection } from '../../state/connection.ts';
import { ReplayChart } from './ReplayChart.tsx';

const inst = (setup: SessionSetup | null, symbol: string) => setup?.instruments.find((i) => i.symbol === symbol);

function sessionLabel(s: { session: string; kind: string; startedAt: number; stoppedAt: number | null; strategyId?: string }): string {
  return `${s.kind === 'paper' ? 'Paper' : 'Backtest'} · ${fmtTime(s.startedAt, false)}${s.stoppedAt === null ? ' (running)' : ''}${s.strategyId ? ` · ${s.strategyId}` : ''} · ${s.session}`;
}

function eventLine(st: ReplayView): string {
  const e = st.event;
  if (!e) return 'before the first event';
  const p = e.payload as Record<string, Record<string, unknown> | string | undefined>;
  const o = (typeof p.order === 'object' ? p.order : typeof p.fill === 'object' ? p.fill : undefined) as Record<string, unknown> | undefined;
  const what = e.type === 'order' ? `order ${String(p.event ?? '')} → ${String(o?.state ?? '')}` : e.type === 'fill' ? `fill ${String(o?.side ?? '')}` : e.type;
  return `${what}${e.symbol ? ` ${e.symbol}` : ''}`;
}

/** Scrubber over one session's timeline; the chart and a blotter show the state right after the scrubbed event. */
export function ReplayPanel() {
  const connected = useConnection((s) => s.state === 'connected');
  const { sessions, sessionsLoaded, session, setup, marks, index, state, loading, rerun, rerunning } = useReplay();

  useEffect(() => {
    if (connected) void useReplay.getState().loadSessions();
  }, [connected]);

  const total = state?.total ?? 0;
  const r = useReplay.getState();
  const open = state?.orders.filter((o) => !['filled', 'canceled', 'rejected', 'expired'].includes(o.state)) ?? [];
  const positions = state?.positions.filter((p) => p.qty !== 0) ?? [];

  return (
    <div className="replay" data-testid="replay-panel">
      <div className="toolbar replay-bar">
        <select aria-label="Replay session" value={session ?? ''} onChange={(e) => void r.pick(e.target.value)} disabled={!sessions.length}>
          {!sessions.length && <option value="">{sessionsLoaded ? 'No recorded sessions' : 'Loading…'}</option>}
          {sessions.map((s) => (
            <option key={s.session} value={s.session}>
              {sessionLabel(s)}
            </option>
          ))}
        </select>
        <button className="small" onClick={() => void r.loadSessions()}>
          Refresh
        </button>
        <button className="small" onClick={() => void r.runRerun()} disabled={!session || rerunning} title="Feed the session's recorded market data through the kernel again with the same strategy version and list every divergence">
          {rerunning ? 'Re-running…' : 'Re-run'}
        </button>
        {rerun && (
          <span data-testid="rerun-result">
            {rerun.identical ? <Badge kind="ok">IDENTICAL</Badge> : <Badge kind="bad">{rerun.divergences.length} DIVERGENCES</Badge>}{' '}
            <span className="muted small">
              {rerun.trades.rerun}/{rerun.trades.recorded} trades · {rerun.fills.rerun}/{rerun.fills.recorded} fills
            </span>
            {rerun.engine?.note && (
              <>
                {' '}
                <span className="small" data-testid="rerun-engine" title="The engine fingerprint recorded with the session and the one that re-ran it: with different engines a divergence may come from the engine, not the data or the strategy">
                  {rerun.engine.note}
                </span>
              </>
            )}
          </span>
        )}
      </div>
      <div className="toolbar scrubber">
        <button className="small" aria-label="To start" onClick={() => void r.seek(0)} disabled={!total}>Start</button>
        <button className="small" aria-label="Previous fill" onClick={() => void r.jumpFill(-1)} disabled={!total}>◀ fill</button>
        <button className="small" aria-label="Step back" onClick={() => void r.step(-1)} disabled={!total || index <= 0}>◀</button>
        <div className="scrub-track">
          <input
            type="range"
            aria-label="Replay position"
            min={0}
            max={Math.max(0, total - 1)}
            step={1}
            value={Math.max(0, index)}
            disabled={!total}
            onChange={(e) => void r.seek(Number(e.target.value))}
          />
          <div className="scrub-ticks" aria-hidden>
            {total > 1 &&
              marks
                .filter((m) => m.kind === 'fill')
                .map((m) => <span key={m.seq} className={`scrub-tick ${m.side}`} style={{ left: `${(m.index / (total - 1)) * 100}%` }} title={`fill ${m.side} ${m.symbol}`} />)}
          </div>
        </div>
        <button className="small" aria-label="Step forward" onClick={() => void r.step(1)} disabled={!total || index >= total - 1}>▶</button>
        <button className="small" aria-label="Next fill" onClick={() => void r.jumpFill(1)} disabled={!total}>fill ▶</button>
        <button className="small" aria-label="To end" onClick={() => void r.seek(total - 1)} disabled={!total}>End</button>
        <span className="scrub-where small" data-testid="replay-position" aria-busy={loading}>
          {state ? (
            <>
              Event <b>{state.index + 1}</b> of {total} · {state.ts !== null ? fmtTime(state.ts) : '—'} · {eventLine(state)}
            </>
          ) : (
            '—'
          )}
        </span>
      </div>
      <div className="replay-grid">
        <ReplayChart />
        <aside className="replay-blotter scroll" data-testid="replay-blotter">
          <h3 className="section">Account at this moment</h3>
          <dl className="preview-grid kv">
            <dt>Equity</dt>
            <dd data-testid="replay-equity">{state?.equity === null || state?.equity === undefined ? '—' : fmtNum(state.equity, 2)}</dd>
            {Object.entries(state?.cash ?? {}).map(([c, v]) => [<dt key={`c${c}`}>Cash {c}</dt>, <dd key={`v${c}`}>{fmtDecimal(v, 2)}</dd>])}
            <dt>Fills</dt>
            <dd>{state?.fills ?? 0}</dd>
            <dt>Signals</dt>
            <dd>{state?.signals ?? 0}</dd>
          </dl>
          <h3 className="section">Risk</h3>
          <dl className="preview-grid kv" data-testid="replay-risk">
            <dt>Trading</dt>
            <dd>{state ? <Badge kind={state.risk.tradingState === 'active' ? 'ok' : 'bad'}>{state.risk.tradingState.toUpperCase()}</Badge> : '—'}</dd>
            <dt>Verdicts</dt>
            <dd>
              {state?.risk.approved ?? 0} approved · {state?.risk.rejected ?? 0} rejected
            </dd>
            {state?.risk.lastRejection && (
              <>
                <dt>Last rejection</dt>
                <dd>{((state.risk.lastRejection.reasons as { message?: string }[] | undefined) ?? []).map((x) => x.message).join('; ') || 'rejected'}</dd>
              </>
            )}
          </dl>
          <h3 className="section">Positions</h3>
          <table className="mini" aria-label="Replay positions">
            <thead>
              <tr>
                <th>Symbol</th>
                <th>Side</th>
                <th>Qty</th>
                <th>Avg</th>
                <th>rPnL</th>
                <th>uPnL</th>
              </tr>
            </thead>
            <tbody>
              {positions.length === 0 && (
                <tr>
                  <td colSpan={6} className="muted">
                    No position
                  </td>
                </tr>
              )}
              {positions.map((p) => {
                const i = inst(setup, p.symbol);
                return (
                  <tr key={p.symbol}>
                    <td>{p.symbol}</td>
                    <td className={p.qty > 0 ? 'buy' : 'sell'}>{p.qty > 0 ? 'LONG' : 'SHORT'}</td>
                    <td className="num">{scaled(Math.abs(p.qty), i?.lotSize, true)}</td>
                    <td className="num">{scaled(p.avgPrice, i?.tickSize)}</td>
                    <td className="num">{fmtDecimal(p.realizedPnl, 2)}</td>
                    <td className="num">{fmtDecimal(p.unrealizedPnl, 2)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <h3 className="section">Open orders</h3>
          <table className="mini" aria-label="Replay open orders">
            <thead>
              <tr>
                <th>Symbol</th>
                <th>Side</th>
                <th>Type</th>
                <th>Qty</th>
                <th>Price</th>
                <th>State</th>
              </tr>
            </thead>
            <tbody>
              {open.length === 0 && (
                <tr>
                  <td colSpan={6} className="muted">
                    No open orders
                  </td>
                </tr>
              )}
              {open.map((o) => {
                const i = inst(setup, o.symbol);
                return (
                  <tr key={o.clientOrderId}>
                    <td>{o.symbol}</td>
                    <td className={o.side}>{o.side.toUpperCase()}</td>
                    <td>{o.type}</td>
                    <td className="num">{scaled(o.qty - o.filledQty, i?.lotSize, true)}</td>
                    <td className="num">{o.price !== undefined ? scaled(o.price, i?.tickSize) : o.triggerPrice !== undefined ? `stop ${scaled(o.triggerPrice, i?.tickSize)}` : 'market'}</td>
                    <td>{o.state}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {rerun && rerun.divergences.length > 0 && (
            <>
              <h3 className="section">Re-run divergences</h3>
              <table className="mini" aria-label="Re-run divergences">
                <thead>
                  <tr>
                    <th>Trade</th>
                    <th>Kind</th>
                    <th>Field</th>
                    <th>Recorded</th>
                    <th>Re-run</th>
                  </tr>
                </thead>
                <tbody>
                  {rerun.divergences.slice(0, 200).map((d, k) => (
                    <tr key={k}>
                      <td>{d.trade || '—'}</td>
                      <td>{d.kind}</td>
                      <td>{d.field}</td>
                      <td className="clip">{JSON.stringify(d.recorded)}</td>
                      <td className="clip">{JSON.stringify(d.rerun)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </aside>
      </div>
    </div>
  );
}
