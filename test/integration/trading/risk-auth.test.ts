/**
 * The shell's authenticator decides overrides: the desktop app hands the host its OS user-presence check
 * (main/app/user-presence.ts); whatever it answers is what the override is audited as, and a refusal leaves
 * the account as it was.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type KestrelClient } from '../../../main/contract/index.ts';
import { UnauthorizedError } from '../../../main/core/errors.ts';
import { createHost, type Host } from '../../../main/host/host.ts';
import type { RiskAuthenticator } from '../../../main/host/trading/risk-auth.ts';
import { connectInMemory } from '../../../main/host/transports/memory.ts';
import { failure } from './support.ts';

const asked: string[] = [];
let present = false;
const userPresence: RiskAuthenticator = {
  method: 'user-presence',
  confirm(reason) {
    asked.push(reason);
    return present ? Promise.resolve('trader (Touch ID)') : Promise.reject(new UnauthorizedError('user presence was not confirmed'));
  },
};

describe('risk overrides confirmed by the shell’s authenticator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-auth-'));
  let host: Host;
  let c: KestrelClient;
  beforeAll(async () => {
    host = await createHost({ mode: 'memory', dataDir: dir, env: {}, riskAuthenticator: userPresence });
    c = createClient(connectInMemory(host.server));
    await c.call('risk.setTradingState', { state: 'halted', reason: 'test halt' });
  });
  afterAll(async () => {
    c.close();
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a refused presence check changes nothing; a confirmed one is audited as who confirmed it', async () => {
    const no = await failure(c.call('risk.override', { reason: 'trim BTC', minutes: 1, state: 'reducing-only' }));
    expect(no.code).toBe('unauthorized');
    expect(no.message).toMatch(/user presence was not confirmed/);
    expect((await c.call('risk.status', {})).tradingState).toBe('halted');

    present = true;
    const ov = await c.call('risk.override', { reason: 'trim BTC', minutes: 1, state: 'reducing-only' });
    expect(ov.tradingState).toBe('reducing-only');
    expect(asked).toEqual(['trim BTC', 'trim BTC']);
    const audited = host.services.ledger.audit.read({ kind: 'override', limit: 100 }).map((e) => (JSON.parse(e.body) as { data: { payload: { action: string; by: string } } }).data.payload);
    expect(audited.find((o) => o.action === 'risk-override')!.by).toMatch(/^trader \(Touch ID\) via /);
  });
});
