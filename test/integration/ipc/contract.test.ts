import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, RemoteError, type KestrelClient } from '../../../main/contract/index.ts';
import { startHeadless, type HeadlessServer } from '../../../main/host/headless/server.ts';
import { connectWebSocket } from '../../../main/host/transports/websocket-client.ts';
import { rawPort } from '../../../main/host/transports/memory.ts';
import { connectInMemory } from '../../../main/host/transports/memory.ts';
import { nextMessage, startTestHost, type TestHost } from '../../support/host.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';

let t: TestHost;
let headless: HeadlessServer;
let wsClient: KestrelClient;

beforeAll(async () => {
  t = await startTestHost();
  const staticDir = mkdtempSync(join(tmpdir(), 'kestrel-static-'));
  headless = await startHeadless({ host: t.host, staticDir });
  wsClient = createClient(await connectWebSocket(headless.wsUrl));
});
afterAll(async () => {
  wsClient.close();
  await headless.close();
  await t.close();
});

describe.each([
  ['in-memory', () => t.client],
  ['websocket', () => wsClient],
])('the contract over %s', (_name, client) => {
  it('answers app.info with version, mode, data dir and engine status', async () => {
    const info = await client().call('app.info', {});
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.mode).toBe('memory');
    expect(info.dataDir).toBe(t.dataDir);
    expect(info.engine.state).toBe('ready');
  });

  it('answers health', async () => {
    const h = await client().call('health', {});
    expect(h.ok).toBe(true);
    expect(h.checks.map((c) => c.name)).toContain('engine');
  });

  it('refuses an invalid request with a typed validation error naming the field', async () => {
    const err = await client().call('app.info', { extra: 1 } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).code).toBe('validation');
    expect((err as RemoteError).message).toMatch(/extra|Unrecognized/);
  });

  it('pushes events to connected clients', async () => {
    const seen = new Promise((resolve) => client().on('engine.status', resolve));
    t.host.ctx.setEngineStatus({ state: 'degraded', detail: 'test' });
    expect(await seen).toEqual({ state: 'degraded', detail: 'test' });
    t.host.ctx.setEngineStatus({ state: 'ready' });
  });
});

describe('unknown channels and malformed envelopes', () => {
  it('answers an unknown channel with unknown_channel, and a malformed envelope with validation', async () => {
    const port = connectInMemory(t.host.server);
    const raw = rawPort(port);
    const reply1 = nextMessage(port, (m) => m.id === 41);
    raw.send({ t: 'call', id: 41, ch: 'orders.delete_everything', p: {} });
    expect(((await reply1).e as { code: string }).code).toBe('unknown_channel');
    const reply2 = nextMessage(port, (m) => m.t === 'res' && m.ok === false && m.id === null);
    raw.send({ hello: 'world' });
    expect(((await reply2).e as { code: string }).code).toBe('validation');
    port.close?.();
  });

  it('answers undecodable websocket frames with a typed error and keeps the socket open', async () => {
    const port = await connectWebSocket(headless.wsUrl);
    const reply = new Promise<unknown>((resolve) => port.onMessage(resolve));
    port.raw.send(Buffer.from([0xff, 0xff, 0xff, 0x7f, 1, 2, 3]));
    await expect(reply).resolves.toMatchObject({ t: 'res', ok: false, e: { code: 'validation' } });
    const again = createClient(port);
    expect((await again.call('health', {})).ok).toBe(true);
    again.close();
  });
});

describe('headless security', () => {
  it('refuses a websocket without the launch token or from a foreign origin', async () => {
    await expect(connectWebSocket(headless.wsUrl.replace(/token=[^&]+/, 'token=wrong'))).rejects.toThrow(/403/);
    await expect(connectWebSocket(headless.wsUrl.replace(/\?token=.*/, ''))).rejects.toThrow(/403/);
    const { WebSocket } = await import('ws');
    const foreign = new WebSocket(headless.wsUrl, { origin: 'https://evil.example' });
    await expect(new Promise((resolve, reject) => (foreign.once('open', resolve), foreign.once('unexpected-response', (_q, r) => reject(new Error(`HTTP ${r.statusCode}`)))))).rejects.toThrow(/403/);
  });

  it('shuts down at once with a browser still connected: open sockets, and one opened ahead of use', async () => {
    const own = await startHeadless({ host: t.host, staticDir: mkdtempSync(join(tmpdir(), 'kestrel-static-')) });
    const client = createClient(await connectWebSocket(own.wsUrl));
    await client.call('health', {});
    // A browser preconnects sockets it may use later: connected, no request sent yet.
    const idle = createConnection({ host: '127.0.0.1', port: own.port });
    await new Promise((r) => idle.once('connect', r));
    const closedBy = await Promise.race([own.close().then(() => 'close'), new Promise((r) => setTimeout(r, 10_000).unref()).then(() => 'still waiting after 10 s')]);
    expect(closedBy).toBe('close');
    await new Promise((r) => (idle.destroyed ? r(undefined) : idle.once('close', r)));
    client.close();
  });

  it('serves nothing outside the renderer folder', async () => {
    const base = `http://127.0.0.1:${headless.port}`;
    for (const p of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/%00']) {
      const res = await fetch(base + p);
      expect([400, 404]).toContain(res.status);
    }
  });
});
