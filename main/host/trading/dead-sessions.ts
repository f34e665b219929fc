/**
 * A session whose process was killed (crash, kill -9, power loss) stays `running` in the catalog with its
 * orders open in the ledger, and its audit stream simply stops. On the next start each such session is
 * closed THROUGH ITS AUDIT STREAM, continuing its sessionSeq: one `order` event per order left open
 * (canceled, reason `session_crashed`: the paper venue that could fill it lived in that process), then a
 * `session-stop` with reason `crashed`; the ledger and the catalog follow. Orders of sessions that did stop
 * cleanly (their stop event already counts them) are closed in the ledger as before.
 */
import { auditSessionStop, SessionAuditSink, type SessionKind } from '../../core/audit/session.ts';
import type { Order } from '../../core/model/index.ts';
import { AuditQuery } from '../../storage/audit-query.ts';
import type { LedgerStores } from '../../storage/index.ts';
import type { Logger } from '../log.ts';

export interface ClosedSession {
  readonly sessionId: string;
  readonly orders: readonly string[];
}

export function closeDeadSessions(ledger: LedgerStores, now: number, log: Logger): ClosedSession[] {
  const open = ledger.ledger.openOrders();
  const query = new AuditQuery(ledger.db);
  const closed: ClosedSession[] = [];
  for (const rec of ledger.catalog.sessions(1000)) {
    if (rec.status !== 'running') continue;
    try {
      const ext = query.extent({ session: rec.id });
      const last = ext ? query.get(ext.to) : undefined;
      const lastData = last ? (JSON.parse(last.body) as { data: { sessionSeq?: number } }).data : undefined;
      const sink = new SessionAuditSink(ledger.audit, { sessionId: rec.id, kind: rec.kind as SessionKind }, lastData?.sessionSeq ?? 0);
      // A live session's orders are at the venue, not in the dead process: they stay open for the next live
      // run of the account to take over (live-session.ts) and reconcile.
      const mine = rec.kind === 'live' ? [] : open.filter((o) => o.sessionId === rec.id);
      // IMMEDIATE: the body reads (the audit head) before it writes; a deferred transaction that upgrades after
      // another connection committed fails with SQLITE_BUSY at once, without waiting out the busy timeout.
      ledger.db.transaction(() => {
        for (const so of mine) {
          const order: Order = { ...so.order, state: 'canceled', reason: 'session_crashed', updatedTs: now };
          sink.append({ type: 'order', ts: now, symbol: order.symbol, payload: { event: 'canceled', order } });
          ledger.ledger.recordOrderUpdate({ accountId: so.accountId, sessionId: so.sessionId }, order);
        }
        // lastPrintTs: where the session's record ends, so a re-run plays what it saw and not the downtime.
        auditSessionStop(sink, now, { reason: 'crashed', summary: { openOrders: mine.length, canceled: mine.map((o) => o.order.clientOrderId), ...(last ? { lastPrintTs: last.ts } : {}), detectedAt: now } });
        ledger.catalog.putSession({ ...rec, status: 'stopped', endedAt: now });
      }).immediate();
      closed.push({ sessionId: rec.id, orders: mine.map((o) => o.order.clientOrderId) });
      log.warn({ session: rec.id, canceled: mine.length }, 'closed a session left running by a process that ended without stopping it (crashed)');
    } catch (e) {
      log.error({ err: e, session: rec.id }, 'could not close a crashed session');
    }
  }
  return closed;
}
