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

const RUNS = Number(process.env.KESTREL_HOSTILE_RUNS ?? 1000);
const channels = [...Object.keys(commands), 'no.such.channel', '__proto__', 'constructor'];

let t: TestHost;
let headless: HeadlessServer;
beforeAll(async () => {
  t = await startTestHost();
  headless = await startHeadless({ host: t.host, staticDir: mkdtempSync(join(tmpdir(), 'kestrel-static-')) });
});
afterAll(async () => {
  await headless.close();
  await t.close();
});

type Port = { send(raw: unknown): void; onMessage(l: (m: unknown) => void): () => void };

/** Sends raw calls and collects replies by id. */
function caller(port: Port) {
  const waiting = new Map<number, (m: Record<string, unknown>) => void>();
  port.onMessage((m) => {
    const msg = m as Record<string, unknown>;
    if (msg.t === 'res' && typeof msg.id === 'number') waiting.get(msg.id)?.(msg);
  });
  let id = 1;
  return (ch: string, p: unknown) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const my = id++;
      const timer = setTimeout(() => reject(new Error(`no reply for ${ch}`)), 120_000);
      waiting.set(my, (m) => (clearTimeout(timer), waiting.delete(my), resolve(m)));
      port.send({ t: 'call', id: my, ch, p });
    });
}

describe.each(['in-memory', 'websocket'] as const)('hostile payloads over %s', (transport) => {
  it(`gets a typed error for each of ${RUNS} hostile payloads per channel and keeps serving`, async () => {
    let port: Port;
    if (transport === 'in-memory') {
      const p = connectInMemory(t.host.server, 'hostile');
      port = { send: (raw) => p.send(raw as never), onMessage: p.onMessage };
    } else {
      const p = await connectWebSocket(headless.wsUrl);
      // Encode by hand: the hostile payload goes through exactly what a browser could put on the wire.
      port = { send: (raw) => p.raw.send(encodeFrame(raw)), onMessage: p.onMessage };
    }
    const send = caller(port);
    // One fixed, reproducible sample, pipelined per channel: the host must answer every call, in any order.
    const payloads = [...hugePayloads(), ...fc.sample(hostilePayload(), { numRuns: RUNS, seed: 20261121 })];
    for (const ch of channels) {
      const replies = await Promise.all(payloads.map((p) => send(ch, p)));
      replies.forEach((reply, i) => {
        const code = reply.ok === false ? (reply.e as { code: string }).code : 'accepted';
        expect(['validation', 'unknown_channel'], `${ch} with payload #${i}`).toContain(code);
      });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const client = createClient(connectInMemory(t.host.server));
    expect((await client.call('health', {})).ok).toBe(true);
    client.close();
  }, 600_000);
});
