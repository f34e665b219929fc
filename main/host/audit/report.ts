/**
 * Human-readable audit exports: CSV tables and one self-contained HTML report (inline CSS, no scripts, no
 * external resources — it opens the same way offline in ten years). Both are derived from the audited
 * events of the exported range plus the replayed end state and the bundle's verification result.
 */
import type { BundleReport } from '../../core/audit/bundle-verify.ts';
import { describeProblem } from '../../core/audit/bundle-verify.ts';
import { Replayer, type RecordedEvent } from '../../core/audit/replay.ts';
import { AuditUnits, group } from './units.ts';

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

const utc = (e: RecordedEvent): string => e.utc ?? new Date(e.ts).toISOString();
const iso = (ms: unknown): string => (typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : '');

/** Fill rows: human units first, then the raw integers for machines (labelled raw_…). */
function fillRows(events: readonly RecordedEvent[], u: AuditUnits): unknown[][] {
  return events.filter((e) => e.type === 'fill').map((e) => {
    const f = pl(e).fill as P;
    const inst = u.instrument(f.symbol ?? e.symbol, e.session);
    const ccy = (f.feeCurrency as string | undefined) ?? inst?.quote;
    const venueTs = e.venueTs ?? f.venueTs;
    return [e.chainSeq, utc(e), e.session, f.clientOrderId, f.tradeId, f.symbol, f.side, u.qty(inst, f.qty), u.price(inst, f.price), u.atto(f.fee, ccy), ccy, f.liquidity, iso(venueTs), f.qty, f.price, f.fee, venueTs];
  });
}

function riskRows(events: readonly RecordedEvent[], u: AuditUnits): unknown[][] {
  return events
    .filter((e) => (e.type === 'risk-verdict' && pl(e).ok === false) || e.type === 'trading-state' || e.type === 'override' || e.type === 'config-change')
    .map((e) => [e.chainSeq, utc(e), e.type, e.symbol, u.describe(e)]);
}

function orderRows(events: readonly RecordedEvent[], u: AuditUnits) {
  const st = new Replayer(events).seek(events.length - 1);
  return st.orders.map((o) => {
    const inst = u.instrument(o.symbol);
    return { o, qty: u.qty(inst, o.qty), filled: u.qty(inst, o.filledQty), price: u.price(inst, o.price), trigger: u.price(inst, o.triggerPrice) };
  });
}

