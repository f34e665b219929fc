/**
 * Protective orders of a sim account: a bracket's take-profit rests at the exchange once the entry fills; its
 * stop-loss is held and triggered by Kestrel (emulated) because Kestrel Sim's spot market, like many Binance
 * spot symbols, lists STOP_LOSS_LIMIT but no STOP_LOSS. An emulated stop fires on the stream's prints and goes
 * to the venue as a market order under its own client id; after a restart the exits are taken over (the
 * emulated one armed again) and the account is consistent with the venue.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KestrelClient } from '../../../main/contract/index.ts';
import type { Host } from '../../../main/host/host.ts';
import type { MockExchange } from '../../../main/venues/mock-exchange/index.ts';
import { lastPrice, offset, reconciled, until } from './support.ts';
import { armClear, openSimHost, startSimWithAccount } from './sim-host.ts';

const account = 'sim2';
const name = 'Sim Two';
type VenueOrder = { clientOrderId: string; type: string; side: string; stopPrice?: string; price?: string };

describe('protective orders of a sim account on Kestrel Sim', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-protect-'));
  let sim: MockExchange;
  let host: Host;
  let c: KestrelClient;
  const open = async () => {
    ({ host, c } = await openSimHost(dir, sim, account));
  };
  const close = async () => {
    c.close();
    await host.close();
  };
  const venueOrders = async (): Promise<VenueOrder[]> => ((await (await fetch(`${sim.baseUrl}/sim-admin/accounts/kestrel-${account}`)).json()) as { openOrders: VenueOrder[] }).openOrders;
  const settled = () => reconciled(c, account);

  beforeAll(async () => {
    sim = await startSimWithAccount(dir, { account, name, marketType: 'spot', streamIntervalMs: 20, seed: 5 });
    await open();
    await armClear(c, { account, name });
  });
  afterAll(async () => {
    await close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let tp = '';
  let sl = '';

  it('a bracket’s take-profit rests at the venue; its stop-loss, which Kestrel Sim’s spot market lists no type for, is emulated', async () => {
    // Exits 3 % away: inside the default profile's 5 % price band, far enough to rest for the whole test.
    const last = await lastPrice(c, 'BTC/USDT');
    const { orders } = await c.call('trading.submit', { account, symbol: 'BTC/USDT', side: 'buy', type: 'bracket', qty: '0.002', takeProfit: offset(last, 300, 2), stopLoss: offset(last, -300, 2) });
    expect(orders.map((o) => o.tag)).toEqual([null, 'take-profit', 'stop-loss']);
    [, tp, sl] = orders.map((o) => o.clientOrderId) as [string, string, string];
    await until('the take-profit to rest at the venue', async () => (await venueOrders()).some((o) => o.clientOrderId === tp), 60_000);
    const working = (await c.call('trading.openOrders', { account })).orders;
    expect(working.find((o) => o.clientOrderId === sl)).toMatchObject({ type: 'stop-market', state: 'accepted', emulated: true });
    expect(working.find((o) => o.clientOrderId === tp)!.emulated).toBeUndefined();
    expect((await venueOrders()).map((o) => o.clientOrderId)).toEqual([tp]);
    expect((await settled()).discrepancies).toEqual([]);
  });

  it('an emulated stop fires on the stream’s prints: its market form goes to the venue under the same client id and fills', async () => {
    // A stop just under the market: the sim's prints cross it within moments.
    let stop = '';
    await until('a stop to be placed under the market', async () => {
      const px = await lastPrice(c, 'BTC/USDT');
      try {
        stop = (await c.call('trading.submit', { account, symbol: 'BTC/USDT', side: 'sell', type: 'stop', qty: '0.001', triggerPrice: offset(px, -2, 2) })).orders[0]!.clientOrderId;
        return true;
      } catch {
        return false; // the price moved through it between reading and placing: placed again
      }
    }, 30_000);
    expect((await c.call('trading.openOrders', { account })).orders.find((o) => o.clientOrderId === stop)).toMatchObject({ emulated: true });
    const done = await until('the emulated stop to fill at the venue', async () => (await c.call('trading.orderHistory', { account })).orders.find((o) => o.clientOrderId === stop && o.state === 'filled'), 60_000);
    expect(done.emulated).toBeUndefined(); // it is the venue's order now
    expect(done.venueOrderId).toMatch(/^\d+$/);
    expect((await settled()).discrepancies).toEqual([]);
  });

  it('after a restart the exits are taken over and the account is consistent', async () => {
    const working = (await c.call('trading.openOrders', { account })).orders.map((o) => o.clientOrderId).sort();
    await close();
    await open();
    const st = await settled();
    expect(st).toMatchObject({ gate: 'clear', armed: false, discrepancies: [] });
    expect((await c.call('trading.openOrders', { account })).orders.map((o) => o.clientOrderId).sort()).toEqual(working);
    const held = (await c.call('trading.openOrders', { account })).orders.filter((o) => o.emulated).map((o) => o.clientOrderId);
    expect(held).toEqual([sl]);
    expect((await venueOrders()).map((o) => o.clientOrderId).sort()).toEqual(working.filter((id) => id !== sl));
  });
});
