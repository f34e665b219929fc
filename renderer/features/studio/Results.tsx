import { useEffect, useRef } from 'react';
import type { BacktestResultWire } from '../../../main/contract/strategy.ts';
import { fmtDecimal, fmtDuration, fmtNum, fmtPct, fmtTime, signed } from '../../app/format.ts';
import { DataTable, type Col } from '../../app/ui/DataTable.tsx';
import { Badge, Stat } from '../../app/ui/widgets.tsx';
import { useApp } from '../../state/app.ts';
import { useChart, TIMEFRAMES, type Timeframe } from '../../state/chart.ts';
import { chartTheme } from '../../state/settings.ts';
import { useStudio } from '../../state/studio.ts';
import { CurveView } from '../chart/lightweight.ts';
import { dailyLossText } from './daily-loss-text.ts';

type Trade = BacktestResultWire['trades'][number];

const tradeCols: Col<Trade>[] = [
  { id: 'entry', header: 'Entry', value: (t) => t.entryTs, cell: (t) => fmtTime(t.entryTs, false), width: 130 },
  { id: 'side', header: 'Side', value: (t) => t.side, cell: (t) => <span className={t.side === 'long' ? 'pos' : 'neg'}>{t.side}</span>, width: 48 },
  { id: 'in', header: 'In', value: (t) => t.entryPrice, numeric: true, align: 'right', cell: (t) => fmtDecimal(t.entryPrice, 2), min: 80 },
  { id: 'out', header: 'Out', value: (t) => t.exitPrice, numeric: true, align: 'right', cell: (t) => fmtDecimal(t.exitPrice, 2), min: 80 },
  { id: 'pnl', header: 'P&L', value: (t) => t.pnlValue, align: 'right', cell: (t) => <span className={signed(t.pnl).cls}>{signed(t.pnl).text}</span>, min: 80 },
  { id: 'ret', header: 'Return', value: (t) => t.returnPct, align: 'right', cell: (t) => fmtPct(t.returnPct), min: 64 },
  { id: 'bars', header: 'Bars', value: (t) => t.bars, align: 'right', width: 48, min: 44 },
  { id: 'exit', header: 'Exit', value: (t) => t.exitReason, width: 80, min: 48, cut: true },
];

function Curve({ ts, values, color, percent, invert, label }: { ts: Float64Array; values: Float64Array; color: string; percent?: boolean; invert?: boolean; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const v = new CurveView(host.current!, chartTheme(), color, { ...(percent ? { percent } : {}), ...(invert ? { invert } : {}) });
    v.set(ts, values, (percent ? 100 : 1) * (invert ? -1 : 1));
    return () => v.destroy();
  }, [ts, values, color, percent, invert]);
  return (
    <div className="curve">
      <div className="curve-label">{label}</div>
      <div className="curve-host" ref={host} />
    </div>
  );
}

export function Results({ r }: { r: BacktestResultWire }) {
  const s = r.stats;
  const net = signed(s.netProfit);
  const cfg = r.config as { symbols?: string[]; timeframe?: string };
  const source = useStudio((x) => x.config.dataSource);

  const showOnChart = (t: Trade) => {
    const tf = (TIMEFRAMES as readonly string[]).includes(cfg.timeframe ?? '') ? (cfg.timeframe as Timeframe) : '1h';
    const markers = r.trades.flatMap((x) => [
      { ts: x.entryTs, side: x.side === 'long' ? ('buy' as const) : ('sell' as const), text: x.side === 'long' ? 'L' : 'S', price: Number(x.entryPrice) },
      { ts: x.exitTs, side: x.side === 'long' ? ('sell' as const) : ('buy' as const), text: 'x', price: Number(x.exitPrice) },
    ]);
    useApp.getState().setWorkspace('trade');
    void useChart.getState().showTrades({ label: `${r.strategy.name} trades`, source, symbol: t.symbol, timeframe: tf, markers, focusTs: t.entryTs });
  };

  return (
    <div className="results" data-testid="backtest-results">
      <div className="toolbar">
        <h3 className="section" style={{ margin: 0 }}>
          {r.strategy.name} · {cfg.symbols?.join(', ')} {cfg.timeframe}
        </h3>
        {r.status === 'ok' ? <Badge kind="ok">OK</Badge> : <Badge kind="warn">{r.status.toUpperCase()}</Badge>}
        {r.certificate.ok ? <Badge kind="info">DATA CERTIFIED</Badge> : <Badge kind="warn">DATA ISSUES</Badge>}
        <code className="muted small" title="Same data + same strategy = same hash">
          {r.determinismHash.slice(0, 12)}
        </code>
      </div>
      {r.error && <div className="error-text">{r.error.message}</div>}
      <RiskLine r={r} />
      <div className="stats">
        <Stat label="Net profit" value={net.text} cls={net.cls} testId="stat-net" />
        <Stat label="Return" value={fmtPct(s.netProfitPct)} cls={s.netProfitPct >= 0 ? 'pos' : 'neg'} />
        <Stat label="Sharpe" value={fmtNum(s.sharpe)} />
        <Stat label="Sortino" value={fmtNum(s.sortino)} />
        <Stat label="Max drawdown" value={fmtPct(s.maxDrawdown)} cls="neg" />
        <Stat label="DD duration" value={fmtDuration(s.maxDrawdownDurationMs)} />
        <Stat label="Trades" value={fmtNum(s.trades, 0)} testId="stat-trades" />
        <Stat label="Win rate" value={fmtPct(s.winRate, 1)} />
        <Stat label="Profit factor" value={fmtNum(s.profitFactor)} />
        <Stat label="Exposure" value={fmtPct(s.exposure, 1)} />
        <Stat label="Fees" value={fmtDecimal(s.fees, 2)} />
        <Stat label="CAGR" value={fmtPct(s.cagr)} />
      </div>
      <div className="curves">
        <Curve label="Equity" ts={r.equity.ts} values={r.equity.value} color="#4c8dff" />
        <Curve label="Drawdown" ts={r.equity.ts} values={r.equity.drawdown} color="#ef5350" percent invert />
      </div>
      <div className="trade-table">
        <DataTable label="Backtest trades" testId="backtest-trades" columns={tradeCols} rows={r.trades} rowKey={(t) => `${t.entryTs}-${t.exitTs}-${t.side}`} exportName="backtest-trades" onRowClick={showOnChart} empty="No trades." toolbar={<span className="muted small dt-hint">Click a trade to see it on the chart</span>} />
      </div>
    </div>
  );
}

/** What the risk gate did in the run: its profile, refusals by rule, halts and the first alert. */
function RiskLine({ r }: { r: BacktestResultWire }) {
  const k = r.risk;
  if (!k) return null;
  if (k.profile === null) return <div className="muted small" data-testid="backtest-risk">Risk limits: none.</div>;
  const rules = Object.entries(k.byRule).sort((a, b) => b[1] - a[1]);
  const alert = k.events.find((e) => e.kind === 'alert');
  return (
    <div className="small" data-testid="backtest-risk">
      Risk profile <b>{k.profile}</b>
      {k.halts > 0 ? <Badge kind="bad">HALTED ×{k.halts}</Badge> : <Badge kind="ok">NO HALT</Badge>} {fmtNum(k.refusalCount, 0)} order(s) refused
      {rules.length > 0 && <span className="muted"> ({rules.map(([rule, n]) => `${rule} ${n}`).join(', ')})</span>}
      {dailyLossText(k) && <div data-testid="backtest-daily-loss">{dailyLossText(k)}</div>}
      {alert && <div className="muted">First alert {fmtTime(alert.ts, false)}: {alert.message}</div>}
    </div>
  );
}
