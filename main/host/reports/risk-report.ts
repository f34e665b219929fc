/**
 * The risk part of reports: a backtest's refusals, alerts and halts (a section of the HTML report and a CSV),
 * and the daily risk report of an account (JSON, CSV, HTML section) built from the same pieces.
 */
import type { RiskReportView } from '../../contract/risk.ts';
import type { RiskStatus } from '../../contract/trading.ts';
import type { RiskRunLog } from '../../core/risk/log.ts';

const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const csvCell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const iso = (ts: number): string => new Date(ts).toISOString();

/** One line per refusal, alert and state change, in time order. */
export function riskEventsCsv(log: RiskRunLog): string {
  const rows: [number, string[]][] = [];
  for (const r of log.refusals) for (const x of r.reasons) rows.push([r.ts, ['refusal', x.rule, x.message, String(x.limit ?? ''), String(x.actual ?? ''), r.symbol, `${r.side} ${r.qty} lots (${r.source})`, '']]);
  for (const e of log.events) rows.push([e.ts, [e.kind, e.rule, e.message, String(e.limit ?? ''), String(e.value ?? ''), e.symbol ?? '', '', e.state ?? '']]);
  rows.sort((a, b) => a[0] - b[0]);
  const lines = ['time,kind,rule,message,limit,value,symbol,order,state'];
  for (const [ts, cells] of rows) lines.push([iso(ts), ...cells].map(csvCell).join(','));
  return lines.join('\n') + '\n';
}

/** The "Risk" section of the backtest HTML report. */
export function riskSectionHtml(log: RiskRunLog | undefined): string {
  if (!log) return '';
  const rules = Object.entries(log.byRule).sort((a, b) => b[1] - a[1]);
  const refusals = log.refusals
    .map((r) => `<tr><td>${iso(r.ts)}</td><td>${esc(r.symbol)}</td><td>${esc(r.side)} ${r.qty}</td><td>${esc(r.source)}</td><td>${r.reasons.map((x) => `${esc(x.rule)}${x.limit !== undefined ? ` (limit ${esc(x.limit)}, value ${esc(x.actual)})` : ''}`).join('; ')}</td></tr>`)
    .join('');
  const events = log.events.map((e) => `<tr><td>${iso(e.ts)}</td><td>${esc(e.kind)}</td><td>${esc(e.rule)}</td><td>${esc(e.state ?? '')}</td><td>${esc(e.message)}</td></tr>`).join('');
  return `<h2>Risk</h2>
<p>Profile: ${esc(log.profile ?? 'none')} · final state ${esc(log.finalState)} · ${log.refusalCount} refused order${log.refusalCount === 1 ? '' : 's'} · ${log.halts} halt${log.halts === 1 ? '' : 's'}</p>
${rules.length ? `<table><tr><th>Rule</th><th>Refusals</th></tr>${rules.map(([k, n]) => `<tr><td>${esc(k)}</td><td>${n}</td></tr>`).join('')}</table>` : ''}
${events ? `<h3>Alerts and state changes</h3><table><tr><th>Time</th><th>Kind</th><th>Rule</th><th>State</th><th>Message</th></tr>${events}</table>` : ''}
${refusals ? `<h3>Refused orders (${log.refusals.length}${log.refusalCount > log.refusals.length ? ` of ${log.refusalCount}` : ''})</h3><table><tr><th>Time</th><th>Symbol</th><th>Order</th><th>Source</th><th>Reasons</th></tr>${refusals}</table>` : ''}
`;
}