export function csvExport(table: CsvTable, events: readonly RecordedEvent[], units: AuditUnits = AuditUnits.of(events)): string {
  const u = units;
  switch (table) {
    case 'events':
      return csv(
        ['chain_seq', 'utc', 'type', 'session', 'session_seq', 'symbol', 'summary', 'strategy_version', 'venue_utc', 'raw_ts_ms', 'raw_venue_ts_ms', 'raw_payload'],
        events.map((e) => [e.chainSeq, utc(e), e.type, e.session, e.sessionSeq, e.symbol, u.describe(e), e.strategyVersion, iso(e.venueTs), e.ts, e.venueTs, e.payload]),
      );
    case 'orders':
      return csv(
        ['client_order_id', 'symbol', 'side', 'type', 'state', 'qty', 'filled_qty', 'price', 'trigger_price', 'tag', 'updated_utc', 'raw_qty_lots', 'raw_filled_lots', 'raw_price_ticks', 'raw_trigger_ticks', 'raw_updated_ts_ms'],
        events.length ? orderRows(events, u).map(({ o, qty, filled, price, trigger }) => [o.clientOrderId, o.symbol, o.side, o.type, o.state, qty, filled, price, trigger, o.tag, iso(o.updatedTs), o.qty, o.filledQty, o.price, o.triggerPrice, o.updatedTs]) : [],
      );
    case 'fills':
      return csv(['chain_seq', 'utc', 'session', 'client_order_id', 'trade_id', 'symbol', 'side', 'qty', 'price', 'fee', 'fee_currency', 'liquidity', 'venue_utc', 'raw_qty_lots', 'raw_price_ticks', 'raw_fee_atto', 'raw_venue_ts_ms'], fillRows(events, u));
    case 'risk':
      return csv(['chain_seq', 'utc', 'type', 'symbol', 'detail'], riskRows(events, u));
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
  /** Instruments of the sessions (defaults to those the events themselves declare). */
  readonly units?: AuditUnits;
}

export function htmlReport(r: HtmlReportInput): string {
  const ev = r.events;
  const u = r.units ?? AuditUnits.of(ev);
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
    ['Engine', engines(ev)],
    ['Generated', new Date(r.generatedAt).toISOString()],
  ];
  const money = (v: unknown, ccy: string | undefined) => {
    const m = u.money(v, ccy);
    return m === undefined ? String(v ?? '') : group(m);
  };
  const base = end ? Object.keys(end.cash)[0] : undefined;
  const pnl = end
    ? table(
        ['symbol', 'quantity', 'avg price', 'realized', 'unrealized', 'fees', 'mark'],
        end.positions.map((p) => {
          const inst = u.instrument(p.symbol);
          const q = inst?.quote;
          return [p.symbol, `${u.qty(inst, p.qty) ?? p.qty} ${inst?.base ?? ''}`.trim(), group(u.price(inst, p.avgPrice) ?? String(p.avgPrice)), `${money(p.realizedPnl, q)} ${q ?? ''}`.trim(), `${money(p.unrealizedPnl, q)} ${q ?? ''}`.trim(), `${money(p.fees, q)} ${q ?? ''}`.trim(), group(u.price(inst, p.markPrice) ?? String(p.markPrice))];
        }),
      ) + `<p>Cash: ${esc(Object.entries(end.cash).map(([c, x]) => `${money(x, c)} ${c}`).join(', ') || '—')}. Equity at the last mark: ${esc(end.equity === null ? '—' : `${money(end.equity, base)} ${base ?? ''}`.trim())}.</p>`
    : '<p>No events.</p>';
  const timeline = ev.map((e) => [e.chainSeq, utc(e), e.type, e.symbol, e.session, u.describe(e)]);
  const orders = ev.length ? orderRows(ev, u).map(({ o, qty, filled, price, trigger }) => [o.clientOrderId, o.symbol, o.side, o.type, o.state, qty, filled, price && group(price), trigger && group(trigger), o.tag]) : [];
  const fills = fillRows(ev, u).map((r) => [...r.slice(0, 7), r[7], r[8] && group(String(r[8])), r[9] && group(String(r[9])), ...r.slice(10, 13)]);
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
<h2>Orders</h2>${table(['client order id', 'symbol', 'side', 'type', 'state', 'quantity', 'filled', 'price', 'trigger', 'tag'], orders)}
<h2>Fills</h2>${table(['chain seq', 'utc', 'session', 'order', 'trade id', 'symbol', 'side', 'quantity', 'price', 'fee', 'fee currency', 'liquidity', 'venue time (utc)'], fills)}
<h2>Risk events</h2>${table(['chain seq', 'utc', 'type', 'symbol', 'detail'], riskRows(ev, u))}
<p class="note">Prices, quantities and money are in each instrument's units (from the session's declared instruments). The CSV exports keep the raw integers (ticks, lots, atto-units) in columns named raw_….</p>
<h2>Timeline</h2>${table(['chain seq', 'utc', 'type', 'symbol', 'session', 'detail'], timeline)}
</body></html>
`;
}

/**
 * The engine fingerprints the scope's sessions were recorded with (session-start config.engine, see
 * core/engine/version.ts), so a reader of a re-run that diverged can tell an engine change from a data or strategy change.
 */
function engines(ev: readonly { readonly type: string; readonly payload: unknown }[]): string {
  const seen = new Set<string>();
  for (const e of ev) {
    if (e.type !== 'session-start') continue;
    const engine = (e.payload as { config?: { engine?: unknown } } | null)?.config?.engine;
    seen.add(typeof engine === 'string' ? engine : 'recorded before engine fingerprints');
  }
  return [...seen].join(', ') || '—';
}
