/**
 * A session whose process is killed is closed through its audit stream at the next start: an `order`
 * event for each order it left open (canceled, session_crashed), then `session-stop` with reason
 * `crashed`, continuing its sessionSeq; ledger and catalog follow, and the chain still verifies.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../main/contract/index.ts';
import { createHost } from '../../../main/host/host.ts';
import { connectInMemory } from '../../../main/host/transports/memory.ts';
import { fastFeedEnv } from './support.ts';

const dir = mkdtempSync(join(tmpdir(), 'kestrel-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runUntilKilled(): Promise<{ sessionId: string; clientOrderId: string }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'crash-child.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /ready (\S+) (\S+)/.exec(out);
      if (m) {
        child.kill('SIGKILL');
        child.once('exit', () => resolve({ sessionId: m[1]!, clientOrderId: m[2]! }));
      }
    });
    child.once('exit', (code, signal) => signal !== 'SIGKILL' && reject(new Error(`crash child exited with ${code}: ${out}`)));
  });
}

describe('restart after a crash', () => {
  it('closes the dead session and its open order through the audit log', async () => {
    const dead = await runUntilKilled();
    fastFeedEnv();
    const host = await createHost({ mode: 'memory', dataDir: dir });
    const client = createClient(connectInMemory(host.server));
    try {
      const now = await client.call('trading.session', {});
      expect(now.sessionId).not.toBe(dead.sessionId);
      const l = host.services.ledger;
      expect(l.ledger.getOrder(dead.sessionId, dead.clientOrderId)!.order).toMatchObject({ state: 'canceled', reason: 'session_crashed' });
      expect(l.catalog.session(dead.sessionId)).toMatchObject({ status: 'stopped' });
      const events = host.services.audit.sessionEvents(dead.sessionId);
      const [cancel, stop] = events.slice(-2);
      expect(cancel).toMatchObject({ type: 'order', payload: { event: 'canceled', order: { clientOrderId: dead.clientOrderId, state: 'canceled', reason: 'session_crashed' } } });
      expect(stop).toMatchObject({ type: 'session-stop', payload: { reason: 'crashed', summary: { openOrders: 1, canceled: [dead.clientOrderId] } } });
      // The session's own sequence continues where the killed process left it.
      expect(events.map((e) => (e as { sessionSeq?: number }).sessionSeq)).toEqual(events.map((_e, i) => i + 1));
      expect((await client.call('audit.verify', {})).chain.ok).toBe(true);
      expect((await client.call('audit.sessions', {})).find((s) => s.session === dead.sessionId)?.stoppedAt).not.toBeNull();
    } finally {
      client.close();
      await host.close();
    }
    // A second restart finds nothing left to close.
    const again = await createHost({ mode: 'memory', dataDir: dir });
    expect(again.services.audit.sessionEvents(dead.sessionId).filter((e) => e.type === 'session-stop')).toHaveLength(1);
    await again.close();
  }, 120_000);
});
