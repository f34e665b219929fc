/**
 * Backtest reports: JSON (the documented result schema), CSV (trades, equity) and one self-contained HTML
 * file — inline CSS and SVG charts, no script, no external resource — that opens offline anywhere.
 */
import { resultToJson, type BacktestResult } from '../../core/backtest/result.ts';
import { riskSectionHtml } from './risk-report.ts';

export type ReportFormat = 'json' | 'trades-csv' | 'equity-csv' | 'html';

export function reportJson(r: BacktestResult): string {
  return JSON.stringify(resultToJson(r), null, 1);
}

const csvCell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function tradesCsv(r: BacktestResult): string {
  const cols = ['symbol', 'side', 'entryTs', 'exitTs', 'qty', 'entryPrice', 'exitPrice', 'pnl', 'returnPct', 'fees', 'bars', 'exitReason'] as const;
  const lines = [['#', ...cols].join(',')];
  r.trades.forEach((t, k) => lines.push([k + 1, ...cols.map((c) => (c === 'entryTs' || c === 'exitTs' ? new Date(t[c]).toISOString() : t[c]))].map(csvCell).join(',')));
  return lines.join('\n') + '\n';
}

export function equityCsv(r: BacktestResult): string {
  const { ts, value, drawdown } = r.equity;
  const lines = ['time,equity,drawdown'];
  for (let i = 0; i < ts.length; i++) lines.push(`${new Date(ts[i]!).toISOString()},${value[i]},${drawdown[i]}`);
  return lines.join('\n') + '\n';
}

const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Downsampled polyline (min/max per pixel column keeps spikes visible) as an inline SVG. */
function svgChart(values: Float64Array, opts: { width: number; height: number; color: string; invert?: boolean; label: string }): string {
  const n = values.length;
  const W = opts.width;
  const H = opts.height;
  if (n === 0) return `<svg width="${W}" height="${H}" role="img" aria-label="${esc(opts.label)}"></svg>`;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi === lo) hi = lo + 1;
  const y = (v: number): number => (opts.invert ? ((v - lo) / (hi - lo)) * (H - 20) + 10 : H - 10 - ((v - lo) / (hi - lo)) * (H - 20));
  const pts: string[] = [];
  const cols = Math.min(W, n);
  for (let c = 0; c < cols; c++) {
    const a = Math.floor((c * n) / cols);
    const b = Math.max(a + 1, Math.floor(((c + 1) * n) / cols));
    let mn = Infinity;
    let mx = -Infinity;
    for (let i = a; i < b; i++) {
      const v = values[i]!;
      if (v < mn) mn = v;
      if (v > mx) mx = v;
    }
    const x = ((c + 0.5) * W) / cols;
    pts.push(`${x.toFixed(1)},${y(mn).toFixed(1)}`, `${x.toFixed(1)},${y(mx).toFixed(1)}`);
  }
  const fmtv = (v: number): string => (Math.abs(v) < 10 ? v.toFixed(4) : v.toFixed(2));
  return `<svg viewBox="0 0 ${W} ${H}" width="100%" height="${H}" role="img" aria-label="${esc(opts.label)}" preserveAspectRatio="none">
<rect x="0" y="0" width="${W}" height="${H}" fill="#fafafa"/>
<polyline fill="none" stroke="${opts.color}" stroke-width="1" points="${pts.join(' ')}"/>
<text x="4" y="12" font-size="10" fill="#555">${esc(fmtv(opts.invert ? lo : hi))}</text><text x="4" y="${H - 2}" font-size="10" fill="#555">${esc(fmtv(opts.invert ? hi : lo))}</text>
</svg>`;
}

const pct = (v: number | null): string => (v === null ? '—' : `${(v * 100).toFixed(2)} %`);
const num = (v: number | null, d = 2): string => (v === null ? '—' : v.toFixed(d));

