/**
 * Outgoing alert notifications against a local test receiver: signed bodies in each channel's format,
 * retries after injected 500s, a dead letter after the last retry, and a retry from the dead-letter list.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertFiring } from '../../../main/contract/alerts.ts';
import type { AlertChannelSettings } from '../../../main/contract/settings.ts';
import { AlertDelivery } from '../../../main/host/alerts/delivery.ts';
import { createLogger } from '../../../main/host/log.ts';
import { signBody } from '../../../main/host/webhooks/verify.ts';
import { AlertStore } from '../../../main/storage/alerts.ts';

const SIGNING = 'outgoing-signing-key-0123456789';
let server: Server;
let base: string;
let dir: string;
let store: AlertStore;
/** Status codes the receiver answers with, in turn (then 200). */
let script: number[] = [];
const received: { path: string; body: string; signature: string | undefined; status: number }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = script.shift() ?? 200;
      received.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8'), signature: req.headers['x-kestrel-signature'] as string | undefined, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'kestrel-delivery-'));
  store = AlertStore.open(dir);
});
afterAll(async () => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
  await new Promise((r) => server.close(r));
});

const channels: AlertChannelSettings[] = [
  { id: 'hook', kind: 'webhook', enabled: true, format: 'json', url: 'url-hook', signingSecret: 'sign' },
  { id: 'discord', kind: 'webhook', enabled: true, format: 'discord', url: 'url-discord', signingSecret: null },
  { id: 'telegram', kind: 'webhook', enabled: true, format: 'telegram', url: 'url-telegram', signingSecret: null, chatId: '-100123' },
  { id: 'off', kind: 'webhook', enabled: false, format: 'slack', url: 'url-hook', signingSecret: null },
];
const secrets: Record<string, string> = { sign: SIGNING, 'url-hook': '', 'url-discord': '', 'url-telegram': '' };
const delivery = (): AlertDelivery =>
  new AlertDelivery({ channels: () => channels, secret: (ref) => (ref.startsWith('url-') ? `${base}/${ref.slice(4)}` : secrets[ref]), store, log: createLogger('test', 'silent'), backoffMs: [20, 40, 80] });

const firing: AlertFiring = { seq: 1, alertId: 'al-1', name: 'BTC 42k', account: 'demo', ts: 1_700_000_000_000, message: 'BTC/USDT crossed 42000 upwards (last 42000.5)', detail: { price: '42000.5' }, sound: false, desktop: false };

describe('alert delivery', () => {
  it('delivers signed JSON, and Discord / Telegram shapes, to the receiver; a disabled channel gets nothing', async () => {
    received.length = 0;
    const d = delivery();
    d.deliver(firing, ['hook', 'discord', 'telegram', 'off', 'unknown']);
    await d.idle();
    expect(received.map((r) => r.path).sort()).toEqual(['/discord', '/hook', '/telegram']);
    const hook = received.find((r) => r.path === '/hook')!;
    expect(JSON.parse(hook.body)).toMatchObject({ kind: 'kestrel.alert', alertId: 'al-1', message: firing.message });
    expect(hook.signature).toBe(signBody(SIGNING, hook.body));
    expect(JSON.parse(received.find((r) => r.path === '/discord')!.body).content).toContain('BTC 42k');
    expect(JSON.parse(received.find((r) => r.path === '/telegram')!.body)).toMatchObject({ chat_id: '-100123' });
    expect(d.deadLetters()).toEqual([]);
  });

  it('retries after 500s and gets through', async () => {
    received.length = 0;
    script = [500, 503];
    const d = delivery();
    d.deliver(firing, ['hook']);
    await d.idle();
    expect(received.map((r) => r.status)).toEqual([500, 503, 200]);
    expect(new Set(received.map((r) => r.body)).size).toBe(1);
    expect(d.deadLetters()).toEqual([]);
  });

  it('keeps a dead letter after the last retry, and the user can send it again', async () => {
    received.length = 0;
    script = [500, 500, 500, 500];
    const d = delivery();
    d.deliver(firing, ['hook']);
    await d.idle();
    expect(received).toHaveLength(4);
    const [dl] = d.deadLetters();
    expect(dl).toMatchObject({ channel: 'hook', alertId: 'al-1', attempts: 4, lastError: 'HTTP 500', message: firing.message });
    // Still failing: stays, one more attempt counted.
    script = [502];
    expect(await d.retry(dl!.id)).toEqual({ delivered: false, error: 'HTTP 502' });
    expect(d.deadLetters()[0]).toMatchObject({ id: dl!.id, attempts: 5 });
    expect(await d.retry(dl!.id)).toEqual({ delivered: true, error: null });
    expect(d.deadLetters()).toEqual([]);
    expect(received.at(-1)!.signature).toBe(signBody(SIGNING, received.at(-1)!.body));
  });

  it('a 4xx other than 408/429 is not retried', async () => {
    received.length = 0;
    script = [404];
    const d = delivery();
    d.deliver(firing, ['discord']);
    await d.idle();
    expect(received).toHaveLength(1);
    expect(d.deadLetters()[0]).toMatchObject({ channel: 'discord', attempts: 1, lastError: 'HTTP 404' });
  });
});
