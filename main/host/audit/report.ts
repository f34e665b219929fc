/**
 * Human-readable audit exports: CSV tables and one self-contained HTML report (inline CSS, no scripts, no
 * external resources — it opens the same way offline in ten years). Both are derived from the audited
 * events of the exported range plus the replayed end state and the bundle's verification result.
 */
import type { BundleReport } from '../../core/audit/bundle-verify.ts';
import { describeProblem } from '../../core/audit/bundle-verify.ts';
import { Replayer, type RecordedEvent } from '../../core/audit/replay.ts';

export type CsvTable = 'events' | 'orders' | 'fills' | 'risk';
export const CSV_TABLES: readonly CsvTable[] = ['events', 'orders', 'fills', 'risk'];

type P = Record<string, unknown>;
const pl = (e: RecordedEvent): P => e.payload as P;

function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  let s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  // A leading = + - @ would be run as a formula by spreadsheets: prefix it (OWASP CSV injection advice).
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header.join(','), ...rows.map((r) => r.map(csvCell).join(','))].join('\r\n') + '\r\n';
}

function fillRows(events: readonly RecordedEvent[]): unknown[][] {
  return events.filter((e) => e.type === 'fill').map((e) => {
    const f = pl(e).fill as P;
    return [e.chainSeq, e.utc ?? new Date(e.ts).toISOString(), e.session, f.clientOrderId, f.tradeId, f.symbol, f.side, f.qty, f.price, f.fee, f.feeCurrency, f.liquidity, e.venueTs ?? f.venueTs];
  });
}

function riskRows(events: readonly RecordedEvent[]): unknown[][] {
  return events
    .filter((e) => (e.type === 'risk-verdict' && pl(e).ok === false) || e.type === 'trading-state' || e.type === 'override' || e.type === 'config-change')
    .map((e) => [e.chainSeq, e.utc ?? new Date(e.ts).toISOString(), e.type, e.symbol, e.type === 'risk-verdict' ? ((pl(e).reasons as P[]) ?? []).map((r) => `${r.rule}: ${r.message}`).join('; ') : JSON.stringify(pl(e))]);
}

export function csvExport(table: CsvTable, events: readonly RecordedEvent[]): string {
  switch (table) {
    case 'events':
      return csv(['chain_seq', 'utc', 'ts', 'type', 'session', 'session_seq', 'symbol', 'strategy_version', 'venue_ts', 'payload'], events.map((e) => [e.chainSeq, e.utc ?? new Date(e.ts).toISOString(), e.ts, e.type, e.session, e.sessionSeq, e.symbol, e.strategyVersion, e.venueTs, e.payload]));
    case 'orders': {
      const st = new Replayer(events).seek(events.length - 1);
      return csv(['client_order_id', 'symbol', 'side', 'type', 'state', 'qty', 'filled_qty', 'price', 'trigger_price', 'tag', 'updated_ts'], st.orders.map((o) => [o.clientOrderId, o.symbol, o.side, o.type, o.state, o.qty, o.filledQty, o.price, o.triggerPrice, o.tag, o.updatedTs]));
    }
    case 'fills':
      return csv(['chain_seq', 'utc', 'session', 'client_order_id', 'trade_id', 'symbol', 'side', 'qty_lots', 'price_ticks', 'fee_atto', 'fee_currency', 'liquidity', 'venue_ts'], fillRows(events));
    case 'risk':
      return csv(['chain_seq', 'utc', 'type', 'symbol', 'detail'], riskRows(events));
  }
}

const esc = (v: unknown): string => String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function table(header: readonly string[], rows: readonly (readonly unknown[])[], cap = 5000): string {
  const shown = rows.slice(0, cap);
  const more = rows.length > cap ? `<p class="note">${rows.length - cap} more rows in the CSV export.</p>` : '';
  return `<table><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${shown.map((r) => `<tr>${r.map((c) => `<td>${esc(typeof c === 'object' && c !== null ? JSON.stringify(c) : c)}</td>`).join('')}</tr>`).join('')}</tbody></table>${more}`;
}

export interface HtmlReportInput {
  readonly title: string;
  readonly scope: Readonly<Record<string, unknown>>;
  readonly events: readonly RecordedEvent[];
  readonly verification: BundleReport;
  readonly generatedAt: number;
}