export function reportHtml(r: BacktestResult): string {
  const s = r.stats;
  const metrics: [string, string][] = [
    ['Status', r.status + (r.error ? ` — ${r.error.message}` : '')],
    ['Net profit', `${s.netProfit} ${r.config.currency} (${pct(s.netProfitPct)})`],
    ['CAGR', pct(s.cagr)], ['Sharpe', num(s.sharpe)], ['Sortino', num(s.sortino)], ['Calmar', num(s.calmar)],
    ['Max drawdown', `${pct(s.maxDrawdown)} over ${s.maxDrawdownDurationBars} bars`],
    ['Trades', String(s.trades)], ['Win rate', pct(s.winRate)], ['Profit factor', num(s.profitFactor)], ['Expectancy', num(s.expectancy)],
    ['SQN', num(s.sqn)], ['Exposure', pct(s.exposure)], ['Average trade', num(s.avgTrade)], ['Best trade', num(s.bestTrade)], ['Worst trade', num(s.worstTrade)],
    ['Fees', s.fees], ['Determinism hash', r.determinismHash],
  ];
  const cert = r.certificate.datasets
    .map((d) => `<tr><td>${esc(d.symbol)}</td><td>${esc(d.timeframe)}</td><td>${d.count}</td><td>${d.gaps.count} gaps, ${d.gaps.missing} missing</td><td>${d.synthetic}</td><td>${d.ok ? 'ok' : 'issues'}</td><td class="mono">${esc(d.contentHash)}</td><td>${esc(d.source)}</td></tr>`)
    .join('');
  const rows = r.trades
    .slice(0, 5000)
    .map((t, k) => `<tr><td>${k + 1}</td><td>${esc(t.symbol)}</td><td>${t.side}</td><td>${new Date(t.entryTs).toISOString()}</td><td>${new Date(t.exitTs).toISOString()}</td><td>${esc(t.qty)}</td><td>${esc(t.entryPrice)}</td><td>${esc(t.exitPrice)}</td><td class="${t.pnlValue >= 0 ? 'up' : 'down'}">${esc(t.pnl)}</td><td>${esc(t.exitReason)}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Backtest — ${esc(r.strategy.name)}</title>
<style>body{font:13px system-ui,sans-serif;margin:24px;color:#222}h1{font-size:18px}h2{font-size:15px;margin-top:24px}
table{border-collapse:collapse}td,th{padding:3px 8px;border-bottom:1px solid #eee;text-align:left}.mono{font-family:monospace;font-size:11px}
.up{color:#0a7d32}.down{color:#b3261e}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:0 24px}</style></head>
<body>
<h1>${esc(r.strategy.name)} <small>(${esc(r.strategy.kind)} ${esc(r.strategy.version.slice(0, 12))})</small></h1>
<p>${esc(r.config.symbols.join(', '))} · ${esc(r.config.timeframe)} · ${s.bars} bars · initial ${esc(r.config.initialCash)} ${esc(r.config.currency)} · fees maker ${esc(r.config.fees.maker)} / taker ${esc(r.config.fees.taker)} · seed ${r.config.seed}</p>
<table class="grid">${metrics.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>
<h2>Equity</h2>${svgChart(r.equity.value, { width: 1000, height: 220, color: '#1f5fbf', label: 'equity curve' })}
<h2>Drawdown</h2>${svgChart(r.equity.drawdown, { width: 1000, height: 120, color: '#b3261e', invert: true, label: 'drawdown curve' })}
${riskSectionHtml(r.risk)}<h2>Data-quality certificate</h2>
<table><tr><th>Symbol</th><th>TF</th><th>Candles</th><th>Gaps</th><th>Synthetic</th><th>Status</th><th>Content hash</th><th>Source</th></tr>${cert}</table>
<h2>Trades (${r.trades.length}${r.trades.length > 5000 ? ', first 5000 shown' : ''})</h2>
<table><tr><th>#</th><th>Symbol</th><th>Side</th><th>Entry</th><th>Exit</th><th>Qty</th><th>Entry price</th><th>Exit price</th><th>P&amp;L</th><th>Exit</th></tr>${rows}</table>
</body></html>
`;
}

export function renderReport(r: BacktestResult, format: ReportFormat): { content: string; mime: string; extension: string } {
  switch (format) {
    case 'json': return { content: reportJson(r), mime: 'application/json', extension: 'json' };
    case 'trades-csv': return { content: tradesCsv(r), mime: 'text/csv', extension: 'csv' };
    case 'equity-csv': return { content: equityCsv(r), mime: 'text/csv', extension: 'csv' };
    case 'html': return { content: reportHtml(r), mime: 'text/html', extension: 'html' };
  }
}
