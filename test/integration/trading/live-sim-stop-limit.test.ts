/**
 * A spot bracket with a stop-LIMIT exit on a sim account: Kestrel Sim's spot market lists STOP_LOSS_LIMIT, so
 * the stop rests at the venue natively (a STOP_LOSS_LIMIT with its stop and limit prices, funds locked) next
 * to the take-profit. An exit the venue refuses at placement (Binance's -2010 "Stop price would trigger
 * immediately.") leaves its sibling working: the position keeps the take-profit, the refused leg shows
 * rejected with the venue's reason, an alert quotes the venue, the leg is tried again (bounded), then the
 * position is flagged unprotected on the reconciliation screen.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KestrelClient } from '../../../main/contract/index.ts';
import type { Host } from '../../../main/host/host.ts';
import { SettingsStore } from '../../../main/host/settings/store.ts';
import type { MockExchange } from '../../../main/venues/mock-exchange/index.ts';
import { lastPrice, offset, reconciled, until } from './support.ts';
import { armedSimHost } from './sim-host.ts';

const account = 'sim3';
const name = 'Sim Three';
type VenueOrder = { clientOrderId: string; type: string; side: string; stopPrice: string; price: string; isWorking: boolean };

describe('a spot stop-limit bracket on Kestrel Sim', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-stoplimit-'));
  let sim: MockExchange;
  let host: Host;
  let c: KestrelClient;
  const venueOrders = async (): Promise<VenueOrder[]> => ((await (await fetch(`${sim.baseUrl}/sim-admin/accounts/kestrel-${account}`)).json()) as { openOrders: VenueOrder[] }).openOrders;
  const alerts = async () => (await c.call('risk.status', {})).events.filter((e) => e.kind === 'alert');
  const history = async () => (await c.call('trading.orderHistory', { account })).orders;

  beforeAll(async () => {
    // A candle a second: exits 2–4 % away rest for the whole test.
    ({ sim, host, c } = await armedSimHost(dir, { account, name, marketType: 'spot', streamIntervalMs: 1_000, seed: 21 }));
  }, 120_000);
  afterAll(async () => {
    c.close();
    await host.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('both exits rest at the venue natively: the take-profit as a LIMIT, the stop as a STOP_LOSS_LIMIT not yet working', async () => {
    const last = await lastPrice(c, 'BTC/USDT');
    const { orders } = await c.call('trading.submit', { account, symbol: 'BTC/USDT', side: 'buy', type: 'bracket', qty: '0.002', takeProfit: offset(last, 300, 2), stopLoss: offset(last, -300, 2), stopLossLimit: offset(last, -320, 2) });
    const [, tp, sl] = orders.map((o) => o.clientOrderId) as [string, string, string];
    const v = await until('both exits at the venue', async () => {
      const x = await venueOrders();
      return x.some((o) => o.clientOrderId === tp) && x.some((o) => o.clientOrderId === sl) ? x : undefined;
    }, 60_000);
    expect(v.find((o) => o.clientOrderId === tp)).toMatchObject({ type: 'LIMIT', side: 'SELL' });
    expect(v.find((o) => o.clientOrderId === sl)).toMatchObject({ type: 'STOP_LOSS_LIMIT', side: 'SELL', isWorking: false });
    expect(Number(v.find((o) => o.clientOrderId === sl)!.stopPrice)).toBe(Number(offset(last, -300, 2)));
    expect(Number(v.find((o) => o.clientOrderId === sl)!.price)).toBe(Number(offset(last, -320, 2)));
    const working = (await c.call('trading.openOrders', { account })).orders;
    expect(working.find((o) => o.clientOrderId === sl)).toMatchObject({ type: 'stop-limit', state: 'accepted' });
    expect(working.find((o) => o.clientOrderId === sl)!.emulated).toBeUndefined();
    expect((await reconciled(c, account)).discrepancies).toEqual([]);
    // Closed again so the next bracket's exits size to a position of their own.
    await c.call('trading.cancel', { account, clientOrderId: tp });
    await until('both exits ended', async () => (await venueOrders()).length === 0, 30_000);
    await c.call('trading.submit', { account, symbol: 'BTC/USDT', side: 'sell', type: 'market', qty: '0.002' });
  });

  it('a stop the venue refuses at placement (-2010 would trigger immediately) leaves the take-profit working; the stop shows rejected, an alert quotes the venue, retries are bounded, then the position is flagged', async () => {
    // A marketable entry limit 2.5 % over the last price; its stop 1.5 % over it: the last trade is already below
    // a sell stop there, so the venue refuses it as firing at once (the ticket checks the stop against the entry).
    const last = await lastPrice(c, 'BTC/USDT');
    const { orders } = await c.call('trading.submit', { account, symbol: 'BTC/USDT', side: 'buy', type: 'bracket', qty: '0.002', price: offset(last, 250, 2), takeProfit: offset(last, 450, 2), stopLoss: offset(last, 150, 2), stopLossLimit: offset(last, 140, 2) });
    const [, tp, sl] = orders.map((o) => o.clientOrderId) as [string, string, string];
    await until('the stop refused', async () => (await history()).find((o) => o.clientOrderId === sl && o.state === 'rejected'), 60_000);
    expect((await history()).find((o) => o.clientOrderId === sl)).toMatchObject({ state: 'rejected', reason: 'venue_OrderImmediatelyFillable' });
    const flagged = await until('the position flagged unprotected', async () => (await alerts()).find((a) => a.rule === 'unprotected'), 60_000);
    expect(flagged.message).toContain('refused by the venue (Stop price would trigger immediately.)');
    expect((await alerts()).filter((a) => a.rule === 'protective_replaced')).toHaveLength(3); // tried again, bounded
    // The take-profit is still at the venue and working in Kestrel.
    expect((await venueOrders()).map((o) => o.clientOrderId)).toEqual([tp]);
    expect((await c.call('trading.openOrders', { account })).orders.map((o) => `${o.tag}:${o.state}`)).toEqual(['take-profit:accepted']);
    // Listed on the reconciliation screen (the last refused attempt) until the trader re-places or acknowledges it.
    const refused = (await history()).filter((o) => o.tag === 'stop-loss' && o.state === 'rejected').map((o) => o.clientOrderId);
    expect(refused).toHaveLength(4);
    const st = await c.call('live.reconcile', { account });
    const listed = st.discrepancies.filter((d) => d.id.startsWith('lost:'));
    expect(listed).toMatchObject([{ kind: 'protective-missing', actions: ['replace', 'acknowledge'] }]);
    expect(refused).toContain(listed[0]!.id.slice('lost:'.length));
  });

  it('with the account set to flag (Settings, accounts.protection), a refused stop is not retried: flagged at once, the setting saved and applied to the running session', async () => {
    // The unprotected position halted the account (a difference found while running): the trader acknowledges it and resumes.
    for (const d of (await c.call('live.reconcile', { account })).discrepancies) await c.call('live.resolve', { account, id: d.id, action: 'acknowledge' });
    await c.call('risk.setTradingState', { account, state: 'active', reason: 'acknowledged the unprotected position' });
    const list = await c.call('accounts.protection', { account, protectiveLost: 'flag' });
    expect(list.accounts.find((a) => a.id === account)?.protectiveLost).toBe('flag');
    expect(SettingsStore.open(dir).document.accounts.find((a) => a.id === account)?.protectiveLost).toBe('flag');
    const before = await alerts();
    const last = await lastPrice(c, 'BTC/USDT');
    const { orders } = await c.call('trading.submit', { account, symbol: 'BTC/USDT', side: 'buy', type: 'bracket', qty: '0.001', price: offset(last, 250, 2), takeProfit: offset(last, 450, 2), stopLoss: offset(last, 150, 2), stopLossLimit: offset(last, 140, 2) });
    const [, tp, sl] = orders.map((o) => o.clientOrderId) as [string, string, string];
    const flagged = await until('the refused stop flagged', async () => (await alerts()).find((a) => a.rule === 'unprotected' && a.message.includes(sl)), 60_000);
    expect(flagged.message).toContain('Stop price would trigger immediately.');
    const after = await alerts();
    expect(after.filter((a) => a.rule === 'protective_replaced')).toHaveLength(before.filter((a) => a.rule === 'protective_replaced').length);
    expect((await history()).filter((o) => o.tag === 'stop-loss' && o.groupId === orders[0]!.groupId).map((o) => o.clientOrderId)).toEqual([sl]);
    expect((await venueOrders()).map((o) => o.clientOrderId)).toContain(tp);
    expect((await c.call('live.reconcile', { account })).discrepancies.map((d) => d.id)).toContain(`lost:${sl}`);
  });
});
