/**
 * The headless server's own entry points: raw HTTP upgrade requests (malformed targets, wrong Host,
 * Origin, keys and versions, junk, connections cut mid-request) and the reproductions of issue 15 (a `//[`
 * upgrade target, a 20,000-deep text frame, bad UTF-8 in a text frame). Afterwards health is ok, a real
 * client still connects, and every stored byte is unchanged.
 */
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../main/contract/index.ts';
import { startHeadless, type HeadlessServer } from '../../../main/host/headless/server.ts';
import { connectWebSocket } from '../../../main/host/transports/websocket-client.ts';
import { hostileUpgrade } from '../../support/hostile.ts';
import { startTestHost, type TestHost } from '../../support/host.ts';
import { storedDataDigest } from '../../support/stored-data.ts';

// The full 10,000 take seconds, so CI runs them all.
const UPGRADES = Number(process.env.KESTREL_UPGRADE_RUNS ?? 10_000);

let t: TestHost;
let headless: HeadlessServer;
let before: Record<string, string>;
beforeAll(async () => {
  process.env.KESTREL_PAPER = '0';
  t = await startTestHost();
  const staticDir = mkdtempSync(join(tmpdir(), 'kestrel-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>k</title>');
  headless = await startHeadless({ host: t.host, staticDir });
  await t.client.call('market.datasets', {});
  await t.host.services.audit.unlock(); // creates the signing key, as the first checkpoint would
  before = storedDataDigest(t.dataDir);
});
afterAll(async () => {
  await headless.close();
  await t.close();
});

/** Writes raw bytes, then either cuts the connection at once or reads until the server closes it. */
function rawRequest(bytes: Buffer, cut: boolean): Promise<string> {
  return new Promise((resolve) => {
    const sock = connect(headless.port, '127.0.0.1');
    let got = '';
    const done = () => (clearTimeout(timer), sock.destroy(), resolve(got));
    const timer = setTimeout(done, 10_000);
    sock.on('error', done);
    sock.on('close', done);
    sock.on('data', (d) => {
      got += d.toString('latin1');
      // A completed handshake stays open: enough has been seen.
      if (got.startsWith('HTTP/1.1 101')) done();
    });
    sock.write(bytes, () => {
      if (cut) sock.destroy();
      else sock.end();
    });
  });
}

async function stillServing(): Promise<void> {
  const client = createClient(await connectWebSocket(headless.wsUrl));
  expect((await client.call('health', {})).ok).toBe(true);
  client.close();
}

describe('hostile upgrade requests', () => {
  it(`survives ${UPGRADES} fuzzed upgrade requests`, async () => {
    const reqs = fc.sample(hostileUpgrade(headless.port, headless.token), { numRuns: UPGRADES, seed: 20261207 });
    const statuses = new Map<string, number>();
    for (let i = 0; i < reqs.length; i += 50) {
      const batch = await Promise.all(reqs.slice(i, i + 50).map((r) => rawRequest(r.bytes, r.cut)));
      for (const reply of batch) {
        const status = /^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 'none';
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }
    // Refusals are 400 (malformed), 403 (token, origin or Host) or Node's own 400 for an unparsable head.
    expect([...statuses.keys()].every((s) => ['101', '400', '403', '421', 'none'].includes(s)), JSON.stringify([...statuses])).toBe(true);
    // Half the requests are cut before any answer; most of the rest must have been answered with a refusal.
    expect((statuses.get('400') ?? 0) + (statuses.get('403') ?? 0), JSON.stringify([...statuses])).toBeGreaterThan(UPGRADES / 4);
    await stillServing();
    expect(storedDataDigest(t.dataDir)).toEqual(before);
  }, 600_000);

  it.each(['//[', 'http://[', '//[/ws?token=x'])('answers the upgrade target %s with 400 and keeps serving', async (target) => {
    const reply = await rawRequest(Buffer.from(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${headless.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`), false);
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    await stillServing();
  });
});

describe('hostile text frames', () => {
  it('answers a backtest.run config nested 20,000 deep with a validation error naming the call', async () => {
    const port = await connectWebSocket(headless.wsUrl);
    const reply = new Promise<Record<string, unknown>>((resolve) => port.onMessage((m) => resolve(m as Record<string, unknown>)));
    const deep = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
    port.raw.send(`{"t":"call","id":7,"ch":"backtest.run","p":{"kind":"rules","source":"{}","config":{"symbols":["BTC/USDT"],"timeframe":"1m","x":${deep}}}}`);
    expect(await reply).toMatchObject({ t: 'res', id: 7, ok: false, e: { code: 'validation' } });
    port.close?.();
    await stillServing();
  });

  it('closes a socket that sends bad UTF-8 in a text frame, and keeps serving others', async () => {
    const port = await connectWebSocket(headless.wsUrl);
    const closed = new Promise<number>((resolve) => port.raw.once('close', (code) => resolve(code)));
    port.raw.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await closed).toBe(1007);
    await stillServing();
  });
});

describe('DNS rebinding', () => {
  const get = (host: string) =>
    new Promise<number>((resolve, reject) => {
      const r = request({ host: '127.0.0.1', port: headless.port, path: '/', headers: { host } }, (res) => (res.resume(), resolve(res.statusCode ?? 0)));
      r.on('error', reject);
      r.end();
    });

  it('serves the page only to requests naming 127.0.0.1 or localhost', async () => {
    expect(await get(`127.0.0.1:${headless.port}`)).toBe(200);
    expect(await get(`localhost:${headless.port}`)).toBe(200);
    expect(await get(`evil.example:${headless.port}`)).toBe(421);
    expect(await get('evil.example')).toBe(421);
  });

  it('refuses an upgrade with the right token but a foreign Host', async () => {
    const reply = await rawRequest(Buffer.from(`GET /ws?token=${headless.token} HTTP/1.1\r\nHost: evil.example:${headless.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`), false);
    expect(reply).toMatch(/^HTTP\/1\.1 403/);
  });
});
