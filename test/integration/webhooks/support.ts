import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type KestrelClient } from '../../../main/contract/index.ts';
import type { WebhookSettings } from '../../../main/contract/webhooks.ts';
import { createHost, type Host } from '../../../main/host/host.ts';
import { connectInMemory } from '../../../main/host/transports/memory.ts';
import { signBody } from '../../../main/host/webhooks/verify.ts';
import { until } from '../trading/support.ts';

export const HMAC_SECRET = 'hmac-secret-for-tests-0123456789';
export const BODY_SECRET = 'body-secret-for-tests-9876543210';

export interface WebhookHost {
  host: Host;
  client: KestrelClient;
  url: string;
  close(): Promise<void>;
}

/** A host with the listener on a free loopback port, an hmac hook `tv` and a body-secret hook `tvb` on Demo. */
export async function startWebhookHost(hooks: Partial<WebhookSettings> = {}): Promise<WebhookHost> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kestrel-webhooks-'));
  const webhooks: Partial<WebhookSettings> = {
    enabled: true, port: 0, windowSec: 300,
    hooks: [
      { id: 'tv', account: 'demo', auth: 'hmac', secret: 'hook-tv', enabled: true, symbols: [] },
      { id: 'tvb', account: 'demo', auth: 'body', secret: 'hook-tvb', enabled: true, symbols: [] },
      { id: 'off', account: 'demo', auth: 'hmac', secret: 'hook-tv', enabled: false, symbols: [] },
    ],
    ...hooks,
  };
  const env = {
    ...process.env,
    KESTREL_FEED_TICK_MS: '10', KESTREL_FEED_CYCLE_MS: '1000', KESTREL_FEED_SWING_BPS: '20',
    KESTREL_WEBHOOKS: JSON.stringify(webhooks),
    KESTREL_SECRET_HOOK_TV: HMAC_SECRET,
    KESTREL_SECRET_HOOK_TVB: BODY_SECRET,
  };
  const host = await createHost({ mode: 'memory', dataDir, env });
  const client = createClient(connectInMemory(host.server));
  const url = await until('the webhook listener', async () => host.services.webhookListener.url ?? undefined);
  await host.services.trading.whenReady();
  return {
    host, client, url,
    async close() {
      client.close();
      await host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Posted {
  status: number;
  body: { ok: boolean; reason?: string; code?: string; orders?: { clientOrderId: string }[]; details?: { reasons?: { rule: string }[] } };
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** POSTs raw `body` to `path` with `headers`; resolves with the status and the JSON reply. */
export function post(url: string, path: string, body: string | Buffer, headers: Record<string, string> = {}, method = 'POST'): Promise<Posted> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, agent, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Posted['body'] }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A signed order request to the hmac hook `tv`. */
export function signedOrder(url: string, payload: Record<string, unknown>, secret = HMAC_SECRET): Promise<Posted> {
  const body = JSON.stringify(payload);
  return post(url, '/hooks/tv', body, { 'x-kestrel-signature': signBody(secret, body) });
}

let n = 0;
export function order(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ts: Date.now(), id: `req-${process.pid}-${++n}`, action: 'order', symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: '0.001', ...extra };
}

type Entry = { kind: string; data: { payload: Record<string, unknown> } };

/** Audit entries of `kind` whose payload passes `pred` (the whole log is read: test logs are small). */
export function audited(h: Host, kind: string, pred: (p: Record<string, unknown>) => boolean): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const e of h.services.ledger.audit.iterate()) {
    if (e.kind !== kind) continue;
    const p = (JSON.parse(e.body) as Entry).data.payload;
    if (pred(p)) out.push(p);
  }
  return out;
}

type OrderSnap = { clientOrderId: string; source: string; tag: string | null };
/** `created` order events of webhook orders, by client order id. */
export function webhookCreations(h: Host): Map<string, number> {
  const m = new Map<string, number>();
  for (const p of audited(h, 'order', (x) => x.event === 'created' && (x.order as OrderSnap).source === 'webhook')) {
    const id = (p.order as OrderSnap).clientOrderId;
    m.set(id, (m.get(id) ?? 0) + 1);
  }
  return m;
}

export function percentile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}
