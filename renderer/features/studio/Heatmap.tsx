import { fmtNum } from '../../app/format.ts';
import type { SweepResult } from '../../state/studio.ts';

interface Row {
  params: Record<string, number>;
  status?: string;
  stats?: Record<string, number | string | null>;
}

/** Sweep results as a heatmap over the first two swept parameters, coloured by the objective. */
export function Heatmap({ s }: { s: SweepResult }) {
  const rows = (s.rows as Row[]).filter((r) => r && r.params);
  if (!rows.length) return <div className="muted pad">The sweep returned no rows.</div>;
  const names = Object.keys(rows[0]!.params).filter((k) => new Set(rows.map((r) => r.params[k])).size > 1);
  const [px, py] = [names[0] ?? Object.keys(rows[0]!.params)[0]!, names[1]];
  const xs = [...new Set(rows.map((r) => r.params[px]!))].sort((a, b) => a - b);
  const ys = py ? [...new Set(rows.map((r) => r.params[py]!))].sort((a, b) => a - b) : [0];
  const score = (r: Row) => {
    const v = r.stats?.[s.objective];
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  };
  const vals = rows.map(score).filter((v): v is number => v !== null);
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  const cell = (x: number, y: number) => rows.find((r) => r.params[px] === x && (!py || r.params[py] === y));
  const colour = (v: number | null) => {
    if (v === null) return 'transparent';
    const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    const hue = 0 + t * 140;
    return `hsl(${hue} 60% ${28 + t * 12}%)`;
  };
  return (
    <div className="heatmap" data-testid="sweep-heatmap">
      <div className="muted small">
        {rows.length} runs · objective <b>{s.objective}</b> · best {fmtNum(hi)} · worst {fmtNum(lo)}
      </div>
      <table>
        <thead>
          <tr>
            <th>
              {py ?? ''} ↓ / {px} →
            </th>
            {xs.map((x) => (
              <th key={x}>{x}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {ys.map((y) => (
            <tr key={y}>
              <th>{py ? y : ''}</th>
              {xs.map((x) => {
                const r = cell(x, y);
                const v = r ? score(r) : null;
                return (
                  <td key={x} style={{ background: colour(v) }} title={r ? JSON.stringify(r.params) : ''}>
                    {v === null ? '—' : fmtNum(v)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
