/**
 * Host-side audit records of a trading session (lifecycle, configuration changes, manual overrides), in
 * the shapes of the kernel's AuditEvent. Every event of the session — the kernel's and these — goes through
 * a SessionAuditSink that stamps the session id and a per-session sequence, so the audit view can filter a
 * session and a replay can order its events.
 * (main/core/audit/session.ts is growing the same helpers for every composition; switch to it once it lands.)
 */
import type { AuditEvent, AuditSink } from '../../core/ports.ts';

export class SessionAuditSink implements AuditSink {
  private readonly inner: AuditSink;
  readonly info: { readonly sessionId: string; readonly kind: 'paper' | 'live' };
  private seq = 0;

  constructor(inner: AuditSink, info: { sessionId: string; kind: 'paper' | 'live' }) {
    this.inner = inner;
    this.info = info;
  }

  append(event: AuditEvent): void {
    this.inner.append({ ...event, session: this.info.sessionId, sessionSeq: ++this.seq, utc: new Date(event.ts).toISOString() } as AuditEvent);
  }
}

export function auditSessionStart(sink: AuditSink, ts: number, config: Readonly<Record<string, unknown>>): void {
  sink.append({ type: 'session-start', ts, payload: { config } });
}

export function auditSessionStop(sink: AuditSink, ts: number, outcome: { readonly reason: string; readonly summary?: Readonly<Record<string, unknown>> }): void {
  sink.append({ type: 'session-stop', ts, payload: { reason: outcome.reason, summary: outcome.summary ?? {} } });
}

export function auditConfigChange(sink: AuditSink, ts: number, change: { readonly what: string; readonly from: unknown; readonly to: unknown; readonly by: string }): void {
  sink.append({ type: 'config-change', ts, payload: { what: change.what, from: change.from ?? null, to: change.to ?? null, by: change.by } });
}

export function auditOverride(sink: AuditSink, ts: number, o: { readonly action: string; readonly reason: string; readonly by: string; readonly details?: Readonly<Record<string, unknown>> }): void {
  sink.append({ type: 'override', ts, payload: { action: o.action, reason: o.reason, by: o.by, details: o.details ?? {} } });
}
