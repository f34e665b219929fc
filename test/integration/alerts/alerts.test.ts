/**
 * Alerts in a real host on the fast demo feed: a price alert fires once when the market crosses its level
 * (toast event, history with why), account-event alerts fire on a fill and on a risk refusal, a moved level
 * re-arms, and definitions and history survive a restart (alerts.db).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertFiring } from '../../../main/contract/alerts.ts';
import { createClient, type KestrelClient } from '../../../main/contract/index.ts';
import { createHost, type Host } from '../../../main/host/host.ts';
import { connectInMemory } from '../../../main/host/transports/memory.ts';
import { failure, lastPrice, offset, until } from '../trading/support.ts';

const env = { ...process.env, KESTREL_FEED_TICK_MS: '10', KESTREL_FEED_CYCLE_MS: '1000', KESTREL_FEED_SWING_BPS: '20' };
let dataDir: string;
let host: Host;
let client: KestrelClient;
const fired: AlertFiring[] = [];

async function open(): Promise<void> {
  host = await createHost({ mode: 'memory', dataDir, env });
  client = createClient(connectInMemory(host.server));
  client.on('alerts.fired', (f) => void fired.push(f));
  await host.services.trading.whenReady();
}
async function close(): Promise<void> {
  client.close();
  await host.close();
}
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kestrel-alerts-'));
  await open();
});
afterAll(async () => {
  await close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('alerts', () => {
  it('a price alert fires once when the demo market crosses its level, with what and why in the history', async () => {
    const last = await lastPrice(client, 'BTC/USDT');
    // The fast feed swings ±20 bps every second: 5 bps above the last price is crossed within seconds.
    const level = offset(last, 5, 2);
    const a = await client.call('alerts.create', { name: 'BTC breakout', condition: { kind: 'price', symbol: 'BTC/USDT', op: 'crosses', level }, sound: true });
    expect(a).toMatchObject({ armed: true, account: 'demo', repeat: 'once', fired: 0 });
    const f = await until('the alert to fire', async () => fired.find((x) => x.alertId === a.id), 30_000);
    expect(f.message).toMatch(new RegExp(`BTC/USDT crossed ${level.replace('.', '\\.')} (upwards|downwards)`));
    expect(f).toMatchObject({ name: 'BTC breakout', sound: true, detail: { level, op: 'crosses' } });
    const prev = Number(f.detail.previous);
    const price = Number(f.detail.price);
    expect((prev - Number(level)) * (price - Number(level))).toBeLessThanOrEqual(0);
    const { alerts } = await client.call('alerts.list', {});
    expect(alerts.find((x) => x.id === a.id)).toMatchObject({ armed: false, fired: 1 });
    // Once: it stays quiet while disarmed, though the feed keeps crossing.
    await new Promise((r) => setTimeout(r, 1500));
    expect(fired.filter((x) => x.alertId === a.id)).toHaveLength(1);
    const { firings } = await client.call('alerts.history', { alertId: a.id });
    expect(firings).toHaveLength(1);
    expect(firings[0]).toMatchObject({ alertId: a.id, message: f.message });

    // Dragging the line: a new level re-arms it.
    const level2 = offset(await lastPrice(client, 'BTC/USDT'), 5, 2);
    const moved = await client.call('alerts.update', { id: a.id, level: level2 });
    expect(moved).toMatchObject({ armed: true, condition: { level: level2 } });
    await until('the moved alert to fire again', async () => fired.filter((x) => x.alertId === a.id).length === 2, 30_000);
  });

  it('account-event alerts fire on a fill and on a risk refusal', async () => {
    const fill = await client.call('alerts.create', { name: 'Filled', condition: { kind: 'account', event: 'fill' }, repeat: 'every', cooldownSec: 0 });
    const refused = await client.call('alerts.create', { name: 'Refused', condition: { kind: 'account', event: 'rejection' }, repeat: 'every', cooldownSec: 0 });
    const [o] = (await client.call('trading.submit', { symbol: 'ETH/USDT', side: 'buy', type: 'market', qty: '0.01' })).orders;
    const f = await until('the fill alert', async () => fired.find((x) => x.alertId === fill.id));
    expect(f.detail).toMatchObject({ event: 'fill', clientOrderId: o!.clientOrderId, symbol: 'ETH/USDT' });
    expect((await failure(client.call('trading.submit', { symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: '5' }))).code).toBe('risk_rejected');
    const r = await until('the refusal alert', async () => fired.find((x) => x.alertId === refused.id));
    expect(r.detail).toMatchObject({ event: 'rejection', source: 'ticket' });
    expect(r.detail.rules).toContain('max_order_notional');
    expect(r.message).toMatch(/refused by the risk gate/);
  });

  it('refuses a bad alert with a typed error naming the field', async () => {
    const bad = await failure(client.call('alerts.create', { name: 'x', condition: { kind: 'price', symbol: 'BTC/USDT', op: 'crosses', level: '-1' } }));
    expect(bad.code).toBe('validation');
    const unknownChannel = await failure(client.call('alerts.create', { name: 'x', condition: { kind: 'account', event: 'fill' }, channels: ['nope'] }));
    expect(unknownChannel.message).toMatch(/no alert channel "nope"/);
  });

  it('keeps definitions and history across a restart', async () => {
    const before = await client.call('alerts.list', {});
    const history = await client.call('alerts.history', {});
    expect(history.firings.filter((f) => f.seq > 0).length).toBeGreaterThanOrEqual(4);
    await close();
    await open();
    const after = await client.call('alerts.list', {});
    expect(after.alerts.map((a) => [a.id, a.armed, a.fired])).toEqual(before.alerts.map((a) => [a.id, a.armed, a.fired]));
    // Stored firings only: an SLO alert (seq 0, a loaded machine's event loop) belongs to the run that saw it.
    const stored = (fs: { seq: number }[]) => fs.map((f) => f.seq).filter((n) => n > 0);
    expect(stored((await client.call('alerts.history', {})).firings)).toEqual(stored(history.firings));
    const del = await client.call('alerts.delete', { id: after.alerts[0]!.id });
    expect(del.deleted).toBe(true);
    expect((await client.call('alerts.list', {})).alerts).toHaveLength(after.alerts.length - 1);
  });
});
