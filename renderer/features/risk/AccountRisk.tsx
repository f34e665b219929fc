/**
 * The account side of the risk panel: where the account stands against its profile's account-wide limits
 * (bars), the active override and the form to request one (re-authenticated, time-limited, audited), and the
 * monitors' events. Everything shown comes from the host's RiskStatus; the bars only divide value by limit.
 */
import { useEffect, useState } from 'react';
import type { RiskStatus } from '../../../main/contract/trading.ts';
import { fmtTime } from '../../app/format.ts';
import { Badge } from '../../app/ui/widgets.tsx';
import { useRisk } from '../../state/risk.ts';

type Bar = { key: string; label: string; value: number; limit: number | null; fmt: (v: number) => string };

const money = (v: number) => v.toLocaleString(undefined, { maximumFractionDigits: 2 });
const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

function bars(s: RiskStatus): Bar[] {
  const a = s.account;
  const equity = Number(s.usage.equity);
  return [
    { key: 'daily-loss', label: 'Daily loss', value: Math.max(0, -(a.dayPnl ?? 0)), limit: a.dailyLossLimit, fmt: money },
    { key: 'drawdown', label: 'Drawdown from peak', value: a.drawdown, limit: a.drawdownHalt, fmt: pct },
    { key: 'positions', label: 'Open positions', value: a.openPositions, limit: a.maxOpenPositions, fmt: String },
    { key: 'leverage', label: 'Leverage (gross / equity)', value: a.leverage, limit: a.maxLeverage, fmt: (v) => `${v.toFixed(2)}×` },
    { key: 'gross', label: 'Gross exposure', value: a.gross, limit: a.maxGross, fmt: money },
    { key: 'net', label: 'Net exposure', value: Math.abs(a.net), limit: a.maxNet, fmt: money },
    { key: 'margin', label: 'Margin used (of equity)', value: a.marginUsed, limit: equity > 0 ? equity : null, fmt: money },
  ];
}

function useNow(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

/** `fixed`: the account's profile cannot be changed here (a market replay trades with the paper defaults). */
export function AccountRisk({ status, fixed = false }: { status: RiskStatus; fixed?: boolean }) {
  const a = status.account;
  return (
    <section className="card grow" data-testid="account-risk">
      <h3 className="section">
        Account limits <span className="muted small">profile {a.profile} · day in {a.timeZone}</span>
      </h3>
      <table className="limits">
        <tbody>
          {bars(status).map((b) => {
            const use = b.limit !== null && b.limit > 0 ? Math.min(1, b.value / b.limit) : null;
            return (
              <tr key={b.key} data-testid={`limit-${b.key}`}>
                <td>{b.label}</td>
                <td className="use">
                  {use !== null ? (
                    <>
                      <div className={`meter ${use >= 0.9 ? 'hot' : use >= 0.7 ? 'warm' : ''}`} role="meter" aria-label={b.label} aria-valuenow={Math.round(use * 100)} aria-valuemin={0} aria-valuemax={100}>
                        <div style={{ width: `${use * 100}%` }} />
                      </div>
                      <span className="num small">
                        {b.fmt(b.value)} / {b.fmt(b.limit!)}
                      </span>
                    </>
                  ) : (
                    <span className="muted small">{b.fmt(b.value)} · no limit</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="muted small">
        Day start equity {a.dayStartEquity === null ? '—' : money(a.dayStartEquity)} · day P&amp;L {a.dayPnl === null ? '—' : money(a.dayPnl)} · peak {a.peakEquity === null ? '—' : money(a.peakEquity)} · buying power {money(a.buyingPower)}
      </div>
      {!fixed && <DailyLoss status={status} />}
      {!fixed && <Override status={status} />}
      <h3 className="section">Risk events</h3>
      {status.events.length === 0 ? (
        <div className="muted">No alerts today.</div>
      ) : (
        <table className="limits" data-testid="risk-events">
          <tbody>
            {[...status.events].reverse().slice(0, 30).map((e, k) => (
              <tr key={`${e.ts}-${k}`}>
                <td className="num small">{fmtTime(e.ts)}</td>
                <td>
                  <Badge kind={e.kind === 'alert' ? 'warn' : e.kind === 'override' ? 'ok' : e.state === 'halted' ? 'bad' : 'ok'}>{e.kind}</Badge>
                </td>
                <td className="small">{e.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The daily loss limit, absolute, in the settlement currency (the profile's percentage limit stays). */
function DailyLoss({ status }: { status: RiskStatus }) {
  const [v, setV] = useState('');
  const ok = /^\d+(\.\d+)?$/.test(v.trim()) && Number(v) > 0;
  return (
    <div className="toolbar" style={{ marginTop: 8 }}>
      <span className="small">Max daily loss</span>
      <input aria-label="Max daily loss" className="num" placeholder={status.account.dailyLossLimit === null ? 'no limit' : String(status.account.dailyLossLimit)} value={v} onChange={(e) => setV(e.target.value)} style={{ width: 100 }} />
      <button disabled={!ok} onClick={() => void useRisk.getState().patchProfile({ maxDailyLoss: v.trim() }).then((done) => done && setV(''))}>
        Save
      </button>
    </div>
  );
}

function Override({ status }: { status: RiskStatus }) {
  const now = useNow(1000);
  const [reason, setReason] = useState('');
  const [minutes, setMinutes] = useState('5');
  const [passphrase, setPassphrase] = useState('');
  const o = status.override;
  if (o) {
    const left = Math.max(0, Math.round((o.until - Math.max(now, status.ts)) / 1000));
    return (
      <div className="override" data-testid="override-active">
        <Badge kind="warn">OVERRIDE</Badge> <span className="small">{o.state ? `${o.state.toUpperCase()} ` : ''}by {o.by}: {o.reason} — until {fmtTime(o.until)} ({Math.floor(left / 60)}:{String(left % 60).padStart(2, '0')} left)</span>
        <button onClick={() => void useRisk.getState().endOverride()}>End override</button>
      </div>
    );
  }
  if (status.tradingState === 'active') return null;
  const mins = Number(minutes);
  const ok = reason.trim().length >= 3 && Number.isInteger(mins) && mins >= 1;
  return (
    <div className="override-form" data-testid="override-form">
      <h3 className="section">Override (reducing orders only, re-authenticated, expires)</h3>
      <div className="toolbar">
        <input aria-label="Override reason" placeholder="Why (goes to the audit log)" value={reason} onChange={(e) => setReason(e.target.value)} style={{ flex: 1 }} />
        <input aria-label="Override minutes" className="num" value={minutes} onChange={(e) => setMinutes(e.target.value)} style={{ width: 60 }} />
        <span className="muted small">min</span>
        <input aria-label="Override passphrase" type="password" placeholder="Passphrase" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
        <button
          className="primary"
          disabled={!ok}
          onClick={() => {
            void useRisk
              .getState()
              .override({ reason: reason.trim(), minutes: mins, state: 'reducing-only', ...(passphrase ? { passphrase } : {}) })
              .then((done) => done && setPassphrase(''));
          }}
        >
          Allow reducing orders
        </button>
      </div>
    </div>
  );
}
