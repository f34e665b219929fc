import { useEffect, useState } from 'react';
import type { AlertCondition, AlertView } from '../../../main/contract/alerts.ts';
import { EmptyState, PanelHeader } from '../../app/EmptyState.tsx';
import { fmtTime } from '../../app/format.ts';
import { Badge } from '../../app/ui/widgets.tsx';
import { useAlerts } from '../../state/alerts.ts';
import { useConnection } from '../../state/connection.ts';
import { useTrading } from '../../state/trading.ts';
import { isDecimal } from '../ticket/logic.ts';
import { ChannelSecrets } from './ChannelSecrets.tsx';
import { conditionText, IndicatorFields, useIndicatorForm } from './IndicatorFields.tsx';

type Kind = 'crosses' | 'above' | 'below' | 'move' | 'indicator' | 'fill' | 'rejection' | 'risk-state' | 'stream-down' | 'stream-up' | 'reconciliation';
const KINDS: { value: Kind; label: string }[] = [
  { value: 'crosses', label: 'Price crosses' },
  { value: 'above', label: 'Price above' },
  { value: 'below', label: 'Price below' },
  { value: 'move', label: '% move in a window' },
  { value: 'indicator', label: 'Indicator condition' },
  { value: 'fill', label: 'Fill' },
  { value: 'rejection', label: 'Order refused / rejected' },
  { value: 'risk-state', label: 'Risk state change' },
  { value: 'stream-down', label: 'Market stream down' },
  { value: 'stream-up', label: 'Market stream back up' },
  { value: 'reconciliation', label: 'Reconciliation discrepancy' },
];

export function describe(c: AlertCondition): string {
  if (c.kind === 'price') return `${c.symbol} ${c.op} ${c.level}`;
  if (c.kind === 'move') return `${c.symbol} moves ${c.pct} % in ${c.windowSec} s`;
  if (c.kind === 'indicator') return `${c.symbol} ${c.timeframe}: ${conditionText(c.when)}`;
  return KINDS.find((k) => k.value === c.event)?.label ?? c.event;
}

