/**
 * Issue 16's isolation check on two genuinely separate venues: two Kestrel Sim exchanges, each on its own
 * port, registered under different venue ids (the host's `kestrel-sim`, and `sim-b` at its own `url`), a sim
 * account on each. An order placed on one reaches its own exchange and never appears in, or changes, the
 * other: checked on both exchanges' own state (orders, balances) and in both accounts' ledgers.
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
import { until } from './support.ts';

const sim = (id: string, name: string, venue: string) => ({ id, name, venue, environment: 'sim', marketType: 'spot', currency: 'USDT', riskProfile: 'default', credentials: null });

describe('two sim accounts on two Kestrel Sim exchanges', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-two-venues-'));
  let a: MockExchange;
  let b: MockExchange;
  let host: Host;
  let c: KestrelClient;

  beforeAll(async () => {
    a = await startMockExchange({ symbols: generatedSymbols({ symbols: KESTREL_SIM_SYMBOLS, days: 2, seed: 7 }), streamIntervalMs: 20, seed: 9 });
    b = await startMockExchange({ symbols: generatedSymbols({ symbols: KESTREL_SIM_SYMBOLS, days: 2, seed: 8 }), streamIntervalMs: 20, seed: 10 });
    const s = SettingsStore.open(dir);
    s.set('venues', [{ id: 'kestrel-sim', name: 'Kestrel Sim', exchange: 'binance', builtin: true }, { id: 'sim-b', name: 'Kestrel Sim B', exchange: 'binance', builtin: true, url: b.baseUrl }]);
    s.set('accounts', [sim('desk-a', 'Desk A', 'kestrel-sim'), sim('desk-b', 'Desk B', 'sim-b')]);
    s.set('watchlist', []);
    host = await createHost({ mode: 'memory', dataDir: dir, env: { KESTREL_SIM_URL: a.baseUrl, KESTREL_PAPER: '0' } });
    c = createClient(connectInMemory(host.server));
    // Each account: reconcile (the balances it held before are acknowledged), then arm with its name typed.
    for (const [account, name] of [['desk-a', 'Desk A'], ['desk-b', 'Desk B']] as const) {
      const st = await until(`${account} reconciled`, async () => {
        const r = await c.call('live.reconcile', { account });
        return r.gate !== 'checking' && r.gate !== 'pending' && r.lastError === null ? r : undefined;
      }, 60_000);
      let after = st;
      for (const d of st.discrepancies) after = await c.call('live.resolve', { account, id: d.id, action: 'acknowledge' });
      expect(after.gate).toBe('clear');
      expect((await c.call('live.arm', { account, confirm: name })).armed).toBe(true);
    }
  }, 180_000);

  afterAll(async () => {
    c?.close();
    await host?.close();
    await a?.close();
    await b?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const held = (r: { positions: readonly { symbol: string; qty: string; side: string }[] }) => r.positions.map((p) => [p.symbol, p.side, p.qty]);
  /** An exchange's own record of an account (named `kestrel-<account id>` by the host). */
  const venueAccount = (x: MockExchange, account: string) => x.private.engine.account(`kestrel-${account}`);
  const venueOrders = (x: MockExchange, account: string) => [...venueAccount(x, account).orders.values()].map((o) => o.clientOrderId);
  const balances = (x: MockExchange, account: string) => Object.fromEntries([...venueAccount(x, account).spot].map(([k, v]) => [k, JSON.stringify(v, (_k, y: unknown) => (typeof y === 'bigint' ? y.toString() : y))]));

  it('each account trades on its own exchange: the two venues are different exchanges', async () => {
    const list = await c.call('accounts.list', {});
    expect(list.accounts.filter((x) => x.supported).map((x) => [x.id, x.venueName])).toEqual([['desk-a', 'Kestrel Sim'], ['desk-b', 'Kestrel Sim B']]);
    // Different exchanges quote different prices for the same symbol (different seeds).
    const last = async (x: MockExchange) => Number(((await (await fetch(`${x.baseUrl}/api/v3/ticker/24hr?symbol=BTCUSDT`)).json()) as { lastPrice: string }).lastPrice);
    const pa = await last(a);
    const pb = await last(b);
    expect(pa).toBeGreaterThan(0);
    expect(pb).toBeGreaterThan(0);
    expect(pa).not.toBe(pb);
  });

  for (const [from, to, venue, other] of [['desk-a', 'desk-b', () => a, () => b], ['desk-b', 'desk-a', () => b, () => a]] as const) {
    it(`an order on ${from} reaches its exchange and never appears in, or changes, ${to} or the other exchange`, async () => {
      const beforeOther = { orders: venueOrders(other(), to), balances: balances(other(), to), strays: venueOrders(other(), from) };
      const ledgerOther = { orders: (await c.call('trading.orderHistory', { account: to })).orders, fills: (await c.call('trading.fills', { account: to })).fills, positions: held(await c.call('trading.positions', { account: to })) };
      const [o] = (await c.call('trading.submit', { account: from, symbol: 'ETH/USDT', side: 'buy', type: 'market', qty: '0.01' })).orders;
      await until(`the buy on ${from} filled at its venue`, async () => (await c.call('trading.orderHistory', { account: from })).orders.find((x) => x.clientOrderId === o!.clientOrderId && x.state === 'filled'), 60_000);
      // Its own exchange has it, filled; its own ledger has the fill.
      expect(venueOrders(venue(), from)).toContain(o!.clientOrderId);
      expect((await c.call('trading.fills', { account: from })).fills.some((f) => f.clientOrderId === o!.clientOrderId)).toBe(true);
      // The other exchange: no such order anywhere, the other account's orders and balances untouched.
      expect(venueOrders(other(), to)).toEqual(beforeOther.orders);
      expect(venueOrders(other(), from)).toEqual(beforeOther.strays);
      expect(venueOrders(other(), to)).not.toContain(o!.clientOrderId);
      expect(balances(other(), to)).toEqual(beforeOther.balances);
      // The other ledger: the same orders, fills and positions as before.
      expect((await c.call('trading.orderHistory', { account: to })).orders).toEqual(ledgerOther.orders);
      expect((await c.call('trading.fills', { account: to })).fills).toEqual(ledgerOther.fills);
      // (Marks move with the other account's own market; what it holds does not move.)
      expect(held(await c.call('trading.positions', { account: to }))).toEqual(ledgerOther.positions);
    });
  }
});
