import type { ResponseOf } from '../../../main/contract/index.ts';
import { fmtNum, fmtPct, fmtTime } from '../../app/format.ts';
import { Badge } from '../../app/ui/widgets.tsx';

export function QualityView({ q }: { q: ResponseOf<'market.quality'> }) {
  return (
    <div data-testid="quality">
      <div className="toolbar">
        {q.ok ? <Badge kind="ok">OK</Badge> : <Badge kind="bad">ISSUES</Badge>}
        {q.synthetic && <Badge kind="warn">SYNTHETIC</Badge>}
        <span className="muted small">coverage {fmtPct(q.coverage, 2)}</span>
      </div>
      <dl className="preview-grid">
        <dt>Candles</dt>
        <dd>
          {fmtNum(q.count, 0)} / {fmtNum(q.expected, 0)} expected
        </dd>
        <dt>Gaps</dt>
        <dd>
          {q.gaps.count} ({fmtNum(q.gaps.missing, 0)} bars missing)
        </dd>
        <dt>Duplicates</dt>
        <dd>
          {q.duplicates} ({q.conflictingDuplicates} conflicting)
        </dd>
        <dt>Out of order</dt>
        <dd>{q.outOfOrder}</dd>
        <dt>Outliers</dt>
        <dd>
          {q.outliers.count} (|z| &gt; {q.outliers.threshold})
        </dd>
        <dt>Invalid rows</dt>
        <dd>{q.rejected.count}</dd>
        <dt>Content hash</dt>
        <dd title={q.contentHash}>{q.contentHash.slice(0, 16)}…</dd>
      </dl>
      {q.outliers.list.length > 0 && (
        <ul className="small gap-list" data-testid="quality-outliers">
          {[...q.outliers.list].sort((a, b) => Math.abs(b.z) - Math.abs(a.z)).slice(0, 5).map((o) => (
            <li key={o.row}>
              {o.kind === 'wick' ? 'wick far past its bar' : 'close-to-close jump'} at {fmtTime(o.ts, false)} (z {fmtNum(o.z, 1)})
            </li>
          ))}
        </ul>
      )}
      {q.gaps.list.length > 0 && (
        <ul className="small gap-list">
          {q.gaps.list.slice(0, 5).map((g) => (
            <li key={g.from}>
              gap {fmtTime(g.from, false)} → {fmtTime(g.to, false)} ({g.missing} bars)
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
