/**
 * The risk part of reports: a backtest's refusals, alerts and halts (a section of the HTML report and a CSV),
 * and the daily risk report of an account (JSON, CSV, HTML section) built from the same pieces.
 */
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
