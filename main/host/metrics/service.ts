/**
 * The host's golden signals, for the Prometheus endpoint (prom.ts) and the Health panel (`health.get`), and
 * the SLOs checked against them. Everything is observed, nothing is polled from the trading code: orders,
 * fills and risk verdicts of every session as the audit log stores them (so a signal is counted exactly
 * when it became a fact), durable ledger writes, webhook requests, the event loop, the worker queue, and
 * market streams through `venueHealth()` (each venue's stream health report).
 *
 * Order latencies are measured on the session's clock between its audit events (created → accepted →
 * filled): the wall clock live, the paper clock (possibly sped up) in paper sessions.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { HealthView, SloSettings, SloView } from '../../contract/metrics.ts';
import type { VenueHealth } from '../../contract/streams.ts';
import type { WebhookRecord } from '../../contract/webhooks.ts';
import type { AuditEvent } from '../../core/ports.ts';
import { PromMetrics } from './prom.ts';
import { LatencyWindow } from './window.ts';

export interface MetricsDeps {
  readonly slos: SloSettings;
  /** Tasks waiting for a worker thread. */
  readonly workerQueue: () => number;
  /** An SLO broke or recovered. */
  readonly onSlo: (slo: SloView) => void;
  /** A stream that was up reported down. */
  readonly onStreamDown?: (stream: string, why: string) => void;
  /** A stream that was down is up again. */
  readonly onStreamUp?: (stream: string) => void;
  readonly now?: () => number;
}

/** Quantiles and SLOs look back this far. */
const WINDOW_MS = 5 * 60_000;
/** Event-loop delay is sampled (and the SLOs checked) this often. */
export const SAMPLE_MS = 5_000;

interface Open {
  readonly created: number;
  acked: number | undefined;
}

interface SloDef {
  readonly id: string;
  readonly description: string;
  readonly threshold: (s: SloSettings) => number;
  readonly value: (m: HostMetrics, since: number) => number | null;
}

const SLOS: readonly SloDef[] = [
  { id: 'submit-ack-p99', description: 'p99 submit→ack', threshold: (s) => s.submitToAckP99Ms, value: (m, since) => m.windows.submitToAck.summary(since).p99Ms },
  { id: 'event-loop-p99', description: 'p99 event-loop delay', threshold: (s) => s.eventLoopP99Ms, value: (m, since) => m.windows.eventLoop.summary(since).p99Ms },
  { id: 'db-write-p99', description: 'p99 durable database write', threshold: (s) => s.dbWriteP99Ms, value: (m, since) => m.windows.dbWrite.summary(since).p99Ms },
  { id: 'stream-lag', description: 'market stream lag', threshold: (s) => s.streamLagMs, value: (m) => m.maxStreamLag() },
];

export class HostMetrics {
  readonly prom: PromMetrics;
  readonly windows = { submitToAck: new LatencyWindow(), ackToFill: new LatencyWindow(), dbWrite: new LatencyWindow(), eventLoop: new LatencyWindow(), webhook: new LatencyWindow() };
  private readonly d: MetricsDeps;
  private readonly now: () => number;
  private readonly open = new Map<string, Open>();
  private readonly refusals = new Map<string, number>();
  private readonly webhookCounts = new Map<string, number>();
  private readonly streams = new Map<string, { up: boolean; wasDown: boolean; lagMs: number | null; reconnects: number }>();
  /** Reconnects each venue last reported (its health counts them since the host started). */
  private readonly venueReconnects = new Map<string, number>();
  private readonly auditTimes = new LatencyWindow(8192);
  private readonly broken = new Map<string, number>();
  private orders = 0;
  private fills = 0;
  private auditEntries = 0;
  private loop: IntervalHistogram | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(d: MetricsDeps) {
    this.d = d;
    this.now = d.now ?? Date.now;
    this.prom = new PromMetrics(d.workerQueue);
  }

