/**
 * A bracket leg canceled at the venue, outside Kestrel (Kestrel Sim's `/sim-admin/cancel`, as from the
 * exchange's web site), on a perpetual sim account whose market holds both exits natively (a reduce-only
 * limit take-profit; a STOP_MARKET stop-loss in the Algo Order book). The lost leg is not taken for its
 * sibling's fill: the sibling stays at the venue, and the leg is placed again (new client id, same OCO set),
 * with an alert. Disarmed, the re-placement is refused by the live gate: the position is flagged unprotected
 * and listed on the reconciliation screen until the trader re-places it there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KestrelClient } from '../../../main/contract/index.ts';
import type { Host } from '../../../main/host/host.ts';
import type { MockExchange } from '../../../main/venues/mock-exchange/index.ts';
import { offset, reconciled, until } from './support.ts';
import { armedSimHost, simMark } from './sim-host.ts';

const account = 'perp1';
const name = 'Perp One';
const symbol = 'BTC/USDT:USDT';
type VenueOrder = { clientOrderId: string; type: string; side: string; reduceOnly?: boolean };
type AlgoOrder = { clientAlgoId: string; orderType: string; side: string; triggerPrice: string };

describe('a bracket leg canceled at the venue, on a perpetual sim account', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-lost-'));
  let sim: MockExchange;
  let host: Host;
  let c: KestrelClient;
  const venue = async () => (await (await fetch(`${sim.baseUrl}/sim-admin/accounts/kestrel-${account}`)).json()) as { openOrders: VenueOrder[]; openAlgoOrders: AlgoOrder[]; positions: { symbol: string; amt: string }[] };
  const cancelAtVenue = async (clientOrderId: string) => {
    const r = await fetch(`${sim.baseUrl}/sim-admin/cancel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ account: `kestrel-${account}`, market: 'futures', symbol: 'BTCUSDT', clientOrderId }) });
    expect(r.status).toBe(200);
  };
  const settled = () => reconciled(c, account);
  const working = async () => (await c.call('trading.openOrders', { account })).orders;
  const alerts = async () => (await c.call('risk.status', {})).events.filter((e) => e.kind === 'alert').map((e) => e.rule);

  beforeAll(async () => {
    // A candle a second (an hour of prices a minute): exits 4 % away rest for the whole test.
    ({ sim, host, c } = await armedSimHost(dir, { account, name, marketType: 'perpetual', streamIntervalMs: 1_000, seed: 11 }, async (s) => {
      // The sim replays its history from its first candle once the account has an order, while its book starts
      // at the last close: an order resting far away starts the replay, and the bracket is placed after the jump.
      const first = await simMark(s, 'BTCUSDT');
      await fetch(`${s.baseUrl}/sim-admin/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ account: `kestrel-${account}` }) });
      const warm = await fetch(`${s.baseUrl}/sim-admin/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ account: `kestrel-${account}`, market: 'futures', symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: '0.001', price: '10000', clientOrderId: 'web_warmup' }) });
      expect(warm.status).toBe(200);
      await until('the sim to replay its prices', async () => (await simMark(s, 'BTCUSDT')) !== first, 30_000);
    }));
  }, 120_000);
  afterAll(async () => {
    c.close();
    await host.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let tp = '';
  let sl = '';

  it('both exits rest at the venue natively', async () => {
    // Kestrel Sim streams no perpetual prices to the desk: the entry is a marketable limit 1 % over the mark.
    const mark = await simMark(sim, 'BTCUSDT');
    const { orders } = await c.call('trading.submit', { account, symbol, side: 'buy', type: 'bracket', qty: '0.002', price: offset(mark, 100, 1), takeProfit: offset(mark, 400, 1), stopLoss: offset(mark, -400, 1) });
    [, tp, sl] = orders.map((o) => o.clientOrderId) as [string, string, string];
    const v = await until('both exits at the venue', async () => {
      const x = await venue();
      return x.openOrders.some((o) => o.clientOrderId === tp) && x.openAlgoOrders.some((o) => o.clientAlgoId === sl) ? x : undefined;
    }, 60_000);
    expect(v.openOrders.find((o) => o.clientOrderId === tp)).toMatchObject({ type: 'LIMIT', side: 'SELL', reduceOnly: true });
    expect(v.openAlgoOrders.find((o) => o.clientAlgoId === sl)).toMatchObject({ orderType: 'STOP_MARKET', side: 'SELL' });
    expect((await working()).every((o) => !o.emulated)).toBe(true);
  });

  it('the stop-loss canceled at the venue is placed again; the take-profit stays', async () => {
    await cancelAtVenue(sl);
    // The host learns of it by its stream or its next resync; a reconciliation asks at once.
    await c.call('live.reconcile', { account });
    const again = await until('a new stop-loss at the venue', async () => {
      const x = await venue();
      return x.openAlgoOrders.find((o) => o.orderType === 'STOP_MARKET' && o.clientAlgoId !== sl);
    }, 60_000);
    const history = (await c.call('trading.orderHistory', { account })).orders;
    expect(history.find((o) => o.clientOrderId === sl)).toMatchObject({ state: 'canceled' });
    const replaced = (await working()).find((o) => o.clientOrderId === again.clientAlgoId)!;
    expect(replaced).toMatchObject({ tag: 'stop-loss', type: 'stop-market', source: 'system', reduceOnly: true, remainingQty: '0.002' });
    expect((await venue()).openOrders.map((o) => o.clientOrderId)).toContain(tp);
    expect((await working()).find((o) => o.clientOrderId === tp)?.state).toBe('accepted');
    expect(await alerts()).toContain('protective_replaced');
    expect((await settled()).discrepancies).toEqual([]);
    sl = again.clientAlgoId;
  });

  it('disarmed, a lost take-profit cannot be re-placed: the position is flagged unprotected until the trader re-places it', async () => {
    await c.call('live.disarm', { account });
    await cancelAtVenue(tp);
    const st = await until('the lost take-profit on the reconciliation screen', async () => {
      const s = await c.call('live.reconcile', { account });
      return s.discrepancies.some((d) => d.id === `lost:${tp}`) ? s : undefined;
    }, 60_000);
    expect(st.gate).toBe('clear'); // a difference found while running moves the trading state, not the gate
    expect(st.discrepancies.find((d) => d.id === `lost:${tp}`)).toMatchObject({ kind: 'protective-missing', actions: ['replace', 'acknowledge'] });
    expect(await alerts()).toContain('unprotected');
    expect((await venue()).openAlgoOrders.map((o) => o.clientAlgoId)).toContain(sl); // the stop is kept
    // The trader's decision passes the disarmed gate (it is how the gate gets settled), through the limits.
    const after = await c.call('live.resolve', { account, id: `lost:${tp}`, action: 'replace' });
    expect(after.discrepancies.filter((d) => d.id === `lost:${tp}`)).toEqual([]);
    const newTp = await until('a new take-profit at the venue', async () => (await venue()).openOrders.find((o) => o.type === 'LIMIT' && o.reduceOnly && o.clientOrderId !== tp), 60_000);
    expect((await working()).find((o) => o.clientOrderId === newTp.clientOrderId)).toMatchObject({ tag: 'take-profit', source: 'reconcile' });
    expect((await settled()).discrepancies).toEqual([]);
  });
});
