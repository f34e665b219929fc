/**
 * The blotter's Account tab: the current book's equity history (stored by the host, charted through the chart
 * wrapper, axis in the display zone, exported as CSV) and its P&L per strategy ("Manual" for the ticket's
 * orders), with the account's own figures as the last row. Everything is computed by the host.
 */
import { useEffect, useMemo, useRef } from 'react';
import type { EquitySampleView, StrategyPnlRow, StrategyPnlView } from '../../../main/contract/equity.ts';
import { fmtMoney, fmtTime, moneyDecimals, signed } from '../../app/format.ts';
import { DataTable, type Col } from '../../app/ui/DataTable.tsx';
import { download, toCsv } from '../../app/ui/csv.ts';
import { pnlWhileOpen, useEquity } from '../../state/equity.ts';
import { chartTheme, useSettings } from '../../state/settings.ts';
import { CurveView } from '../chart/lightweight.ts';
import { useTrading } from '../../state/trading.ts';
import { isReplayAccount } from '../../../main/contract/replay.ts';

type Row = StrategyPnlRow | (StrategyPnlView['total'] & { key: 'total'; label: string; kind: 'total'; positions: StrategyPnlRow['positions'] });

const pnlIn = (ccy: string) => (v: string) => {
  const s = signed(v, moneyDecimals(ccy));
  return <span className={s.cls}>{s.text}</span>;
};

/** What the trader looks for first comes first: the panel is narrow at 1280 px, the rest scrolls into view. */
function columns(ccy: string): Col<Row>[] {
  // Every money column with the currency's decimals (cents for USDT), funding included.
  const pnl = pnlIn(ccy);
  return [
    { id: 'label', header: 'Strategy', value: (r) => r.label, cell: (r) => (r.kind === 'total' ? <b>{r.label}</b> : r.label), width: 118 },
    { id: 'net', header: 'Net', value: (r) => r.net, align: 'right', numeric: true, cell: (r) => pnl(r.net), width: 84 },
    { id: 'realized', header: 'Realized', value: (r) => r.realized, align: 'right', numeric: true, cell: (r) => pnl(r.realized), width: 84 },
    { id: 'unrealized', header: 'Unrealized', value: (r) => r.unrealized, align: 'right', numeric: true, cell: (r) => pnl(r.unrealized), width: 92 },
    { id: 'fees', header: 'Fees', value: (r) => r.fees, align: 'right', numeric: true, cell: (r) => fmtMoney(r.fees, ccy), width: 72 },
    { id: 'funding', header: 'Funding', value: (r) => r.funding, align: 'right', numeric: true, cell: (r) => fmtMoney(r.funding, ccy), width: 76 },
    { id: 'fills', header: 'Fills', value: (r) => r.fills, align: 'right', width: 52 },
    { id: 'position', header: 'Position', value: (r) => r.positions.map((p) => `${p.qty} ${p.symbol}`).join(', ') },
  ];
}

function exportSamples(book: string, samples: readonly EquitySampleView[]): void {
  const header = ['time', 'ts', 'reason', 'equity', 'cash', 'realized', 'unrealized', 'fees', 'funding'];
  download(`equity-${book}.csv`, toCsv(header, samples.map((s) => [fmtTime(s.ts), s.ts, s.reason, s.equity, s.cash, s.realized, s.unrealized, s.fees, s.funding])));
}

function EquityChart({ samples }: { samples: readonly EquitySampleView[] }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<CurveView | null>(null);
  const zone = useSettings((s) => s.timeZone);
  const theme = useSettings((s) => s.theme);
  useEffect(() => {
    // Rebuilt on a zone or theme change: the axis labels and colours are fixed when the chart is made.
    const v = new CurveView(host.current!, chartTheme(), '#4c8dff', { time: true });
    view.current = v;
    return () => {
      view.current = null;
      v.destroy();
    };
  }, [zone, theme]);
  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const ts = new Float64Array(samples.length);
    const eq = new Float64Array(samples.length);
    samples.forEach((s, i) => {
      ts[i] = s.ts;
      eq[i] = Number(s.equity);
    });
    v.set(ts, eq);
    host.current!.dataset.points = String(v.points());
  }, [samples, zone, theme]);
  return <div className="equity-chart" ref={host} data-testid="equity-chart" role="img" aria-label="Equity history" />;
}

export function AccountTab() {
  const { book, currency, samples, truncated, pnl: view } = useEquity();
  // A market replay's equity is over replay time (kept by the replay); it keeps no per-strategy P&L (no ledger).
  const replay = useTrading((s) => isReplayAccount(s.session?.account));
  useEffect(() => {
    void useEquity.getState().load();
    return pnlWhileOpen();
  }, []);
  const cols = useMemo(() => columns(currency), [currency]);
  const rows: Row[] = view ? [...view.rows, { ...view.total, key: 'total', label: 'Account', kind: 'total', positions: [] }] : [];
  const last = samples[samples.length - 1];
  return (
    <div className="account-tab">
      <section className="equity-pane" aria-label="Equity history">
        <div className="dt-toolbar equity-toolbar">
          <span className="muted" title={`${currency}${last ? `, last sample ${fmtTime(last.ts)} (${last.reason})` : ''}`}>
            Equity · {samples.length} sample{samples.length === 1 ? '' : 's'}
            {truncated ? ' (newest)' : ''}
          </span>
          <button className="ghost small" disabled={!samples.length || !book} onClick={() => exportSamples(book!, samples)} title="Export the equity samples as CSV">
            Export CSV
          </button>
        </div>
        {samples.length ? <EquityChart samples={samples} /> : <div className="dt-empty">No equity samples yet: one is taken when the {replay ? 'replay' : 'session'} starts and after fills.</div>}
      </section>
      <section className="strategy-pnl" aria-label="P&L per strategy">
        <DataTable label="P&L per strategy" testId="strategy-pnl" columns={cols} rows={rows} rowKey={(r) => r.key} exportName="strategy-pnl" empty={replay ? 'A replay keeps no per-strategy P&L: its fills are in the Fills tab.' : 'No fills in this book yet.'} />
      </section>
    </div>
  );
}