  /** Starts the event-loop monitor and the SLO check. */
  start(): void {
    if (this.timer) return;
    this.loop = monitorEventLoopDelay({ resolution: 10 });
    this.loop.enable();
    this.timer = setInterval(() => this.tick(), SAMPLE_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.loop?.disable();
    this.loop = undefined;
  }

  /** Samples the event loop and checks the SLOs (every SAMPLE_MS; tests call it directly). */
  tick(): void {
    const now = this.now();
    if (this.loop && this.loop.count > 0) {
      const p99 = this.loop.percentile(99) / 1e6;
      this.windows.eventLoop.add(p99, now);
      this.prom.eventLoopLag.set({ quantile: '0.5' }, this.loop.percentile(50) / 1e9);
      this.prom.eventLoopLag.set({ quantile: '0.99' }, p99 / 1000);
      this.prom.eventLoopLag.set({ quantile: '1' }, this.loop.max / 1e9);
      this.loop.reset();
    }
    for (const s of this.slos(now)) {
      const was = this.broken.has(s.id);
      if (!s.ok && !was) this.broken.set(s.id, now);
      if (s.ok && was) this.broken.delete(s.id);
      this.prom.sloBroken.set({ slo: s.id }, s.ok ? 0 : 1);
      if (s.ok === was) this.d.onSlo({ ...s, brokenSince: s.ok ? null : now });
    }
  }

  // ───────────── what is observed ─────────────

  /** Every engine event the audit log stored (AuditLog.observe). */
  audit(e: AuditEvent): void {
    this.auditEntries++;
    this.auditTimes.add(1, this.now());
    this.prom.auditEntries.inc({ kind: e.type });
    const p = e.payload as Record<string, unknown>;
    const account = String((e as { account?: unknown }).account ?? '');
    if (e.type === 'risk-verdict' && p.ok === false) {
      for (const r of (p.reasons ?? []) as { rule?: unknown }[]) {
        const rule = String(r.rule ?? 'unknown');
        this.refusals.set(rule, (this.refusals.get(rule) ?? 0) + 1);
        this.prom.riskRefusals.inc({ rule });
      }
    } else if (e.type === 'order') this.order(String(p.event), p.order as { clientOrderId: string; source: string }, `${String((e as { session?: unknown }).session ?? '')}:`, account, e.ts);
    else if (e.type === 'fill') {
      this.fills++;
      this.prom.fills.inc({ account });
    }
  }

  private order(event: string, o: { clientOrderId: string; source: string }, scope: string, account: string, ts: number): void {
    const key = scope + o.clientOrderId;
    if (event === 'created') {
      this.orders++;
      this.prom.orders.inc({ account, source: o.source });
      this.open.set(key, { created: ts, acked: undefined });
      return;
    }
    const x = this.open.get(key);
    if (!x) return;
    if (x.acked === undefined && (event === 'accepted' || event === 'filled' || event === 'partially-filled' || event === 'triggered')) {
      x.acked = ts;
      this.latency('submitToAck', ts - x.created, account);
    }
    if (event === 'filled' && x.acked !== undefined) this.latency('ackToFill', ts - x.acked, account);
    if (event === 'filled' || event === 'canceled' || event === 'rejected' || event === 'expired') this.open.delete(key);
  }

  private latency(which: 'submitToAck' | 'ackToFill', ms: number, account: string): void {
    this.windows[which].add(ms, this.now());
    this.prom[which].observe({ account }, ms / 1000);
  }

  /** A durable ledger write (Ledger.onWrite). */
  dbWrite(kind: 'intent' | 'commit', ms: number): void {
    this.windows.dbWrite.add(ms, this.now());
    this.prom.dbWrite.observe({ kind }, ms / 1000);
  }

  webhook(r: WebhookRecord): void {
    this.windows.webhook.add(r.ms, this.now());
    this.prom.webhookHandling.observe({ outcome: r.outcome }, r.ms / 1000);
    this.prom.webhooks.inc({ outcome: r.outcome, status: String(r.status) });
    this.webhookCounts.set(r.outcome, (this.webhookCounts.get(r.outcome) ?? 0) + 1);
  }

  /** The market stream manager's report: connected or not, its lag, a reconnect. */
  stream(stream: string, s: { up?: boolean; lagMs?: number; reconnect?: boolean; why?: string }): void {
    const cur = this.streams.get(stream) ?? { up: false, wasDown: false, lagMs: null, reconnects: 0 };
    if (s.up === false && cur.up) {
      cur.wasDown = true;
      this.d.onStreamDown?.(stream, s.why ?? 'disconnected');
    }
    if (s.up === true && !cur.up && cur.wasDown) this.d.onStreamUp?.(stream);
    if (s.up !== undefined) {
      cur.up = s.up;
      this.prom.streamUp.set({ stream }, s.up ? 1 : 0);
    }
    if (s.lagMs !== undefined && Number.isFinite(s.lagMs)) {
      cur.lagMs = s.lagMs;
      this.prom.streamLag.set({ stream }, s.lagMs / 1000);
    }
    if (s.reconnect) {
      cur.reconnects++;
      this.prom.streamReconnects.inc({ stream });
    }
    this.streams.set(stream, cur);
  }

  /**
   * A venue's stream health (MarketStreams.onHealth: on each state change and every second while it
   * streams): live is up; reconnecting, stalled, rate-limited, unreachable and failed are down; idle and
   * connecting (nothing asked yet, first connect) say nothing.
   */
  venueHealth(h: VenueHealth): void {
    const before = this.venueReconnects.get(h.venue);
    this.venueReconnects.set(h.venue, h.reconnects);
    const up = h.state === 'live' ? true : h.state === 'idle' || h.state === 'connecting' ? undefined : false;
    const prev = this.streams.get(h.venue);
    const wasOut = prev !== undefined && !prev.up && prev.wasDown;
    const moved = h.reconnects - (before ?? h.reconnects);
    this.stream(h.venue, { ...(up !== undefined ? { up } : {}), ...(h.lagMs !== null ? { lagMs: h.lagMs } : {}), why: h.error ?? h.state });
    // The venue's own count misses a reconnect that never showed live in between; back up from down is one.
    const back = up === true && wasOut && moved === 0;
    for (let k = 0; k < moved + (back ? 1 : 0); k++) this.stream(h.venue, { reconnect: true });
  }

  maxStreamLag(): number | null {
    let m: number | null = null;
    for (const s of this.streams.values()) if (s.up && s.lagMs !== null) m = Math.max(m ?? 0, s.lagMs);
    return m;
  }

  // ───────────── views ─────────────

  slos(now = this.now()): SloView[] {
    const since = now - WINDOW_MS;
    return SLOS.map((d) => {
      const valueMs = d.value(this, since);
      const thresholdMs = d.threshold(this.d.slos);
      const ok = valueMs === null || valueMs <= thresholdMs;
      return { id: d.id, description: `${d.description} ≤ ${thresholdMs} ms`, thresholdMs, valueMs, ok, brokenSince: ok ? null : (this.broken.get(d.id) ?? now) };
    });
  }

  health(metricsUrl: string | null): HealthView {
    const now = this.now();
    const since = now - WINDOW_MS;
    const w = this.windows;
    return {
      ts: now, metricsUrl,
      latency: { submitToAck: w.submitToAck.summary(since), ackToFill: w.ackToFill.summary(since), dbWrite: w.dbWrite.summary(since), eventLoop: w.eventLoop.summary(since), webhook: w.webhook.summary(since) },
      orders: this.orders, fills: this.fills, riskRefusals: Object.fromEntries(this.refusals), auditEntries: this.auditEntries,
      auditPerSec: Math.round((this.auditTimes.summary(now - 60_000).count / 60) * 100) / 100,
      workerQueue: this.d.workerQueue(),
      webhooks: Object.fromEntries(this.webhookCounts),
      streams: [...this.streams].map(([stream, s]) => ({ stream, ...s })),
      slos: this.slos(now),
    };
  }
}
