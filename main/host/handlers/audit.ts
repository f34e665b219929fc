import type { ChainedEntry } from '../../core/audit/chain.ts';
import type { Divergence } from '../../core/audit/rerun.ts';
import { engineNote } from '../../core/engine/version.ts';
import { eventOf, type AuditService } from '../audit/service.ts';
import type { AuditUnits } from '../audit/units.ts';
import type { HandlersFor } from '../ipc/handlers.ts';

type AuditCommand =
  | 'audit.events' | 'audit.event' | 'audit.verify' | 'audit.treeHead' | 'audit.checkpoint' | 'audit.sessions' | 'audit.replay' | 'audit.rerun'
  | 'audit.export.bundle' | 'audit.export.html' | 'audit.export.csv' | 'audit.export.pdf';

function row(link: ChainedEntry, units: AuditUnits) {
  const e = eventOf(link);
  return {
    seq: link.seq, ts: link.ts, utc: e.utc ?? new Date(link.ts).toISOString(), type: link.kind, hash: link.hash, payload: { ...e.payload }, summary: units.describe(e),
    ...(e.session !== undefined ? { session: e.session } : {}), ...(e.sessionSeq !== undefined ? { sessionSeq: e.sessionSeq } : {}),
    ...(e.symbol !== undefined ? { symbol: e.symbol } : {}), ...(e.strategyVersion !== undefined ? { strategyVersion: e.strategyVersion } : {}),
    ...(e.venueTs !== undefined ? { venueTs: e.venueTs } : {}),
  };
}

export function auditHandlers(audit: AuditService): HandlersFor<AuditCommand> {
  const svc = () => audit;
  return {
    'audit.events': (r) => {
      const page = svc().query.page({ ...(r.types ? { types: r.types } : {}), ...(r.symbol !== undefined ? { symbol: r.symbol } : {}), ...(r.strategy !== undefined ? { strategy: r.strategy } : {}), ...(r.session !== undefined ? { session: r.session } : {}), ...(r.fromTs !== undefined ? { fromTs: r.fromTs } : {}), ...(r.toTs !== undefined ? { toTs: r.toTs } : {}) }, r.after ?? 0, r.limit ?? 100);
      const units = svc().units();
      return { items: page.items.map((l) => row(l, units)), next: page.next };
    },
    'audit.event': (r) => {
      const d = svc().event(r.seq);
      return { event: row(d.link, svc().units()), body: d.link.body, prevHash: d.link.prevHash, inclusion: d.inclusion };
    },
    'audit.verify': () => {
      const v = svc().verify();
      return { chain: v.chain.ok ? v.chain : { ok: false, count: v.chain.count, head: v.chain.head, brokenAt: v.chain.brokenAt, reason: v.chain.reason }, heads: v.heads };
    },
    'audit.treeHead': () => {
      const t = svc().treeHead();
      return { current: t.current, stored: t.stored ? { size: t.stored.size, root: t.stored.root, chainHash: t.stored.chainHash, ts: t.stored.ts, signature: t.stored.signature } : null, keyId: t.keyId };
    },
    'audit.checkpoint': () => {
      const h = svc().checkpoint();
      return { stored: h ? { size: h.size, root: h.root, ts: h.ts } : null };
    },
    'audit.sessions': () => svc().sessions(),
    'audit.replay': (r) => {
      const s = svc().replay(r.session, { ...(r.index !== undefined ? { index: r.index } : {}), ...(r.seq !== undefined ? { seq: r.seq } : {}) });
      const e = s.event;
      const event = e ? { ...(JSON.parse(JSON.stringify(e)) as Omit<typeof e, 'payload'>), utc: e.utc ?? new Date(e.ts).toISOString(), payload: { ...e.payload } } : null;
      return { ...s, event, orders: s.orders.map(({ data: _data, ...o }) => o), positions: [...s.positions], cash: { ...s.cash }, risk: { ...s.risk, lastRejection: s.risk.lastRejection ? { ...s.risk.lastRejection } : null } };
    },
    'audit.rerun': async (r) => {
      const rep = await svc().rerun(r.session);
      const note = engineNote(rep.engine);
      return { identical: rep.identical, trades: rep.trades, fills: rep.fills, divergences: JSON.parse(JSON.stringify(rep.divergences, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as Divergence[], engine: { ...rep.engine, ...(note ? { note } : {}) } };
    },
    'audit.export.bundle': (r) => {
      const b = svc().exportBundle({ ...r.scope, ...(r.since ? { since: r.since } : {}) });
      return { text: b.text, entries: b.entries, treeHead: b.treeHead, keyId: b.keyId };
    },
    'audit.export.html': (r) => {
      const h = svc().exportHtml(r.scope);
      return { html: h.html, verified: h.verification.ok };
    },
    'audit.export.csv': (r) => ({ csv: svc().exportCsv(r.scope, r.table) }),
    'audit.export.pdf': async (r) => {
      const out = await svc().exportPdf(r.scope);
      return 'pdf' in out ? { pdf: new Uint8Array(out.pdf) } : { skipped: out.skipped };
    },
  };
}
