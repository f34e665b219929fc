import { fmtNum, fmtPct } from '../../app/format.ts';
import { DataTable, type Col } from '../../app/ui/DataTable.tsx';
import type { SweepResult } from '../../state/studio.ts';
import { heatColour } from './heat.ts';

interface SweepRowView {
  rank: number;
  params: Record<string, number>;
  status?: string;
  stats?: Record<string, number | string | null>;
}

/** The rows of a sweep (ranked best first by the host), with their rank. */
function sweepRows(s: SweepResult): SweepRowView[] {
  return (s.rows as Omit<SweepRowView, 'rank'>[]).filter((r) => r && r.params).map((r, k) => ({ ...r, rank: k + 1 }));
}

const num = (r: SweepRowView, k: string): number | null => {
  const v = r.stats?.[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

const paramText = (p: Record<string, number>): string => Object.entries(p).map(([k, v]) => `${k} ${v}`).join(', ');

/**
 * A sweep's results: the heatmap over the first two swept parameters and every run ranked by the objective.
 * Picking a cell or a row loads its parameters into the strategy, to backtest it in full (trades, curves).
 */
export function SweepResults({ s, onPick }: { s: SweepResult; onPick(params: Record<string, number>): void }) {
  const rows = sweepRows(s);
  if (!rows.length) return <div className="muted pad">The sweep returned no rows.</div>;
  const cols: Col<SweepRowView>[] = [
    { id: 'rank', header: '#', value: (r) => r.rank, align: 'right', width: 40 },
    { id: 'params', header: 'Parameters', value: (r) => paramText(r.params), min: 92, cut: true },
    { id: 'objective', header: s.objective, value: (r) => num(r, s.objective), align: 'right', cell: (r) => fmtNum(num(r, s.objective)), width: 68, min: 64 },
    { id: 'ret', header: 'Return', value: (r) => num(r, 'netProfitPct'), align: 'right', cell: (r) => fmtPct(num(r, 'netProfitPct')), width: 70, min: 64 },
    { id: 'dd', header: 'Max DD', value: (r) => num(r, 'maxDrawdown'), align: 'right', cell: (r) => fmtPct(num(r, 'maxDrawdown')), width: 70, min: 64 },
    { id: 'trades', header: 'Trades', value: (r) => num(r, 'trades'), align: 'right', cell: (r) => fmtNum(num(r, 'trades'), 0), width: 62 },
    { id: 'win', header: 'Win', value: (r) => num(r, 'winRate'), align: 'right', cell: (r) => fmtPct(num(r, 'winRate'), 1), width: 56, min: 52 },
    { id: 'status', header: 'Status', value: (r) => r.status ?? '', width: 62 },
  ];
  return (
    <div className="sweep-results">
      <Heatmap rows={rows} objective={s.objective} onPick={onPick} />
      <DataTable
        label="Sweep runs"
        testId="sweep-runs"
        columns={cols}
        rows={rows}
        rowKey={(r) => paramText(r.params)}
        exportName="sweep-runs"
        onRowClick={(r) => onPick(r.params)}
        toolbar={<span className="muted small dt-hint">Click a run to load its parameters, then backtest it</span>}
      />
    </div>
  );
}

/** The runs over the first two swept parameters, coloured by the objective. */
function Heatmap({ rows, objective, onPick }: { rows: SweepRowView[]; objective: string; onPick(params: Record<string, number>): void }) {
  const names = Object.keys(rows[0]!.params).filter((k) => new Set(rows.map((r) => r.params[k])).size > 1);
  const [px, py] = [names[0] ?? Object.keys(rows[0]!.params)[0]!, names[1]];
  const xs = [...new Set(rows.map((r) => r.params[px]!))].sort((a, b) => a - b);
  const ys = py ? [...new Set(rows.map((r) => r.params[py]!))].sort((a, b) => a - b) : [0];
  const score = (r: SweepRowView) => num(r, objective);
  const vals = rows.map(score).filter((v): v is number => v !== null);
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  // With more than two swept parameters a cell holds several runs: it shows the best of them.
  const cell = (x: number, y: number) => rows.find((r) => r.params[px] === x && (!py || r.params[py] === y));
  const colour = (v: number | null) => heatColour(v, lo, hi);
  return (
    <div className="heatmap" data-testid="sweep-heatmap">
      <div className="muted small">
        {rows.length} runs · objective <b>{objective}</b> · best {fmtNum(hi)} · worst {fmtNum(lo)} · click a cell to load its parameters
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
                  <td key={x} style={{ background: colour(v) }}>
                    {r ? (
                      <button className="heat-cell" aria-label={`Use ${paramText(r.params)} (${objective} ${fmtNum(v)})`} title={`${paramText(r.params)} · rank ${r.rank}`} onClick={() => onPick(r.params)}>
                        {fmtNum(v)}
                      </button>
                    ) : (
                      '—'
                    )}
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
