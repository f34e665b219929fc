/**
 * Account-event alerts from sources outside the engine, against a Kestrel Sim the test runs (its faults set
 * from outside): a venue's market stream dropping and coming back (stream health → metrics → alerts), and a
 * live reconciliation discrepancy (an order planted on the exchange behind the account's back). Each firing
 * reaches an outgoing webhook channel — a local receiver — as well as the alert history, and the stream's
 * reconnects show in the Prometheus counters.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertFiring } from '../../../main/contract/alerts.ts';
import { createClient, type KestrelClient } from '../../../main/contract/index.ts';
import { createHost, type Host } from '../../../main/host/host.ts';
import { SettingsStore } from '../../../main/host/settings/store.ts';
import { connectInMemory } from '../../../main/host/transports/memory.ts';
import type { MockExchange } from '../../../main/venues/mock-exchange/index.ts';
import { until } from '../trading/support.ts';

const dir = mkdtempSync(join(tmpdir(), 'kestrel-alert-events-'));
let sim: MockExchange;
let host: Host;
let c: KestrelClient;
let receiver: Server;
const received: { kind: string; alertId: string; name: string; message: string; detail: Record<string, unknown> }[] = [];
const fired: AlertFiring[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (b: Buffer) => chunks.push(b));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as (typeof received)[number]);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const s = SettingsStore.open(dir);
  s.set('accounts', [
    { id: 'demo', name: 'Demo', venue: 'kestrel-sim', environment: 'paper', marketType: 'spot', currency: 'USDT', riskProfile: 'default', credentials: null },
    { id: 'sim1', name: 'Sim One', venue: 'kestrel-sim', environment: 'sim', marketType: 'spot', currency: 'USDT', riskProfile: 'default', credentials: null },
  ]);
  s.set('alertChannels', [{ id: 'hook', kind: 'webhook', enabled: true, format: 'json', url: 'alerts-url', signingSecret: null }]);
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`;
  host = await createHost({ mode: 'memory', dataDir: dir, env: { ...process.env, KESTREL_PAPER: '0', KESTREL_SECRET_ALERTS_URL: url } });
  c = createClient(connectInMemory(host.server));
  // The host's own Kestrel Sim (a live market on its clock), faults set from outside like /sim-admin does.
  sim = await host.services.sim.exchange();
  c.on('alerts.fired', (f) => void fired.push(f));
});
afterAll(async () => {
  c.close();
  await host.close();
  await new Promise((r) => receiver.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('account-event alerts from stream health and reconciliation', () => {
  it('a market stream going down and coming back fires both alerts, delivered to the webhook channel; reconnects are counted', async () => {
    const down = await c.call('alerts.create', { name: 'Stream down', condition: { kind: 'account', event: 'stream-down' }, repeat: 'every', cooldownSec: 0, channels: ['hook'] });
    const up = await c.call('alerts.create', { name: 'Stream back', condition: { kind: 'account', event: 'stream-up' }, repeat: 'every', cooldownSec: 0, channels: ['hook'] });
    const sub = await host.services.streams.subscribe('kestrel-sim', 'BTC/USDT', ['trades'], () => undefined);
    const streamUp = async () => /kestrel_stream_up\{stream="kestrel-sim"\} 1/.test(await host.services.metrics.prom.registry.metrics());
    await until('the stream to be live in the metrics', streamUp, 30_000);
    expect(fired.filter((f) => f.alertId === down.id)).toEqual([]);

    sim.setFaults({ wsDropEveryMs: 400 });
    const d = await until('the stream-down alert', async () => fired.find((f) => f.alertId === down.id), 30_000);
    expect(d.message).toMatch(/^market stream kestrel-sim is down: /);
    expect(d.detail).toMatchObject({ event: 'stream-down', stream: 'kestrel-sim' });
    sim.setFaults({});
    const u = await until('the stream-up alert', async () => fired.find((f) => f.alertId === up.id && f.ts >= d.ts), 30_000);
    expect(u.message).toBe('market stream kestrel-sim is live again');

    await host.services.alertDelivery.idle();
    expect(received.find((r) => r.alertId === down.id)).toMatchObject({ kind: 'kestrel.alert', name: 'Stream down', detail: { event: 'stream-down', stream: 'kestrel-sim' } });
    expect(received.find((r) => r.alertId === up.id)).toMatchObject({ name: 'Stream back', message: 'market stream kestrel-sim is live again' });
    const text = await host.services.metrics.prom.registry.metrics();
    const reconnects = Number(/kestrel_stream_reconnects_total\{stream="kestrel-sim"\} (\d+)/.exec(text)?.[1] ?? 0);
    expect(reconnects).toBeGreaterThanOrEqual(1);
    expect(await streamUp()).toBe(true);
    sub.close();
    for (const a of [down, up]) await c.call('alerts.delete', { id: a.id });
  });

  it('a risk state change (the trader halts the account) fires the account\'s alert and reaches the channel', async () => {
    const a = await c.call('alerts.create', { name: 'Risk state', condition: { kind: 'account', event: 'risk-state' }, channels: ['hook'] });
    expect(a.account).toBe('demo');
    await c.call('risk.setTradingState', { state: 'halted', reason: 'lunch' });
    const f = await until('the risk-state alert', async () => fired.find((x) => x.alertId === a.id), 30_000);
    expect(f).toMatchObject({ account: 'demo', detail: { event: 'risk-state', from: 'active', to: 'halted', reason: 'lunch' } });
    await c.call('risk.setTradingState', { state: 'active' });
    await host.services.alertDelivery.idle();
    expect(received.filter((r) => r.alertId === a.id)).toHaveLength(1);
  });

  it('an order planted on the exchange is a reconciliation discrepancy: the account\'s alert fires once, with what differs', async () => {
    const a = await c.call('alerts.create', { name: 'Recon', account: 'sim1', condition: { kind: 'account', event: 'reconciliation' }, repeat: 'every', cooldownSec: 0, channels: ['hook'] });
    const other = await c.call('alerts.create', { name: 'Recon demo', account: 'demo', condition: { kind: 'account', event: 'reconciliation' }, repeat: 'every', cooldownSec: 0 });
    await c.call('accounts.select', { account: 'sim1' });
    await until('the sim account to exist on the exchange', async () => (await fetch(`${sim.baseUrl}/sim-admin/accounts/kestrel-sim1`)).status === 200, 30_000);
    const last = Number(((await (await fetch(`${sim.baseUrl}/api/v3/ticker/24hr?symbol=BTCUSDT`)).json()) as { lastPrice: string }).lastPrice);
    const planted = await fetch(`${sim.baseUrl}/sim-admin/orders`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ account: 'kestrel-sim1', market: 'spot', symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: '0.002', price: (Math.floor(last * 0.7 * 100) / 100).toFixed(2), clientOrderId: 'web_planted_9' }),
    });
    expect(planted.status).toBe(200);
    await c.call('live.reconcile', { account: 'sim1' });
    const f = await until('the reconciliation alert for the planted order', async () => fired.find((x) => x.alertId === a.id && x.detail.kind === 'foreign-order'), 60_000);
    expect(f).toMatchObject({ account: 'sim1', detail: { event: 'reconciliation', symbol: 'BTC/USDT' } });
    expect(f.message).toMatch(/^reconciliation discrepancy: BTC\/USDT: /);
    // Checked again: the same difference does not fire again.
    const n = fired.filter((x) => x.alertId === a.id).length;
    await c.call('live.reconcile', { account: 'sim1' });
    expect(fired.filter((x) => x.alertId === a.id)).toHaveLength(n);
    expect(fired.filter((x) => x.alertId === other.id)).toEqual([]);
    await host.services.alertDelivery.idle();
    expect(received.filter((r) => r.alertId === a.id).some((r) => r.detail.kind === 'foreign-order')).toBe(true);
  });
});
