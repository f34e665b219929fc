/**
 * Webhook load on loopback: signed order requests at 1,000/s (CI: for 1 s; KESTREL_FULL=1: for 10 s, the
 * issue's check), the listener's token bucket configured to allow that rate. The host must not crash, every
 * reply is accepted (200), refused by the risk gate (422) or rate-limited (429) — each counted — and every
 * accepted request is audited exactly once (one `created` order event with source webhook, one passing
 * verdict) while refused and rate-limited ones place nothing. The p99 handling time is printed, not
 * asserted (timings on a shared machine are not a test).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import type { Sent } from './load-sender.ts';
import { audited, HMAC_SECRET, percentile, startWebhookHost, webhookCreations, type WebhookHost } from './support.ts';

const FULL = process.env.KESTREL_FULL === '1';
const RATE = 1000;
const SECONDS = FULL ? 10 : 1;

let t: WebhookHost;
beforeAll(async () => {
  t = await startWebhookHost({ ratePerSec: RATE, burst: RATE });
});
afterAll(async () => t.close());

it(`takes ${RATE} signed requests/s for ${SECONDS} s without losing or doubling an audited order`, async () => {
  const handling: number[] = [];
  const off = t.host.services.webhooks.onRecord((r) => handling.push(r.ms));
  const total = RATE * SECONDS;
  const worker = new Worker(new URL('./load-sender.ts', import.meta.url), { workerData: { url: t.url, secret: HMAC_SECRET, rate: RATE, total } });
  const { sentIn, results: done } = await new Promise<{ sentIn: number; results: Sent[] }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  off();

  const byStatus = new Map<number, number>();
  for (const d of done) byStatus.set(d.status, (byStatus.get(d.status) ?? 0) + 1);
  // Accepted, refused by the gate (e.g. max open orders while market orders wait for the next print) or
  // rate-limited (the bucket allows the rate on average; a loaded sender can bunch requests): nothing else.
  const [ok, refused, limited] = [200, 422, 429].map((code) => byStatus.get(code) ?? 0) as [number, number, number];
  expect(Object.fromEntries([...byStatus].filter(([code]) => ![200, 422, 429].includes(code)))).toEqual({});
  expect(ok + refused + limited).toBe(total);
  expect(ok).toBeGreaterThan(0);

  const created = webhookCreations(t.host);
  const ids = done.filter((d) => d.status === 200).flatMap((d) => d.ids);
  expect(ids).toHaveLength(ok);
  expect(new Set(ids).size).toBe(ok);
  for (const id of ids) expect(created.get(id)).toBe(1);
  expect(created.size).toBe(ok);
  expect(audited(t.host, 'risk-verdict', (p) => p.source === 'webhook' && p.ok === true)).toHaveLength(ok);
  // Still serving after the storm.
  expect((await t.client.call('webhooks.status', {})).listening).toBe(true);

  const rtt = done.map((d) => d.ms);
  console.log(
    `webhook load: ${total} requests sent in ${sentIn.toFixed(2)} s (${RATE}/s target), ${ok} accepted (each audited once), ${refused} refused by the gate, ${limited} rate-limited; ` +
      `handling p50 ${percentile(handling, 0.5).toFixed(2)} ms p99 ${percentile(handling, 0.99).toFixed(2)} ms; round trip p99 ${percentile(rtt, 0.99).toFixed(1)} ms (loaded shared machine)`,
  );
}, FULL ? 1_200_000 : 300_000);
