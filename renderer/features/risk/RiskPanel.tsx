import { useEffect, useState } from 'react';
import type { RiskLimitsView, TradingState } from '../../../main/contract/trading.ts';
import { EmptyState, PanelHeader } from '../../app/EmptyState.tsx';
import { fmtDecimal, fmtTime } from '../../app/format.ts';
import { Badge, ConfirmDialog } from '../../app/ui/widgets.tsx';
import { useConnection } from '../../state/connection.ts';
import { useRisk } from '../../state/risk.ts';
import { useTrading } from '../../state/trading.ts';
import { isReplayAccount } from '../../../main/contract/replay.ts';
import { isDecimal } from '../ticket/logic.ts';
import { AccountRisk } from './AccountRisk.tsx';
import { PortfolioRisk } from './PortfolioRisk.tsx';

type LimitKey = keyof RiskLimitsView;
const LIMITS: { key: LimitKey; label: string; unit: string; integer?: boolean; use?: (u: UsageLike) => number | null }[] = [
  { key: 'maxOrderNotional', label: 'Max order notional', unit: 'USDT' },
  { key: 'maxPositionNotional', label: 'Max position notional', unit: 'USDT', use: (u) => Number(u.largestPositionNotional) },
  { key: 'maxPositionPctEquity', label: 'Max position, % of equity', unit: '%', use: (u) => Number(u.largestPositionPct) },
  { key: 'maxOpenOrders', label: 'Max open orders', unit: 'orders', integer: true, use: (u) => u.openOrders },
  { key: 'priceBandBps', label: 'Price band (fat finger)', unit: 'bps from last', integer: true },
];
interface UsageLike {
  openOrders: number;
  largestPositionNotional: string;
  largestPositionPct: string;
}

const stateKind = (s: TradingState) => (s === 'active' ? 'ok' : s === 'halted' ? 'bad' : 'warn');

