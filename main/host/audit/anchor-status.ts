import type { HostContext } from '../context.ts';
import type { AuditService } from './service.ts';

/**
 * On start: checks the audit log against the last tree head anchored outside ledger.db (anchors.ts). A
 * rewritten history is never passed over in silence: the engine turns `degraded` with the reason (the
 * UI's status and `health` show it), the log says it as an error, and the service signs no new head on
 * top of it (so every later start finds it again).
 */
export function reportAuditAnchors(audit: AuditService, ctx: Pick<HostContext, 'log' | 'setEngineStatus'>): void {
  const report = (problem: string) => {
    ctx.log.error({ problem }, 'AUDIT HISTORY DOES NOT MATCH ITS ANCHOR');
    ctx.setEngineStatus({ state: 'degraded', detail: `Audit log tampered with: ${problem}. Do not trust this data directory's audit history; keep a copy of it and of audit-heads.jsonl for inspection.` });
  };
  try {
    const { quick, full } = audit.checkAnchors();
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