/** Create, list, history and dead letters of alerts. */
export function AlertsPanel() {
  const connected = useConnection((s) => s.state === 'connected');
  const { alerts, channels, history, deadLetters } = useAlerts();
  const instruments = useTrading((s) => s.instruments);
  const prices = useTrading((s) => s.prices);
  const [kind, setKind] = useState<Kind>('crosses');
  const [symbol, setSymbol] = useState('BTC/USDT');
  const [level, setLevel] = useState('');
  const [pct, setPct] = useState('1');
  const [windowSec, setWindowSec] = useState('300');
  const [name, setName] = useState('');
  const [repeat, setRepeat] = useState<'once' | 'every'>('once');
  const [cooldown, setCooldown] = useState('60');
  const [sound, setSound] = useState(false);
  const [picked, setPicked] = useState<string[]>([]);
  const indicator = useIndicatorForm();

  useEffect(() => {
    if (!connected) return;
    void useAlerts.getState().refresh();
    const t = setInterval(() => void useAlerts.getState().refresh(), 5000);
    return () => clearInterval(t);
  }, [connected]);

  const priceKind = kind === 'crosses' || kind === 'above' || kind === 'below';
  const valid = priceKind ? isDecimal(level) : kind === 'move' ? isDecimal(pct) && /^\d+$/.test(windowSec) : true;
  const create = async () => {
    const rest = { repeat, cooldownSec: Number(cooldown) || 0, sound, channels: picked };
    if (kind === 'indicator') {
      // Its own path: the host's typed error is shown next to the expression, by field.
      if (await indicator.create(symbol, name.trim(), rest)) setName('');
      return;
    }
    const condition: AlertCondition = priceKind ? { kind: 'price', symbol, op: kind, level } : kind === 'move' ? { kind: 'move', symbol, pct, windowSec: Number(windowSec) } : { kind: 'account', event: kind };
    const v = await useAlerts.getState().create({ name: name.trim() || describe(condition), condition, ...rest });
    if (v) setName('');
  };
  const notifyAsk = typeof Notification !== 'undefined' && Notification.permission === 'default';

  return (
    <div className="panel-body padded" data-testid="panel-alerts">
      <PanelHeader title="Alerts">
        {notifyAsk && <button onClick={() => void Notification.requestPermission()}>Enable browser notifications</button>}
      </PanelHeader>
      <div className="alert-form" data-testid="alert-form">
        <select aria-label="Condition" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
          {KINDS.map((k) => <option key={k.value} value={k.value}>{k.label}</option>)}
        </select>
        {(priceKind || kind === 'move' || kind === 'indicator') && (
          <select aria-label="Symbol" value={symbol} onChange={(e) => setSymbol(e.target.value)}>
            {instruments.map((i) => <option key={i.symbol} value={i.symbol}>{i.symbol}</option>)}
          </select>
        )}
        {priceKind && (
          <>
            <input aria-label="Level" placeholder={prices[symbol] ?? 'price'} value={level} onChange={(e) => setLevel(e.target.value.trim())} />
            <span className="muted">last {prices[symbol] ?? '—'}</span>
          </>
        )}
        {kind === 'move' && (
          <>
            <input aria-label="Percent" value={pct} onChange={(e) => setPct(e.target.value.trim())} style={{ width: 60 }} /> % in
            <input aria-label="Window seconds" value={windowSec} onChange={(e) => setWindowSec(e.target.value.trim())} style={{ width: 70 }} /> s
          </>
        )}
        {kind === 'indicator' && <IndicatorFields form={indicator} />}
        <input aria-label="Alert name" placeholder="name (optional)" value={name} onChange={(e) => setName(e.target.value)} />
        <select aria-label="Repeat" value={repeat} onChange={(e) => setRepeat(e.target.value as 'once' | 'every')}>
          <option value="once">once</option>
          <option value="every">every time</option>
        </select>
        {repeat === 'every' && <><input aria-label="Cooldown seconds" value={cooldown} onChange={(e) => setCooldown(e.target.value.trim())} style={{ width: 60 }} /> s cooldown</>}
        <label><input type="checkbox" checked={sound} onChange={(e) => setSound(e.target.checked)} /> sound</label>
        {channels.map((c) => (
          <label key={c.id}>
            <input type="checkbox" checked={picked.includes(c.id)} disabled={!c.enabled} onChange={(e) => setPicked(e.target.checked ? [...picked, c.id] : picked.filter((x) => x !== c.id))} /> {c.id} ({c.format ?? c.kind})
          </label>
        ))}
        <button className="primary" disabled={!valid} onClick={() => void create()}>Create alert</button>
      </div>

      <h3>Alerts</h3>
      {alerts.length === 0 ? (
        <EmptyState title="No alerts yet">Create one above, or from the chart.</EmptyState>
      ) : (
        <table className="limits" data-testid="alerts-list">
          <thead><tr><th>Name</th><th>Condition</th><th>State</th><th>Fired</th><th /></tr></thead>
          <tbody>{alerts.map((a) => <AlertRow key={a.id} a={a} />)}</tbody>
        </table>
      )}

      <h3>History</h3>
      {history.length === 0 ? (
        <p className="muted">Nothing fired yet.</p>
      ) : (
        <table className="limits" data-testid="alerts-history">
          <thead><tr><th>Time</th><th>Alert</th><th>What happened</th></tr></thead>
          <tbody>
            {history.slice(0, 50).map((f) => (
              <tr key={`${f.seq}-${f.ts}-${f.alertId}`}><td className="num">{fmtTime(f.ts)}</td><td>{f.name}</td><td>{f.message}</td></tr>
            ))}
          </tbody>
        </table>
      )}

      <ChannelSecrets />

      <h3>Dead letters</h3>
      {deadLetters.length === 0 ? (
        <p className="muted">Every notification was delivered.</p>
      ) : (
        <table className="limits" data-testid="alerts-dead-letters">
          <thead><tr><th>Time</th><th>Channel</th><th>Attempts</th><th>Last error</th><th>Message</th><th /></tr></thead>
          <tbody>
            {deadLetters.map((d) => (
              <tr key={d.id}>
                <td className="num">{fmtTime(d.ts)}</td><td>{d.channel}</td><td className="num">{d.attempts}</td><td>{d.lastError}</td><td>{d.message}</td>
                <td><button onClick={() => void useAlerts.getState().retry(d.id)}>Retry</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function AlertRow({ a }: { a: AlertView }) {
  return (
    <tr data-testid={`alert-${a.id}`}>
      <td>{a.name}</td>
      <td>{describe(a.condition)}{a.repeat === 'every' ? ` (every, ${a.cooldownSec} s cooldown)` : ''}</td>
      <td>{a.armed ? <Badge kind="ok">armed</Badge> : <Badge kind="muted">fired</Badge>}</td>
      <td className="num">{a.fired}{a.lastFiredAt ? ` · ${fmtTime(a.lastFiredAt)}` : ''}</td>
      <td>
        {!a.armed && <button onClick={() => void useAlerts.getState().update({ id: a.id, armed: true })}>Re-arm</button>}
        <button className="ghost" aria-label={`Delete ${a.name}`} onClick={() => void useAlerts.getState().remove(a.id)}>✕</button>
      </td>
    </tr>
  );
}
