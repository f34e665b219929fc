/**
 * One audit service per host, sharing the trading service's ledger connection (ledgerFor), so audit reads,
 * tree heads and the session recorder all see one SQLite connection. A timer stores a signed tree head
 * every minute when enough entries arrived (KESTREL_AUDIT_CHECKPOINT_EVERY, default 10,000), and one more
 * on shutdown.
 */
import type { HostContext } from '../context.ts';
import { ledgerFor } from '../trading/for-host.ts';
import { hostRerunDeps, hostSessionRerun } from './rerun-deps.ts';
import { AuditService } from './service.ts';

const services = new WeakMap<HostContext, { svc: AuditService; timer: NodeJS.Timeout }>();

export function auditFor(ctx: HostContext): AuditService {
  let s = services.get(ctx);
  if (!s) {
    const l = ledgerFor(ctx);
    const svc = new AuditService({
      db: l.db, log: l.audit, dataDir: ctx.dataDir, checkpointEvery: Number(process.env.KESTREL_AUDIT_CHECKPOINT_EVERY ?? 10_000),
      ...(ctx.keyVault ? { vault: ctx.keyVault } : {}),
    });
    // Re-runs in the running app: paper sessions re-enacted on the re-created demo feed; backtests from
    // stored bars; strategies from the catalog by version hash.
    svc.setRerunDeps(hostRerunDeps(ctx));
    svc.setSessionRerun(hostSessionRerun(ctx));
    const timer = setInterval(() => {
      try {
        svc.maybeCheckpoint();
      } catch (e) {
        ctx.log.warn({ err: (e as Error).message }, 'audit tree head checkpoint failed');
      }
    }, 60_000);
    timer.unref();
    s = { svc, timer };
    services.set(ctx, s);
  }
  return s.svc;
}

/**
 * On start: checks the audit log against the last tree head anchored outside ledger.db. A rewritten
 * history is never passed over in silence: the engine turns `degraded` with the reason (the UI's status
 * and `health` show it), the log says it as an error, and no new head is signed on top of it.
 */
export function checkAuditAnchors(ctx: HostContext): void {
  const report = (problem: string) => {
    ctx.log.error({ problem }, 'AUDIT HISTORY DOES NOT MATCH ITS ANCHOR');
    ctx.setEngineStatus({ state: 'degraded', detail: `Audit log tampered with: ${problem}. Do not trust this data directory's audit history; keep a copy of it and of audit-heads.jsonl for inspection.` });
  };
  try {
    const { quick, full } = auditFor(ctx).checkAnchors();
    if (!quick.ok) report(quick.problem);
    else
      void full.then(
        (r) => r.ok || report(r.problem),
        (e: unknown) => ctx.log.warn({ err: (e as Error).message }, 'audit chain check did not finish'),
      );
  } catch (e) {
    report(`the anchor check itself failed (${(e as Error).message})`);
  }
}

/** Call before the ledger closes. */
export function stopAudit(ctx: HostContext): void {
  const s = services.get(ctx);
  if (!s) return;
  services.delete(ctx);
  clearInterval(s.timer);
  try {
    s.svc.checkpoint();
  } catch (e) {
    ctx.log.warn({ err: (e as Error).message }, 'final audit tree head failed');
  }
}