export function RiskPanel() {
  const connected = useConnection((s) => s.state === 'connected');
  const status = useRisk((s) => s.status);
  // The account the Trade workspace shows (a market replay's own while one is shown): every action here acts on it.
  const session = useTrading((s) => s.session);
  const replay = isReplayAccount(session?.account);
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [confirm, setConfirm] = useState(false);
  const [flatten, setFlatten] = useState(true);
  const [reason, setReason] = useState('');

  useEffect(() => {
    if (!connected) return;
    void useRisk.getState().load();
    // Limit use moves with every mark and fill; state changes and alerts are pushed, figures are polled.
    const t = setInterval(() => void useRisk.getState().refresh(), 1000);
    return () => clearInterval(t);
  }, [connected]);
  // The drafts follow the saved limits (not every refresh, which would overwrite what is being typed).
  const saved = status ? JSON.stringify(status.limits) : '';
  useEffect(() => {
    if (status) setDraft(Object.fromEntries(LIMITS.map((l) => [l.key, status.limits[l.key] === null ? '' : String(status.limits[l.key])])));
  }, [saved]);

  if (!status)
    return (
      <div className="panel-body" data-testid="panel-risk">
        <PanelHeader title="Risk" />
        <EmptyState title="Loading risk status…" />
      </div>
    );

  const bad = LIMITS.filter((l) => draft[l.key] && !(l.integer ? /^\d+$/.test(draft[l.key]!) : isDecimal(draft[l.key]!)));
  const save = () => {
    const req: Record<string, string | number | null> = {};
    for (const l of LIMITS) {
      const v = (draft[l.key] ?? '').trim();
      req[l.key] = v === '' ? null : l.integer ? Number(v) : v;
    }
    void useRisk.getState().setLimits(req);
  };

  return (
    <div className="panel-body" data-testid="panel-risk">
      <PanelHeader title="Risk">
        {session && (
          <span className={`pill ${replay ? 'replay' : ''}`} data-testid="risk-account" title="The account the kill switch, resume and limits act on: the one the Trade workspace shows">
            {session.accountName}
          </span>
        )}
        <span className="muted small">updated {fmtTime(status.ts)}</span>
      </PanelHeader>
      {replay && (
        <div className="muted small" data-testid="risk-replay-scope" style={{ padding: '0 12px' }}>
          A market replay&apos;s own account: the kill switch, resume and reducing-only act on the replay only (undone by seeking back before them). Its limits are the paper defaults and cannot be changed.
        </div>
      )}
      <div className="risk-grid scroll">
        <section className="card">
          <h3 className="section">Trading state</h3>
          <div className="trading-state">
            <Badge kind={stateKind(status.tradingState)}>{status.tradingState.toUpperCase()}</Badge>
            <span className="muted" data-testid="state-reason">
              {status.stateReason}
            </span>
            <span className="muted small" data-testid="state-since">
              since {fmtTime(status.since)}
            </span>
          </div>
          <div className="toolbar" style={{ marginTop: 10 }}>
            <input aria-label="Reason" placeholder="Reason (goes to the audit log)" value={reason} onChange={(e) => setReason(e.target.value)} style={{ flex: 1 }} />
          </div>
          <div className="toolbar" style={{ marginTop: 8 }}>
            <button disabled={status.tradingState === 'active'} onClick={() => void useRisk.getState().setState('active', reason)}>
              Resume trading
            </button>
            <button disabled={status.tradingState === 'reducing-only'} onClick={() => void useRisk.getState().setState('reducing-only', reason)}>
              Reducing only
            </button>
          </div>
          <button className="kill" onClick={() => setConfirm(true)} disabled={status.tradingState === 'halted' && status.usage.positions.length === 0 && status.usage.openOrders === 0}>
            KILL SWITCH
            <small>cancel every order · close every position · halt</small>
          </button>
          <h3 className="section">Equity</h3>
          <div className="num big">{fmtDecimal(status.usage.equity, 2)}</div>
        </section>
        <section className="card grow">
          <h3 className="section">Limits and their use</h3>
          <table className="limits">
            <thead>
              <tr>
                <th>Limit</th>
                <th>Value</th>
                <th>In use</th>
              </tr>
            </thead>
            <tbody>
              {LIMITS.map((l) => {
                const limit = status.limits[l.key];
                const used = l.use ? l.use(status.usage) : null;
                const pct = used !== null && limit !== null && Number(limit) > 0 ? Math.min(100, (used / Number(limit)) * 100) : null;
                return (
                  <tr key={l.key}>
                    <td>
                      {l.label}
                      <div className="muted small">{l.unit}</div>
                    </td>
                    <td>
                      <input aria-label={l.label} className="num" value={draft[l.key] ?? ''} placeholder="no limit" onChange={(e) => setDraft({ ...draft, [l.key]: e.target.value })} aria-invalid={bad.includes(l)} />
                    </td>
                    <td className="use">
                      {pct !== null ? (
                        <>
                          <div className={`meter ${pct > 90 ? 'hot' : pct > 70 ? 'warm' : ''}`}>
                            <div style={{ width: `${pct}%` }} />
                          </div>
                          <span className="num small">
                            {fmtDecimal(String(used), 2)} / {fmtDecimal(String(limit), 2)}
                          </span>
                        </>
                      ) : (
                        <span className="muted small">{limit === null ? 'no limit' : 'checked per order'}</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {bad.length > 0 && <div className="error-text">Not a number: {bad.map((b) => b.label).join(', ')}</div>}
          <div className="toolbar" style={{ marginTop: 10 }}>
            <button className="primary" onClick={save} disabled={bad.length > 0 || replay}>
              Save limits
            </button>
            <span className="muted small">Empty = no limit. Every change is audited.</span>
          </div>
          <h3 className="section">Positions against equity</h3>
          {status.usage.positions.length === 0 ? (
            <div className="muted">No positions.</div>
          ) : (
            <table className="limits">
              <tbody>
                {status.usage.positions.map((p) => (
                  <tr key={p.symbol}>
                    <td>{p.symbol}</td>
                    <td className="num">{fmtDecimal(p.notional, 2)}</td>
                    <td className="num">{fmtDecimal(p.pctEquity, 2)}%</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <AccountRisk status={status} fixed={replay} />
        {status.portfolio && <PortfolioRisk view={status.portfolio} />}
      </div>
      {confirm && (
        <ConfirmDialog
          title="Engage the kill switch?"
          confirmLabel="Halt trading and cancel all"
          danger
          onCancel={() => setConfirm(false)}
          onConfirm={() => {
            setConfirm(false);
            void useRisk.getState().kill(reason || 'kill switch from the risk panel', flatten);
          }}
        >
          Every open order of <b data-testid="kill-account">{session?.accountName ?? 'the account'}</b> is cancelled and no new order passes its risk gate until you resume trading.
          <label style={{ display: 'block', marginTop: 8 }}>
            <input type="checkbox" checked={flatten} onChange={(e) => setFlatten(e.target.checked)} /> Also close every position at market
          </label>
        </ConfirmDialog>
      )}
    </div>
  );
}