export function htmlReport(r: HtmlReportInput): string {
  const ev = r.events;
  const end = ev.length ? new Replayer(ev).seek(ev.length - 1) : null;
  const counts = new Map<string, number>();
  for (const e of ev) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
  const v = r.verification;
  const status = v.ok
    ? `<p class="ok">VERIFIED — signature, chain (${v.verified} entries) and Merkle tree head (size ${esc(v.trailer?.treeHead.size)}, root ${esc(v.trailer?.treeHead.root)}) check out; signing key ${esc(v.keyId)}.</p>`
    : `<p class="bad">NOT VERIFIED</p><ul>${v.problems.map((p) => `<li>${esc(describeProblem(p))}</li>`).join('')}</ul>`;
  const first = ev[0];
  const last = ev[ev.length - 1];
  const summary: [string, unknown][] = [
    ['Scope', JSON.stringify(r.scope)],
    ['Events', ev.length],
    ['From', first ? `${first.utc ?? new Date(first.ts).toISOString()} (chain seq ${first.chainSeq})` : '—'],
    ['To', last ? `${last.utc ?? new Date(last.ts).toISOString()} (chain seq ${last.chainSeq})` : '—'],
    ['By type', [...counts].map(([k, n]) => `${k}: ${n}`).join(', ')],
    ['Strategy versions', [...new Set(ev.map((e) => e.strategyVersion).filter(Boolean))].join(', ') || '—'],
    ['Generated', new Date(r.generatedAt).toISOString()],
  ];
  const pnl = end
    ? table(['symbol', 'qty (lots)', 'avg price (ticks)', 'realized', 'unrealized', 'fees', 'mark (ticks)'], end.positions.map((p) => [p.symbol, p.qty, p.avgPrice, p.realizedPnl, p.unrealizedPnl, p.fees, p.markPrice])) +
      `<p>Cash: ${esc(Object.entries(end.cash).map(([c, x]) => `${x} ${c}`).join(', ') || '—')}. Equity at the last mark: ${esc(end.equity ?? '—')}.</p>`
    : '<p>No events.</p>';
  const timeline = ev.map((e) => [e.chainSeq, e.utc ?? new Date(e.ts).toISOString(), e.type, e.symbol, e.session, brief(e)]);
  const orders = end ? end.orders.map((o) => [o.clientOrderId, o.symbol, o.side, o.type, o.state, o.qty, o.filledQty, o.price, o.tag]) : [];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(r.title)}</title>
<style>
body{font:13px/1.4 system-ui,sans-serif;margin:24px;color:#111}h1{font-size:20px}h2{font-size:16px;margin-top:28px;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}th,td{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3}.ok{color:#075;font-weight:600}.bad{color:#b00;font-weight:700}.note{color:#666}td{max-width:640px;overflow-wrap:anywhere}
@media print{h2{break-after:avoid}tr{break-inside:avoid}}
</style></head><body>
<h1>${esc(r.title)}</h1>
<h2>Summary</h2>${table(['', ''], summary)}
<h2>Verification status</h2>${status}
<h2>P&amp;L</h2>${pnl}
<h2>Orders</h2>${table(['client order id', 'symbol', 'side', 'type', 'state', 'qty', 'filled', 'price', 'tag'], orders)}
<h2>Fills</h2>${table(['chain seq', 'utc', 'session', 'order', 'trade id', 'symbol', 'side', 'qty', 'price', 'fee (atto)', 'fee ccy', 'liquidity', 'venue ts'], fillRows(ev))}
<h2>Risk events</h2>${table(['chain seq', 'utc', 'type', 'symbol', 'detail'], riskRows(ev))}
<h2>Timeline</h2>${table(['chain seq', 'utc', 'type', 'symbol', 'session', 'detail'], timeline)}
</body></html>
`;
}

function brief(e: RecordedEvent): string {
  const p = pl(e);
  switch (e.type) {
    case 'order': {
      const o = p.order as P;
      return `${p.event} ${o.side} ${o.qty} ${o.type}${o.price !== undefined ? ` @${o.price}` : ''} → ${o.state}`;
    }
    case 'fill': {
      const f = p.fill as P;
      return `${f.side} ${f.qty} @${f.price} fee ${f.fee} ${f.feeCurrency}`;
    }
    case 'risk-verdict':
      return p.ok ? 'approved' : `REJECTED: ${((p.reasons as P[]) ?? []).map((x) => x.message).join('; ')}`;
    case 'signal':
      return `${p.strategy} ${p.name}`;
    case 'bar':
      return `close ${p.close} equity ${p.equity}`;
    default:
      return JSON.stringify(p).slice(0, 200);
  }
}
