/**
 * A sim account end to end through the host and the contract: its venue is Kestrel Sim's own matching
 * engine (reached through ccxt), and live trading stays disabled until this run's reconciliation is clean
 * and the trader armed the account by typing its name. An order planted on the exchange from outside shows
 * up as a difference, is adopted; the balances the account already held are acknowledged; orders then go
 * to the venue and fill there. After a restart of the host (the exchange keeps running) the working order
 * is taken over and reconciliation reports everything consistent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type KestrelClient } from '../../../main/contract/index.ts';
import { createHost, type Host } from '../../../main/host/host.ts';
import { SettingsStore } from '../../../main/host/settings/store.ts';
import { connectInMemory } from '../../../main/host/transports/memory.ts';
import { KESTREL_SIM_SYMBOLS } from '../../../main/host/venues/kestrel-sim.ts';
import { generatedSymbols, startMockExchange, type MockExchange } from '../../../main/venues/mock-exchange/index.ts';
import { failure, reconciled, until } from './support.ts';

const account = 'sim1';
const name = 'Sim One';

describe('a sim account on Kestrel Sim', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-live-'));
  let sim: MockExchange;
  let host: Host;
  let c: KestrelClient;

  const open = async () => {
    host = await createHost({ mode: 'memory', dataDir: dir, env: { KESTREL_SIM_URL: sim.baseUrl } });
    c = createClient(connectInMemory(host.server));
  };
  const close = async () => {
    c.close();
    await host.close();
  };

  beforeAll(async () => {
    sim = await startMockExchange({ symbols: generatedSymbols({ symbols: KESTREL_SIM_SYMBOLS, days: 2 }), streamIntervalMs: 20, seed: 9 });
    const s = SettingsStore.open(dir);
    s.set('accounts', [
      { id: 'demo', name: 'Demo', venue: 'kestrel-sim', environment: 'paper', marketType: 'spot', currency: 'USDT', riskProfile: 'default', credentials: null },
      { id: account, name, venue: 'kestrel-sim', environment: 'sim', marketType: 'spot', currency: 'USDT', riskProfile: 'default', credentials: null },
    ]);
    await open();
  });
  afterAll(async () => {
    await close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const settled = () => reconciled(c, account, 30_000);

  it('is tradable, starts disarmed and refuses orders before reconciliation and arming', async () => {
    const entry = (await c.call('accounts.list', {})).accounts.find((a) => a.id === account)!;
    expect(entry.supported).toBe(true);
    await c.call('accounts.select', { account });
    const st = await settled();
    expect(st).toMatchObject({ environment: 'sim', armed: false, dryRun: false });
    // The book starts from the venue's balance of the account currency (Kestrel Sim funds 100,000 USDT).
    expect((await c.call('trading.account', { account })).startingBalance).toBe('100000');
    const e = await failure(c.call('trading.submit', { account, symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: '0.001' }));
    expect(e.code).toBe('risk_rejected');
    expect(e.message).toMatch(/reconciliation|not armed/);
  });

  it('lists an order planted on the exchange and the balances held before; adopting and acknowledging clears the gate', async () => {
    const last = Number(((await (await fetch(`${sim.baseUrl}/api/v3/ticker/24hr?symbol=BTCUSDT`)).json()) as { lastPrice: string }).lastPrice);
    expect(last).toBeGreaterThan(0);
    const planted = await fetch(`${sim.baseUrl}/sim-admin/orders`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ account: `kestrel-${account}`, market: 'spot', symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: '0.002', price: (Math.floor(last * 0.7 * 100) / 100).toFixed(2), clientOrderId: 'web_planted_1' }),
    });
    expect(planted.status).toBe(200);
    const st = await settled();
    expect(st.gate).toBe('blocked');
    const foreign = st.discrepancies.find((d) => d.kind === 'foreign-order')!;
    expect(foreign).toMatchObject({ symbol: 'BTC/USDT', actions: ['adopt', 'cancel', 'acknowledge'] });
    expect(st.discrepancies.filter((d) => d.kind === 'position-mismatch').map((d) => d.symbol).sort()).toEqual([...KESTREL_SIM_SYMBOLS].sort());
    expect((await failure(c.call('live.arm', { account, confirm: name }))).code).toBe('conflict');

    let after = await c.call('live.resolve', { account, id: foreign.id, action: 'adopt' });
    for (const d of after.discrepancies.filter((x) => x.kind === 'position-mismatch')) after = await c.call('live.resolve', { account, id: d.id, action: 'acknowledge' });
    expect(after.discrepancies).toEqual([]);
    expect(after.gate).toBe('clear');
    const adopted = (await c.call('trading.openOrders', { account })).orders;
    expect(adopted).toEqual([expect.objectContaining({ symbol: 'BTC/USDT', side: 'buy', qty: '0.002', state: 'accepted', source: 'reconcile' })]);
  });

  it('arms only with the account name typed; then orders go to the venue and fill there', async () => {
    expect((await failure(c.call('live.arm', { account, confirm: 'sim one' }))).code).toBe('validation');
    expect((await c.call('live.arm', { account, confirm: name })).armed).toBe(true);
    const [o] = (await c.call('trading.submit', { account, symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: '0.001' })).orders;
    await until('the market buy to fill at the venue', async () => (await c.call('trading.orderHistory', { account })).orders.find((x) => x.clientOrderId === o!.clientOrderId && x.state === 'filled'), 30_000);
    expect((await c.call('trading.positions', { account })).positions).toEqual([expect.objectContaining({ symbol: 'BTC/USDT', qty: '0.001' })]);
    const st = await settled();
    expect(st.discrepancies).toEqual([]);
  });

  it('after a restart the working order is taken over and reconciliation is consistent; the account starts disarmed', async () => {
    const before = (await c.call('trading.openOrders', { account })).orders.map((o) => o.clientOrderId);
    await close();
    await open();
    await c.call('accounts.select', { account });
    const st = await settled();
    expect(st).toMatchObject({ gate: 'clear', armed: false, discrepancies: [] });
    expect((await c.call('trading.openOrders', { account })).orders.map((o) => o.clientOrderId)).toEqual(before);
    expect((await c.call('trading.positions', { account })).positions).toEqual([expect.objectContaining({ symbol: 'BTC/USDT', qty: '0.001' })]);
    const [adopted] = before;
    await c.call('live.arm', { account, confirm: name });
    await c.call('trading.cancel', { account, clientOrderId: adopted! });
    await until('the adopted order to be canceled at the venue', async () => (await c.call('trading.orderHistory', { account })).orders.find((x) => x.clientOrderId === adopted && x.state === 'canceled'), 30_000);
    const acct = (await (await fetch(`${sim.baseUrl}/sim-admin/accounts/kestrel-${account}`)).json()) as { openOrders: unknown[] };
    expect(acct.openOrders).toEqual([]);
  });
});
