import { Fragment } from 'react';
import { fmtDecimal, fmtNum, fmtTime } from '../../app/format.ts';
import { useAudit } from '../../state/audit.ts';

export function AuditDetail() {
  const { detail, replay, selected } = useAudit();
  if (selected === null)
    return (
      <aside className="audit-detail">
        <div className="empty-state">
          <div className="empty-title">Select an event</div>
          <div className="empty-body">Its inputs, reasons, hashes and inclusion proof show here.</div>
        </div>
      </aside>
    );
  if (!detail) return <aside className="audit-detail muted pad">Loading #{selected}…</aside>;
  const e = detail.event;
  const p = e.payload as Record<string, unknown>;
  const reasons = Array.isArray(p.reasons) ? (p.reasons as { rule?: string; message?: string }[]) : [];
  return (
    <aside className="audit-detail scroll" data-testid="audit-detail">
      <h3 className="section">
        Event #{e.seq} · {e.type}
      </h3>
      <dl className="preview-grid kv">
        <dt>Time</dt>
        <dd>{fmtTime(e.ts)}</dd>
        {e.symbol && (
          <>
            <dt>Symbol</dt>
            <dd>{e.symbol}</dd>
          </>
        )}
        {e.summary && (
          <>
            <dt>What</dt>
            <dd data-testid="audit-summary">{e.summary}</dd>
          </>
        )}
        {e.session && (
          <>
            <dt>Session</dt>
            <dd>{e.session}</dd>
          </>
        )}
        {e.strategyVersion && (
          <>
            <dt>Strategy</dt>
            <dd>{e.strategyVersion}</dd>
          </>
        )}
      </dl>
      {reasons.length > 0 && (
        <>
          <h3 className="section">Reasons</h3>
          <ul className="reasons">
            {reasons.map((r, i) => (
              <li key={i}>
                {r.message} <code className="muted">{r.rule}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      <h3 className="section" title="As recorded: prices in ticks, quantities in lots, money in atto-units (10⁻¹⁸)">
        Raw payload <span className="muted small">(machine units: ticks, lots, atto)</span>
      </h3>
      <pre className="json">{JSON.stringify(e.payload, null, 2)}</pre>
      <h3 className="section">Hashes</h3>
      <dl className="preview-grid kv hashes">
        <dt>This</dt>
        <dd>{e.hash}</dd>
        <dt>Previous</dt>
        <dd>{detail.prevHash}</dd>
        <dt>Leaf</dt>
        <dd>{detail.inclusion.leaf}</dd>
        <dt>Tree root</dt>
        <dd>
          {detail.inclusion.treeHead.root} <span className="muted">(size {detail.inclusion.treeHead.size})</span>
        </dd>
        <dt>Proof</dt>
        <dd>{detail.inclusion.proof.length} hashes</dd>
      </dl>
      {e.session && (
        <button className="small" onClick={() => void useAudit.getState().replayAt(e)} style={{ marginTop: 10 }}>
          Replay state at this event
        </button>
      )}
      {replay && (
        <div className="replay" data-testid="replay">
          <h3 className="section">
            State after event {replay.index + 1} of {replay.total}
          </h3>
          <dl className="preview-grid kv">
            <dt>Equity</dt>
            <dd>{replay.equity === null ? '—' : fmtNum(replay.equity, 2)}</dd>
            <dt>Open orders</dt>
            <dd>{replay.openOrders}</dd>
            <dt>Fills</dt>
            <dd>{replay.fills}</dd>
            <dt>Risk</dt>
            <dd>
              {replay.risk.tradingState} · {replay.risk.approved} approved · {replay.risk.rejected} rejected
            </dd>
            {replay.positions.map((x) => (
              <Fragment key={x.symbol}>
                <dt>{x.symbol}</dt>
                <dd>
                  {x.qty} lots @ {x.avgPrice} ticks · realized {fmtDecimal(x.realizedPnl, 2)}
                </dd>
              </Fragment>
            ))}
          </dl>
        </div>
      )}
    </aside>
  );
}
