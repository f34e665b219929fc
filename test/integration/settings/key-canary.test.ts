/**
 * The key canary: an exchange key entered through the contract (as the Settings panel does) and then used
 * by everything around it — a paper order, settings edits, an account naming the key, a refused re-entry,
 * audit exports (bundle, HTML, CSV), market export — is never found, byte for byte, in the logs (at trace
 * level), either database (with its WAL), any other file of the data directory, an export, or anything
 * the host sent to the client. The sealed store is searched too: it must not hold the key in clear.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../main/contract/index.ts';
import { createHost } from '../../../main/host/host.ts';
import { connectInMemory } from '../../../main/host/transports/memory.ts';
import { filesUnder, needles } from '../../support/canary.ts';

describe('key canary', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kestrel-canary-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('a key entered through Settings appears in no log, database, file, export or message to the renderer', async () => {
    const logFile = join(dataDir, 'logs', 'canary.log');
    const log = pino({ level: 'trace' }, pino.destination({ dest: logFile, mkdir: true, sync: true }));
    const host = await createHost({ mode: 'memory', dataDir, log });
    const port = connectInMemory(host.server);
    const sent: string[] = [];
    port.onMessage((m) => sent.push(JSON.stringify(m)));
    const client = createClient(port);
    const exported: string[] = [];
    let key: { apiKey: string; secret: string };
    try {
      key = (await host.services.sim.exchange()).private.createKey();
      const view = await client.call('credentials.set', { ref: 'canary', venue: 'kestrel-sim', apiKey: key.apiKey, secret: key.secret });
      expect(view.ref).toBe('canary');
      // Entered again with a wrong secret: the refusal must not echo either.
      await expect(client.call('credentials.set', { ref: 'canary-2', venue: 'kestrel-sim', apiKey: key.apiKey, secret: `${key.secret.slice(0, 60)}WXYZ` })).rejects.toMatchObject({ code: 'validation' });
      await client.call('credentials.list', {});
      const doc = (await client.call('settings.get', {})).document;
      await client.call('settings.set', { key: 'accounts', value: [...doc.accounts, { id: 'sim-live', name: 'Sim live', venue: 'kestrel-sim', environment: 'sim', marketType: 'spot', currency: 'USDT', riskProfile: 'default', credentials: 'canary' }] });
      await client.call('accounts.list', {});
      await client.call('venues.list', {});
      const { prices } = await client.call('trading.prices', {});
      const btc = prices.find((p) => p.symbol === 'BTC/USDT');
      if (btc) await client.call('trading.submit', { symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: '0.001' });
      await client.call('audit.checkpoint', {});
      exported.push((await client.call('audit.export.bundle', { scope: {} })).text);
      exported.push((await client.call('audit.export.html', { scope: {} })).html);
      for (const table of ['events', 'orders', 'fills', 'risk'] as const) exported.push((await client.call('audit.export.csv', { scope: {}, table })).csv);
      const sets = await client.call('market.datasets', {});
      if (sets[0]) exported.push((await client.call('market.export', { source: sets[0].source, symbol: sets[0].symbol, timeframe: sets[0].timeframe })).csv);
      // The main process can still use it (the one way out), and nothing of that reaches the files.
      expect((await host.services.credentials.resolve('canary')).secret).toBe(key.secret);
    } finally {
      client.close();
      await host.close();
    }
    const files = filesUnder(dataDir);
    expect(files.some((f) => f.endsWith('ledger.db'))).toBe(true);
    expect(files.some((f) => f.endsWith('secrets.json'))).toBe(true);
    expect(readFileSync(logFile).length).toBeGreaterThan(0);
    expect(sent.length).toBeGreaterThan(10);
    const haystacks: [string, Buffer][] = [
      ...files.map((f) => [f, readFileSync(f)] as [string, Buffer]),
      ...sent.map((m, i) => [`message ${i}`, Buffer.from(m)] as [string, Buffer]),
      ...exported.map((x, i) => [`export ${i}`, Buffer.from(x)] as [string, Buffer]),
    ];
    const leaks: string[] = [];
    for (const secret of [key!.apiKey, key!.secret]) {
      for (const n of needles(secret)) for (const [where, bytes] of haystacks) if (bytes.includes(n)) leaks.push(where);
    }
    expect(leaks).toEqual([]);
  });
});
