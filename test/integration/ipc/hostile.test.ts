import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands, createClient, encodeFrame } from '../../../main/contract/index.ts';
import { startHeadless, type HeadlessServer } from '../../../main/host/headless/server.ts';
import { connectInMemory } from '../../../main/host/transports/memory.ts';
import { connectWebSocket } from '../../../main/host/transports/websocket-client.ts';
import { hostilePayload, hugePayloads } from '../../support/hostile.ts';
import { startTestHost, type TestHost } from '../../support/host.ts';
import { caller, type RawPort } from '../../support/raw-caller.ts';
import { storedDataDigest } from '../../support/stored-data.ts';

// Bounded in CI: ~140 payloads × every channel is over 10,000 frames per transport. KESTREL_FULL=1: 1,000 per channel.
const RUNS = Number(process.env.KESTREL_HOSTILE_RUNS ?? (process.env.KESTREL_FULL === '1' ? 1000 : 140));
const channels = [...Object.keys(commands), 'no.such.channel', '__proto__', 'constructor'];

let t: TestHost;
let headless: HeadlessServer;
let before: Record<string, string>;
beforeAll(async () => {
  // No paper session: its feed stores closed demo bars as time passes, and every stored byte must be the fuzz's doing.
  process.env.KESTREL_PAPER = '0';
  t = await startTestHost();
  headless = await startHeadless({ host: t.host, staticDir: mkdtempSync(join(tmpdir(), 'kestrel-static-')) });
  await t.host.services.audit.unlock(); // creates the signing key, as the first checkpoint would
  before = storedDataDigest(t.dataDir);
});
afterAll(async () => {
  await headless.close();
  await t.close();
});

async function open(transport: 'in-memory' | 'websocket binary' | 'websocket text'): Promise<RawPort> {
  if (transport === 'in-memory') {
    const p = connectInMemory(t.host.server, 'hostile');
    return { send: (raw) => p.send(raw as never), onMessage: p.onMessage };
  }
  const p = await connectWebSocket(headless.wsUrl);
  // Encoded by hand: the hostile payload goes through exactly what a browser could put on the wire.
  if (transport === 'websocket binary') return { send: (raw) => p.raw.send(encodeFrame(raw)), onMessage: p.onMessage };
  return { send: (raw) => p.raw.send(JSON.stringify(raw)), onMessage: p.onMessage };
}

describe.each(['in-memory', 'websocket binary', 'websocket text'] as const)('hostile payloads over %s', (transport) => {
  it(`gets a typed error for each of ${RUNS} hostile payloads per channel, keeps serving, and stores nothing`, async () => {
    const send = caller(await open(transport));
    // One fixed, reproducible sample, pipelined per channel: the host must answer every call, in any order.
    const payloads = [...hugePayloads(), ...fc.sample(hostilePayload(), { numRuns: RUNS, seed: 20261121 })];
    let frames = 0;
    for (const ch of channels) {
      const replies = await Promise.all(payloads.map((p) => send(ch, p)));
      frames += replies.length;
      replies.forEach((reply, i) => {
        const code = reply.ok === false ? (reply.e as { code: string }).code : 'accepted';
        expect(['validation', 'unknown_channel'], `${ch} with payload #${i}`).toContain(code);
      });
    }
    expect(frames).toBeGreaterThanOrEqual(10_000);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const client = createClient(connectInMemory(t.host.server));
    expect((await client.call('health', {})).ok).toBe(true);
    client.close();
    expect(storedDataDigest(t.dataDir)).toEqual(before);
  }, 600_000);
});
