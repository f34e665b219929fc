import { useEffect, useState } from 'react';
import type { HealthView, LatencyView } from '../../../main/contract/metrics.ts';
import { EmptyState, PanelHeader } from '../../app/EmptyState.tsx';
import { fmtNum } from '../../app/format.ts';
import { Badge, Stat } from '../../app/ui/widgets.tsx';
import { call } from '../../ipc/client.ts';
import { useConnection } from '../../state/connection.ts';

const LATENCIES: { key: keyof HealthView['latency']; label: string }[] = [
  { key: 'submitToAck', label: 'Submit → ack' },
  { key: 'ackToFill', label: 'Ack → fill' },
  { key: 'dbWrite', label: 'Database write' },
  { key: 'eventLoop', label: 'Event-loop delay' },
  { key: 'webhook', label: 'Webhook handling' },
];

const ms = (v: number | null) => (v === null ? '—' : `${fmtNum(v, v < 10 ? 2 : 0)} ms`);

/** The golden signals the Prometheus endpoint exports, and the SLOs against them (polled every 2 s). */
export function HealthPanel() {
  const connected = useConnection((s) => s.state === 'connected');
  const [h, setH] = useState<HealthView | null>(null);
  useEffect(() => {
    if (!connected) return;
    const load = () => void call('health.get', {}, { quiet: true }).then((v) => v && setH(v));
    load();
    const t = setInterval(load, 2000);
    return () => clearInterval(t);
  }, [connected]);
  if (!h)
    return (
      <div className="panel-body padded" data-testid="panel-health">
        <PanelHeader title="Health" />
        <EmptyState title="Loading health…" />
      </div>
    );
  const refusals = Object.entries(h.riskRefusals);
  return (
    <div className="panel-body padded" data-testid="panel-health">
      <PanelHeader title="Health">
        <span className="muted">{h.metricsUrl ? `Prometheus: ${h.metricsUrl}` : 'Prometheus endpoint off (settings: metrics.enabled)'}</span>
      </PanelHeader>
      <div className="stats">
        <Stat label="Orders" value={h.orders} testId="health-orders" />
        <Stat label="Fills" value={h.fills} testId="health-fills" />
        <Stat label="Audit entries/s (1 min)" value={fmtNum(h.auditPerSec, 2)} />
        <Stat label="Worker queue" value={h.workerQueue} />
      </div>
      <h3>Latency (last 5 minutes)</h3>
      <table className="limits" data-testid="health-latency">
        <thead>
          <tr><th>Signal</th><th>Samples</th><th>p50</th><th>p99</th><th>Max</th></tr>
        </thead>
        <tbody>
          {LATENCIES.map(({ key, label }) => {
            const l: LatencyView = h.latency[key];
            return (
              <tr key={key}>
                <td>{label}</td><td className="num">{l.count}</td><td className="num">{ms(l.p50Ms)}</td><td className="num">{ms(l.p99Ms)}</td><td className="num">{ms(l.maxMs)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h3>SLOs</h3>
      <ul className="health-list" data-testid="health-slos">
        {h.slos.map((s) => (
          <li key={s.id}>
            <Badge kind={s.ok ? 'ok' : 'bad'}>{s.ok ? 'OK' : 'BROKEN'}</Badge> {s.description}: {ms(s.valueMs)}
          </li>
        ))}
      </ul>
      <h3>Risk refusals</h3>
      {refusals.length ? (
        <ul className="health-list">{refusals.map(([rule, n]) => <li key={rule}>{rule}: {n}</li>)}</ul>
      ) : (
        <p className="muted">None since start.</p>
      )}
      <h3>Market streams</h3>
      {h.streams.length ? (
        <ul className="health-list">
          {h.streams.map((s) => (
            <li key={s.stream}>
              <Badge kind={s.up ? 'ok' : 'bad'}>{s.up ? 'up' : 'down'}</Badge> {s.stream}: lag {ms(s.lagMs)}, {s.reconnects} reconnect(s)
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No market stream reports yet (the paper desk runs on the built-in demo feed).</p>
      )}
    </div>
  );
}