/** The daily risk report of an account: the status now, limit use, and the events of the trading day. */
export function dailyRiskReport(accountId: string, status: RiskStatus, now = status.ts): RiskReportView {
  const a = status.account;
  const day = localDay(now, a.timeZone);
  const dayEvents = status.events.filter((e) => localDay(e.ts, a.timeZone) === day);
  const usage = limitUsage(status);
  const json = JSON.stringify({ schema: 'kestrel.risk-report/1', accountId, day, timeZone: a.timeZone, generatedAt: now, tradingState: status.tradingState, stateReason: status.stateReason, since: status.since, account: a, limits: status.limits, usage, portfolio: status.portfolio, override: status.override, events: dayEvents }, null, 1);
  const lines = ['section,name,value,limit,use'];
  for (const u of usage) lines.push(['limit', u.name, u.value, u.limit ?? '', u.use === null ? '' : u.use.toFixed(4)].map(csvCell).join(','));
  for (const e of dayEvents) lines.push(['event', `${e.kind}:${e.rule}`, e.value ?? '', e.limit ?? '', ''].map(csvCell).join(',') + `,${csvCell(`${iso(e.ts)} ${e.message}`)}`);
  const html = `<section class="risk-report"><h2>Daily risk report — ${esc(accountId)} — ${esc(day)} (${esc(a.timeZone)})</h2>
<p>State ${esc(status.tradingState.toUpperCase())} since ${iso(status.since)}: ${esc(status.stateReason)}${status.override ? ` · override by ${esc(status.override.by)} until ${iso(status.override.until)}: ${esc(status.override.reason)}` : ''}</p>
<table><tr><th>Limit</th><th>Value</th><th>Limit</th><th>Use</th></tr>${usage.map((u) => `<tr><td>${esc(u.name)}</td><td>${esc(u.value)}</td><td>${esc(u.limit ?? '—')}</td><td>${u.use === null ? '—' : `${(u.use * 100).toFixed(1)} %`}</td></tr>`).join('')}</table>
<h3>Events (${dayEvents.length})</h3><table><tr><th>Time</th><th>Kind</th><th>Rule</th><th>Message</th></tr>${dayEvents.map((e) => `<tr><td>${iso(e.ts)}</td><td>${esc(e.kind)}</td><td>${esc(e.rule)}</td><td>${esc(e.message)}</td></tr>`).join('')}</table></section>`;
  return { accountId, day, timeZone: a.timeZone, generatedAt: now, status, events: dayEvents, json, csv: lines.join('\n') + '\n', html };
}

export interface LimitUse {
  readonly name: string;
  readonly value: number;
  readonly limit: number | null;
  /** value / limit (0..1+), null when the limit is off. */
  readonly use: number | null;
}

/** Every account-wide limit with its current use, as the panel's bars and the report's table show them. */
export function limitUsage(status: RiskStatus): LimitUse[] {
  const a = status.account;
  const eq = Number(status.usage.equity);
  const use = (v: number, l: number | null): number | null => (l === null || l <= 0 ? null : Math.max(0, v) / l);
  const loss = a.dayPnl === null ? 0 : Math.max(0, -a.dayPnl);
  return [
    { name: 'daily loss', value: round2(loss), limit: a.dailyLossLimit, use: use(loss, a.dailyLossLimit) },
    { name: 'drawdown', value: a.drawdown, limit: a.drawdownHalt, use: use(a.drawdown, a.drawdownHalt) },
    { name: 'open positions', value: a.openPositions, limit: a.maxOpenPositions, use: use(a.openPositions, a.maxOpenPositions) },
    { name: 'leverage', value: a.leverage, limit: a.maxLeverage, use: use(a.leverage, a.maxLeverage) },
    { name: 'gross exposure', value: a.gross, limit: a.maxGross, use: use(a.gross, a.maxGross) },
    { name: 'net exposure', value: Math.abs(a.net), limit: a.maxNet, use: use(Math.abs(a.net), a.maxNet) },
    { name: 'margin', value: a.marginUsed, limit: eq > 0 ? round2(eq) : null, use: use(a.marginUsed, eq > 0 ? eq : null) },
    ...varUse(status),
  ];
}

/** VaR as a share of equity against its cap, once the window holds enough returns. */
function varUse(status: RiskStatus): LimitUse[] {
  const p = status.portfolio;
  if (!p || p.varPct === null) return [];
  return [{ name: `VaR 1-day ${Math.round(p.confidence * 100)}% (share of equity)`, value: p.varPct, limit: p.maxVarPct, use: p.maxVarPct === null || p.maxVarPct <= 0 ? null : Math.max(0, p.varPct) / p.maxVarPct }];
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function localDay(ts: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ts);
}
