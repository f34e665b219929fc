/**
 * Exchange keys through the contract: checked read-only on Kestrel Sim through ccxt, refused when the key
 * can withdraw or the venue refuses it, stored sealed (the file holds no key bytes), listed without key
 * material, resolvable by the main process only, deleted; a new host on the same data dir reads them back.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../main/contract/index.ts';
import { createHost } from '../../../main/host/host.ts';
import { NO_IP_RESTRICTION } from '../../../main/host/secrets/credentials.ts';
import { connectInMemory } from '../../../main/host/transports/memory.ts';
import type { SimKey } from '../../../main/venues/mock-exchange/index.ts';
import { startTestHost, type TestHost } from '../../support/host.ts';

describe('exchange keys in the secret store', () => {
  let t: TestHost;
  let key: SimKey;
  beforeAll(async () => {
    t = await startTestHost();
    key = (await t.host.services.sim.exchange()).private.createKey({ ipRestrict: false });
  });
  afterAll(() => t.close());

  it('a good key is checked on the venue, stored, and listed by reference and fingerprint only', async () => {
    const view = await t.client.call('credentials.set', { ref: 'sim-main', venue: 'kestrel-sim', apiKey: key.apiKey, secret: key.secret });
    expect(view).toMatchObject({ ref: 'sim-main', kind: 'exchange-key', venue: 'kestrel-sim', environment: 'live', ipRestricted: false, warnings: [NO_IP_RESTRICTION] });
    expect(view.keyId).toMatch(/^[0-9a-f]{8}$/);
    expect(JSON.stringify(view)).not.toContain(key.apiKey.slice(0, 12));
    const list = await t.client.call('credentials.list', {});
    expect(list.credentials.map((c) => c.ref)).toEqual(['sim-main']);
    expect(list.vault).toBe('passphrase');
    const file = readFileSync(join(t.dataDir, 'secrets.json'));
    expect(file.includes(Buffer.from(key.apiKey))).toBe(false);
    expect(file.includes(Buffer.from(key.secret))).toBe(false);
    expect(await t.host.services.credentials.resolve('sim-main')).toEqual({ apiKey: key.apiKey, secret: key.secret });
  });

  it('a key with withdrawals enabled is refused and not stored', async () => {
    const risky = (await t.host.services.sim.exchange()).private.createKey({ enableWithdrawals: true });
    await expect(t.client.call('credentials.set', { ref: 'risky', venue: 'kestrel-sim', apiKey: risky.apiKey, secret: risky.secret })).rejects.toMatchObject({ code: 'validation', message: expect.stringContaining('can withdraw') });
    expect((await t.client.call('credentials.list', {})).credentials.map((c) => c.ref)).toEqual(['sim-main']);
  });

  it('a key the venue refuses (wrong secret, unknown key) is a validation error naming the venue, without the key', async () => {
    const wrong = 'z'.repeat(64);
    const err = await t.client.call('credentials.set', { ref: 'bad', venue: 'kestrel-sim', apiKey: key.apiKey, secret: wrong }).catch((e: unknown) => e as { code: string; message: string });
    expect(err).toMatchObject({ code: 'validation', message: expect.stringContaining('Kestrel Sim refused the key') });
    expect(JSON.stringify(err)).not.toContain(key.apiKey);
    expect(JSON.stringify(err)).not.toContain(wrong);
    await expect(t.client.call('credentials.set', { ref: 'bad', venue: 'nowhere', apiKey: key.apiKey, secret: key.secret })).rejects.toMatchObject({ code: 'not_found' });
    await expect(t.client.call('credentials.set', { ref: 'bad', venue: 'kestrel-sim', apiKey: 'has space', secret: key.secret })).rejects.toMatchObject({ code: 'validation' });
    expect((await t.client.call('credentials.list', {})).credentials).toHaveLength(1);
  });

  it('a restricted key has no warning; the store keeps both; delete removes one', async () => {
    const safe = (await t.host.services.sim.exchange()).private.createKey({ ipRestrict: true });
    const v = await t.client.call('credentials.set', { ref: 'sim-safe', venue: 'kestrel-sim', apiKey: safe.apiKey, secret: safe.secret });
    expect([v.ipRestricted, v.warnings]).toEqual([true, []]);
    expect((await t.client.call('credentials.delete', { ref: 'sim-main' })).credentials.map((c) => c.ref)).toEqual(['sim-safe']);
    await expect(t.client.call('credentials.delete', { ref: 'sim-main' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(t.host.services.credentials.resolve('sim-main')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('a sweep queue password is stored the same way and resolved for the queue connection, never listed', async () => {
    const v = await t.client.call('credentials.setPassword', { ref: 'queue-pass', value: 'r3dis-Pa55word' });
    expect(v).toMatchObject({ ref: 'queue-pass', kind: 'password', keyId: null, venue: null });
    expect(JSON.stringify(await t.client.call('credentials.list', {}))).not.toContain('r3dis-Pa55word');
  });

  it('another host on the same data dir (same passphrase) unseals them; a wrong passphrase cannot', async () => {
    const clusters = JSON.stringify([{ id: 'q', name: 'Queue', url: 'redis://127.0.0.1:6399', password: 'queue-pass' }]);
    const again = await createHost({ mode: 'memory', dataDir: t.dataDir, env: { KESTREL_SWEEP_CLUSTERS: clusters } });
    try {
      const client = createClient(connectInMemory(again.server));
      expect((await client.call('credentials.list', {})).credentials.map((c) => c.ref)).toEqual(['sim-safe', 'queue-pass']);
      expect((await again.services.credentials.resolve('sim-safe')).apiKey).toMatch(/^[A-Za-z0-9]{64}$/);
      await again.services.secrets.unlock();
      expect(again.services.clusters.target('q')).toEqual({ url: 'redis://127.0.0.1:6399', password: 'r3dis-Pa55word' });
      await expect(again.services.credentials.resolve('queue-pass')).rejects.toMatchObject({ code: 'not_found' });
      client.close();
    } finally {
      await again.close();
    }
    const { SecretStore } = await import('../../../main/host/secrets/store.ts');
    const { passphraseVault } = await import('../../../main/host/audit/key-vault.ts');
    const other = new SecretStore(t.dataDir, passphraseVault(() => 'not the passphrase', { logN: 14 }));
    await expect(other.reveal('sim-safe')).rejects.toMatchObject({ code: 'storage', message: expect.stringContaining('Wrong passphrase for the secret store') });
  });
});
