/**
 * Webhook load on loopback: signed order requests at a steady rate (CI: 200/s for 2 s; KESTREL_FULL=1:
 * 1,000/s for 10 s). The host must not crash, and every accepted request must be audited exactly once (one
 * `created` order event with source webhook, one passing verdict); refusals by the gate place nothing. The
 * p99 handling time is printed, not asserted (timings on a shared machine are not a test).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { percentile, signedOrder, startWebhookHost, webhookCreations, audited, order, type Posted, type WebhookHost } from './support.ts';

const FULL = process.env.KESTREL_FULL === '1';
const RATE = FULL ? 1000 : 200;
const SECONDS = FULL ? 10 : 2;

let t: WebhookHost;
beforeAll(async () => {
  t = await startWebhookHost({ ratePerSec: 100_000, burst: 100_000 });
});
afterAll(async () => t.close());

it(`takes ${RATE} signed requests/s for ${SECONDS} s without losing or doubling an audited order`, async () => {
  const handling: number[] = [];
  const off = t.host.services.webhooks.onRecord((r) => handling.push(r.ms));
  const total = RATE * SECONDS;
  const replies: Promise<{ r: Posted; ms: number }>[] = [];
  const start = performance.now();
  // Sent on schedule (10 ms slots), not one after another: a slow reply must not slow the sender.
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * RATE));
      while (replies.length < due) {
        const i = replies.length;
        const t0 = performance.now();
        replies.push(signedOrder(t.url, order({ side: i % 2 ? 'sell' : 'buy', qty: '0.001', symbol: i % 3 ? 'BTC/USDT' : 'ETH/USDT' })).then((r) => ({ r, ms: performance.now() - t0 })));
      }
      if (replies.length >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  const done = await Promise.all(replies);
  const sentIn = (performance.now() - start) / 1000;
  off();

  const accepted = done.filter((d) => d.r.status === 200);
  const byStatus = new Map<number, number>();
  for (const d of done) byStatus.set(d.r.status, (byStatus.get(d.r.status) ?? 0) + 1);
  // Only the gate may refuse one of these (e.g. max open orders while market orders wait for the next print).
  expect([...byStatus.keys()].every((s) => s === 200 || s === 422)).toBe(true);
  expect(accepted.length).toBeGreaterThan(total / 2);

  const created = webhookCreations(t.host);
  const ids = accepted.flatMap((d) => d.r.body.orders!.map((o) => o.clientOrderId));
  expect(new Set(ids).size).toBe(accepted.length);
  for (const id of ids) expect(created.get(id)).toBe(1);
  expect(created.size).toBe(accepted.length);
  expect(audited(t.host, 'risk-verdict', (p) => p.source === 'webhook' && p.ok === true)).toHaveLength(accepted.length);
  // Still serving after the storm.
  expect((await t.client.call('webhooks.status', {})).listening).toBe(true);

  const rtt = done.map((d) => d.ms);
  console.log(
    `webhook load: ${total} requests in ${sentIn.toFixed(1)} s (${RATE}/s target), ${accepted.length} accepted, ${byStatus.get(422) ?? 0} refused by the gate; ` +
      `handling p50 ${percentile(handling, 0.5).toFixed(2)} ms p99 ${percentile(handling, 0.99).toFixed(2)} ms; round trip p99 ${percentile(rtt, 0.99).toFixed(1)} ms (loaded shared machine)`,
  );
}, 180_000);
