import { useEffect, useState } from 'react';
import { AUDIT_EVENT_TYPES, type AuditEventRow } from '../../../main/contract/audit.ts';
import { PanelHeader } from '../../app/EmptyState.tsx';
import { fmtNum, fmtTime, timeZone } from '../../app/format.ts';
import { DataTable, type Col } from '../../app/ui/DataTable.tsx';
import { Badge } from '../../app/ui/widgets.tsx';
import { useAudit, type AuditType } from '../../state/audit.ts';
import { useConnection } from '../../state/connection.ts';
import { AuditDetail } from './AuditDetail.tsx';
import { ExportMenu } from './ExportMenu.tsx';
import { ReplayPanel } from './ReplayPanel.tsx';

const typeKind: Record<string, 'ok' | 'warn' | 'bad' | 'info' | 'muted'> = { fill: 'ok', order: 'info', 'risk-verdict': 'warn', override: 'bad', 'trading-state': 'bad', signal: 'info' };

const cols: Col<AuditEventRow>[] = [
  { id: 'seq', header: '#', value: (e) => e.seq, align: 'right', width: 60 },
  {
    id: 'time',
    // Read at render: the zone is the trader's choice (Settings → Appearance).
    get header() {
      return `Time (${timeZone()})`;
    },
    value: (e) => e.ts,
    cell: (e) => fmtTime(e.ts),
    width: 150,
  },
  { id: 'type', header: 'Type', value: (e) => e.type, cell: (e) => <Badge kind={typeKind[e.type] ?? 'muted'}>{e.type}</Badge>, width: 120 },
  { id: 'symbol', header: 'Symbol', value: (e) => e.symbol ?? '', width: 100 },
  { id: 'summary', header: 'Summary', value: (e) => summary(e), min: 160, cut: true },
  { id: 'session', header: 'Session', value: (e) => e.session ?? '', width: 160, min: 72, clipStart: true },
  { id: 'hash', header: 'Hash', value: (e) => e.hash, cell: (e) => <code className="muted">{e.hash.slice(0, 12)}</code>, width: 110 },
];

/** The host's summary in the instrument's units; the raw gist only for a host too old to send one. */
function summary(e: AuditEventRow): string {
  if (e.summary) return e.summary;
  const top = e.payload as Record<string, unknown>;
  // Events wrap their subject (fill, order, verdict): summarise the subject, not the wrapper.
  const inner = [top.fill, top.order, top.verdict, top.signal].find((x) => x && typeof x === 'object') as Record<string, unknown> | undefined;
  const p = inner ?? top;
  const pick = (...k: string[]) => k.map((x) => p[x]).filter((v) => v !== undefined && v !== null && typeof v !== 'object').join(' ');
  if (e.type === 'risk-verdict') return `${p.approved === false || p.ok === false || p.verdict === 'rejected' ? 'REJECTED' : 'approved'} ${pick('side', 'qty', 'price')}`;
  return pick('side', 'type', 'qty', 'price', 'state', 'reason', 'to', 'kind') || Object.keys(p).slice(0, 4).join(', ');
}

export function AuditPanel() {
  const connected = useConnection((s) => s.state === 'connected');
  const { items, next, loading, loaded, selected, filters, verify, verifying } = useAudit();
  const [view, setView] = useState<'log' | 'replay'>('log');

  useEffect(() => {
    if (!connected) return;
    void useAudit.getState().load();
    void useAudit.getState().runVerify();
  }, [connected]);

  const chainOk = verify ? verify.chain.ok && verify.heads.ok : null;
  return (
    <div className="panel-body" data-testid="panel-audit">
      <PanelHeader title="Audit">
        <div className="tabs" role="tablist" aria-label="Audit view">
          {(['log', 'replay'] as const).map((v) => (
            <button key={v} role="tab" aria-selected={view === v} className={view === v ? 'tab active' : 'tab'} onClick={() => setView(v)}>
              {v === 'log' ? 'Log' : 'Replay'}
            </button>
          ))}
        </div>
        <span className="chain-status" data-testid="chain-status">
          {verifying ? (
            <Badge kind="muted">VERIFYING…</Badge>
          ) : chainOk === null ? null : chainOk ? (
            <Badge kind="ok">✓ CHAIN VERIFIED</Badge>
          ) : (
            <Badge kind="bad">✗ CHAIN BROKEN</Badge>
          )}
          {verify && (
            <span className="muted small">
              {fmtNum(verify.chain.count, 0)} entries · head <code>{verify.chain.head.hash.slice(0, 12)}</code> · {verify.heads.checked} tree head{verify.heads.checked === 1 ? '' : 's'} checked
              {!verify.chain.ok && ` · broken at #${verify.chain.brokenAt}: ${verify.chain.reason ?? ''}`}
              {verify.chain.ok && !verify.heads.ok && ` · ${verify.heads.problem ?? 'tree head mismatch'}`}
            </span>
          )}
        </span>
        <button className="small" onClick={() => void useAudit.getState().runVerify()} disabled={verifying}>
          Verify
        </button>
        <ExportMenu />
      </PanelHeader>
      {view === 'replay' ? (
        <ReplayPanel />
      ) : (
        <>
          <div className="audit-filters toolbar">
            <select aria-label="Event type" value={filters.type} onChange={(e) => useAudit.getState().setFilters({ type: e.target.value as AuditType | '' })}>
              <option value="">All types</option>
              {AUDIT_EVENT_TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
            <input aria-label="Filter symbol" placeholder="Symbol" value={filters.symbol} onChange={(e) => useAudit.getState().setFilters({ symbol: e.target.value })} />
            <input aria-label="Filter strategy" placeholder="Strategy id or version" value={filters.strategy} onChange={(e) => useAudit.getState().setFilters({ strategy: e.target.value })} />
            <label className="muted small">
              From <input type="datetime-local" aria-label="From time" value={filters.from} onChange={(e) => useAudit.getState().setFilters({ from: e.target.value })} />
            </label>
            <label className="muted small">
              To <input type="datetime-local" aria-label="To time" value={filters.to} onChange={(e) => useAudit.getState().setFilters({ to: e.target.value })} />
            </label>
            <span className="muted small">{loading ? 'Loading…' : `${fmtNum(items.length, 0)} shown`}</span>
            {next !== null && (
              <button className="small" onClick={() => void useAudit.getState().load(true)}>
                Load more
              </button>
            )}
          </div>
          <div className="audit-grid">
            <div className="audit-list">
              <DataTable
                label="Audit events"
                testId="audit-events"
                columns={cols}
                rows={items}
                rowKey={(e) => String(e.seq)}
                selectedKey={selected === null ? null : String(selected)}
                onRowClick={(e) => void useAudit.getState().select(e.seq)}
                exportName="audit-events"
                initialSort={[{ id: 'seq', desc: true }]}
                empty={loaded ? 'No audit events match these filters.' : 'Loading…'}
              />
            </div>
            <AuditDetail />
          </div>
        </>
      )}
    </div>
  );
}
