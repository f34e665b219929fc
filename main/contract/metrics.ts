/**
 * Metrics and health: the opt-in Prometheus endpoint's settings (a key of settings.json) and the Health
 * panel's view of the same golden signals — order latency (submit→ack, ack→fill), stream lag and
 * reconnects, risk refusals by rule, event-loop lag, worker-pool queue depth, database write latency, audit
 * append rate — with the SLOs checked against them. Latencies in the view are over the last five minutes.
 */
import { z } from 'zod';
import { command, empty, event } from './define.ts';

const ms = z.number().positive().max(3_600_000);

export const SloSettings = z
  .object({
    /** p99 submit→ack latency, ms. */
    submitToAckP99Ms: ms.default(500),
    /** p99 event-loop delay, ms. */
    eventLoopP99Ms: ms.default(200),
    /** p99 durable database write (commit), ms. */
    dbWriteP99Ms: ms.default(250),
    /** Market stream lag, ms (any stream). */
    streamLagMs: ms.default(5_000),
  })
  .strict();
export type SloSettings = z.infer<typeof SloSettings>;

export const MetricsSettings = z
  .object({
    /** Opt-in: the Prometheus endpoint listens only when true (the Health panel works either way). */
    enabled: z.boolean().default(false),
    /** On 127.0.0.1 only; 0 = any free port (tests). */
    port: z.number().int().min(0).max(65_535).default(9464),
    slos: SloSettings.default({}),
  })
  .strict();
export type MetricsSettings = z.infer<typeof MetricsSettings>;

export const LatencyView = z.object({ count: z.number().int(), p50Ms: z.number().nullable(), p99Ms: z.number().nullable(), maxMs: z.number().nullable() });
export type LatencyView = z.infer<typeof LatencyView>;

export const StreamHealthView = z.object({ stream: z.string(), up: z.boolean(), lagMs: z.number().nullable(), reconnects: z.number().int() });

export const SloView = z.object({
  id: z.string(),
  description: z.string(),
  thresholdMs: z.number(),
  /** The measured value; null while there is nothing to measure. */
  valueMs: z.number().nullable(),
  ok: z.boolean(),
  /** Since when it has been broken (null when ok). */
  brokenSince: z.number().nullable(),
});
export type SloView = z.infer<typeof SloView>;

export const HealthView = z.object({
  ts: z.number(),
  /** The Prometheus endpoint (`…/metrics`) when enabled and listening. */
  metricsUrl: z.string().nullable(),
  latency: z.object({ submitToAck: LatencyView, ackToFill: LatencyView, dbWrite: LatencyView, eventLoop: LatencyView, webhook: LatencyView }),
  orders: z.number().int(),
  fills: z.number().int(),
  riskRefusals: z.record(z.string(), z.number().int()),
  auditEntries: z.number().int(),
  /** Audit entries appended per second over the last minute. */
  auditPerSec: z.number(),
  workerQueue: z.number().int(),
  webhooks: z.record(z.string(), z.number().int()),
  streams: z.array(StreamHealthView),
  slos: z.array(SloView),
});
export type HealthView = z.infer<typeof HealthView>;

export const metricsCommands = {
  'health.get': command('The golden signals (latencies over the last five minutes, counters since start), stream health and the SLOs with whether each holds.', empty, HealthView),
};

export const metricsEvents = {
  'health.slo': event('An SLO broke or recovered.', SloView),
};
