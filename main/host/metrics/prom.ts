/**
 * The one module that imports prom-client: the host's Prometheus registry and its metrics, named
 * `kestrel_*`. Latencies are in seconds (Prometheus' convention); the buckets span a fast local paper ack
 * (sub-millisecond) to a venue timing out.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class PromMetrics {
  readonly registry = new Registry();
  readonly submitToAck = this.histogram('kestrel_order_submit_to_ack_seconds', 'Time from an order\'s intent to the venue\'s acknowledgement', ['account']);
  readonly ackToFill = this.histogram('kestrel_order_ack_to_fill_seconds', 'Time from acknowledgement to the order\'s complete fill', ['account']);
  readonly dbWrite = this.histogram('kestrel_db_write_seconds', 'Durable ledger writes: an order intent, or a batch commit', ['kind']);
  readonly webhookHandling = this.histogram('kestrel_webhook_handling_seconds', 'Inbound webhook request handling time', ['outcome']);
  readonly orders = new Counter({ name: 'kestrel_orders_total', help: 'Orders placed (passed the risk gate)', labelNames: ['account', 'source'], registers: [this.registry] });
  readonly fills = new Counter({ name: 'kestrel_fills_total', help: 'Fills booked', labelNames: ['account'], registers: [this.registry] });
  readonly riskRefusals = new Counter({ name: 'kestrel_risk_refusals_total', help: 'Orders the risk gate refused, by rule', labelNames: ['rule'], registers: [this.registry] });
  readonly auditEntries = new Counter({ name: 'kestrel_audit_entries_total', help: 'Audit log entries appended by the engine, by kind', labelNames: ['kind'], registers: [this.registry] });
  readonly webhooks = new Counter({ name: 'kestrel_webhook_requests_total', help: 'Inbound webhook requests by outcome and HTTP status', labelNames: ['outcome', 'status'], registers: [this.registry] });
  readonly streamReconnects = new Counter({ name: 'kestrel_stream_reconnects_total', help: 'Market stream reconnects', labelNames: ['stream'], registers: [this.registry] });
  readonly streamLag = new Gauge({ name: 'kestrel_stream_lag_seconds', help: 'Market stream lag (local receive time minus exchange time)', labelNames: ['stream'], registers: [this.registry] });
  readonly streamUp = new Gauge({ name: 'kestrel_stream_up', help: '1 while a market stream is connected', labelNames: ['stream'], registers: [this.registry] });
  readonly eventLoopLag = new Gauge({ name: 'kestrel_event_loop_lag_seconds', help: 'Event-loop delay since the last scrape', labelNames: ['quantile'], registers: [this.registry] });
  readonly sloBroken = new Gauge({ name: 'kestrel_slo_broken', help: '1 while an SLO is broken', labelNames: ['slo'], registers: [this.registry] });

  /** `workerQueue` is read at each scrape. */
  constructor(workerQueue: () => number) {
    new Gauge({
      name: 'kestrel_worker_queue_depth', help: 'Tasks waiting for a worker thread', registers: [this.registry],
      collect() {
        this.set(workerQueue());
      },
    });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private histogram(name: string, help: string, labelNames: string[]): Histogram {
    return new Histogram({ name, help, labelNames, buckets: LATENCY_BUCKETS, registers: [this.registry] });
  }
}
