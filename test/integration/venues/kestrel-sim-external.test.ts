/**
 * `kestrel sim` runs Kestrel Sim as its own process; a host given KESTREL_SIM_URL uses it instead of
 * starting one, so the exchange and its accounts outlive the host: an order placed through one host is
 * still there, on the same account, for the next host.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost } from '../../../main/host/host.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { MockExchange } from '../../../main/venues/mock-exchange/index.ts';
import { signedCall } from '../../support/sim-private.ts';

const kestrel = join(import.meta.dirname, '..', '..', '..', 'main', 'cli', 'kestrel.ts');

describe('Kestrel Sim as its own process', () => {
  let child: ChildProcess;
  let url: string;
  let key: { apiKey: string; secret: string };
  const dataDir = mkdtempSync(join(tmpdir(), 'kestrel-sim-ext-'));

  beforeAll(async () => {
    child = spawn(process.execPath, [kestrel, 'sim', '--days', '1', '--seed', '4', '--key'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`kestrel sim printed no key:\n${out}`)), 60_000);
      const on = (b: Buffer) => {
        out += b.toString();
        const m = /on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*API key (\S+)\nSecret (\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          url = m[1]!;
          key = { apiKey: m[2]!, secret: m[3]! };
          resolve();
        }
      };
      child.stdout!.on('data', on);
      child.stderr!.on('data', on);
      child.once('exit', (c) => reject(new Error(`kestrel sim exited ${c}:\n${out}`)));
    });
  });
  afterAll(async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a host uses it through KESTREL_SIM_URL; its account outlives the host', async () => {
    const sim = { baseUrl: url } as MockExchange;
    const first = await createHost({ mode: 'memory', dataDir, env: { KESTREL_SIM_URL: url } });
    try {
      expect(first.services.sim.started).toBe(true);
      await expect(first.services.sim.exchange()).rejects.toMatchObject({ code: 'validation' });
      const v = await first.services.credentials.set({ ref: 'ext', venue: 'kestrel-sim', environment: 'live', apiKey: key.apiKey, secret: key.secret });
      expect(v.keyId).toMatch(/^[0-9a-f]{8}$/);
      const placed = await signedCall(sim, key, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.001', price: '10000', newClientOrderId: 'outlives-1' });
      expect(placed.status).toBe(200);
    } finally {
      await first.close();
    }
    const second = await createHost({ mode: 'memory', dataDir, env: { KESTREL_SIM_URL: url } });
    try {
      const stored = await second.services.credentials.resolve('ext');
      const open = (await signedCall(sim, stored, 'GET', '/api/v3/openOrders', { symbol: 'BTCUSDT' })).body as { clientOrderId: string }[];
      expect(open.map((o) => o.clientOrderId)).toEqual(['outlives-1']);
    } finally {
      await second.close();
    }
  });
});
