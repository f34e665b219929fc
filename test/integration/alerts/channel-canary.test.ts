/**
 * Channel secrets in the secret store, and the canary: an alert channel's URL (carrying its token, as a
 * Discord or Telegram URL does) and its signing key are entered write-only through the contract (as the
 * Alerts panel does), with no KESTREL_SECRET_ override. Notifications then go out with them — delivered
 * and signed, then failing (500s, retried, dead-lettered, retried by hand) — and neither value is found in
 * the logs (trace level), any file of the data directory (databases, WAL, settings; the sealed store must
 * not hold them in clear) or anything the host sent to the client.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../main/contract/index.ts';
import { createHost } from '../../../main/host/host.ts';
import { SettingsStore } from '../../../main/host/settings/store.ts';
import { connectInMemory } from '../../../main/host/transports/memory.ts';
import { signBody } from '../../../main/host/webhooks/verify.ts';
import { filesUnder, needles } from '../../support/canary.ts';
import { until } from '../trading/support.ts';

const TOKEN = 'tok-CANARY-7f3a9c21e4b6d805';
const SIGNING = 'sig-CANARY-c0ffee5eed1234567890';

describe('alert channel secrets', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kestrel-channel-canary-'));
  let receiver: Server;
  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await new Promise((r) => receiver?.close(r));
  });

  it('come from the secret store, reach the receiver, and appear in no log, database, file or renderer message', async () => {
    let status = 200;
    const got: { path: string; body: string; signature: string | undefined }[] = [];
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (b: Buffer) => chunks.push(b));
      req.on('end', () => {
        got.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8'), signature: req.headers['x-kestrel-signature'] as string | undefined });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/bot${TOKEN}/send`;
    SettingsStore.open(dataDir).set('alertChannels', [{ id: 'phone', kind: 'webhook', enabled: true, format: 'telegram', url: 'phone-url', signingSecret: 'phone-signing', chatId: '-1001' }]);

    const logFile = join(dataDir, 'logs', 'canary.log');
    const log = pino({ level: 'trace' }, pino.destination({ dest: logFile, mkdir: true, sync: true }));
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KESTREL_SECRET_')));
    const host = await createHost({ mode: 'memory', dataDir, log, env: { ...env, KESTREL_PAPER: '0' } });
    const port = connectInMemory(host.server);
    const sent: string[] = [];
    port.onMessage((m) => sent.push(JSON.stringify(m)));
    const client = createClient(port);
    try {
      await client.call('credentials.setPassword', { ref: 'phone-url', value: url });
      await client.call('credentials.setPassword', { ref: 'phone-signing', value: SIGNING });
      const stored = (await client.call('credentials.list', {})).credentials;
      expect(stored.find((c) => c.ref === 'phone-url')?.usedBy).toEqual(['channel:phone']);
      expect(stored.find((c) => c.ref === 'phone-signing')?.usedBy).toEqual(['channel:phone']);

      // Delivered with the stored URL and signed with the stored key.
      const a = await client.call('alerts.create', { name: 'Halted', condition: { kind: 'account', event: 'risk-state' }, repeat: 'every', cooldownSec: 0, channels: ['phone'] });
      await client.call('risk.setTradingState', { state: 'halted', reason: 'canary' });
      await until('the notification', async () => got.length >= 1, 30_000);
      expect(got[0]!.path).toBe(`/bot${TOKEN}/send`);
      expect(got[0]!.signature).toBe(signBody(SIGNING, got[0]!.body));
      expect(JSON.parse(got[0]!.body)).toMatchObject({ chat_id: '-1001' });

      // Failing: retried, then a dead letter; its error and the log lines must not carry the URL.
      status = 500;
      await client.call('risk.setTradingState', { state: 'active' });
      await until('a dead letter', async () => (await client.call('alerts.deadLetters', {})).deadLetters.length >= 1, 120_000);
      const dl = (await client.call('alerts.deadLetters', {})).deadLetters[0]!;
      expect(dl).toMatchObject({ channel: 'phone', alertId: a.id, lastError: 'HTTP 500' });
      status = 200;
      expect(await client.call('alerts.retry', { id: dl.id })).toEqual({ delivered: true, error: null });
      await client.call('alerts.history', {});
      await client.call('alerts.list', {});
      await client.call('settings.get', {});
    } finally {
      client.close();
      await host.close();
    }
    const files = filesUnder(dataDir);
    expect(files.some((f) => f.endsWith('alerts.db'))).toBe(true);
    expect(files.some((f) => f.endsWith('secrets.json'))).toBe(true);
    expect(readFileSync(logFile, 'utf8')).toMatch(/alert notification failed/);
    const haystacks: [string, Buffer][] = [...files.map((f) => [f, readFileSync(f)] as [string, Buffer]), ...sent.map((m, i) => [`message ${i}`, Buffer.from(m)] as [string, Buffer])];
    const leaks: string[] = [];
    for (const secret of [TOKEN, SIGNING]) for (const n of needles(secret)) for (const [where, bytes] of haystacks) if (bytes.includes(n)) leaks.push(`${secret.slice(0, 3)} in ${where}`);
    expect(leaks).toEqual([]);
  }, 240_000);
});
