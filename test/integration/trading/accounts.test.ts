/**
 * Two accounts on two venues (Kestrel Sim and a second loopback venue) in one host: an order placed on one
 * never appears in, or changes, the other — orders, fills, positions, balances, sessions, audit events.
 * Also: the selection is remembered, commands name their account, and an account this release cannot trade
 * is refused with a clear error.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type KestrelClient } from '../../../main/contract/index.ts';
import { createHost, type Host } from '../../../main/host/host.ts';
import { SettingsStore } from '../../../main/host/settings/store.ts';
import { connectInMemory } from '../../../main/host/transports/memory.ts';
import { failure, lastPrice, offset, until } from './support.ts';

const ENV = { KESTREL_PAPER_PRICES: 'demo', KESTREL_FEED_TICK_MS: '10', KESTREL_FEED_CYCLE_MS: '1000', KESTREL_FEED_SWING_BPS: '20' };
const acct = (id: string, name: string, venue: string, extra: object = {}) => ({ id, name, venue, environment: 'paper', marketType: 'spot', currency: 'USDT', riskProfile: 'default', credentials: null, ...extra });

describe('two accounts on two venues', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-accounts-'));
  let host: Host;
  let c: KestrelClient;

  beforeAll(async () => {
    const s = SettingsStore.open(dir);
    s.set('venues', [{ id: 'kestrel-sim', name: 'Kestrel Sim', exchange: 'binance', builtin: true }, { id: 'loopback-b', name: 'Loopback B', exchange: 'binance', builtin: true }, { id: 'binance', name: 'Binance', exchange: 'binance', builtin: false }]);
    s.set('accounts', [acct('demo', 'Demo', 'kestrel-sim'), acct('desk-b', 'Desk B', 'loopback-b'), acct('real', 'Real', 'binance', { environment: 'live', credentials: 'binance:main' })]);
    host = await createHost({ mode: 'memory', dataDir: dir, env: ENV });
    c = createClient(connectInMemory(host.server));
  });
  afterAll(async () => {
    c.close();
    await host.close();
  });

  const book = async (account: string) => ({
    open: (await c.call('trading.openOrders', { account })).orders.map((o) => o.clientOrderId),
    history: (await c.call('trading.orderHistory', { account })).orders.map((o) => o.clientOrderId),
    fills: (await c.call('trading.fills', { account })).fills.map((f) => f.tradeId),
    // What an order changes (marks move with the market on their own).
    positions: (await c.call('trading.positions', { account })).positions.map(({ symbol, side, qty, avgPrice, fees, realizedPnl }) => ({ symbol, side, qty, avgPrice, fees, realizedPnl })),
    cash: await c.call('trading.account', { account }).then((a) => ({ cash: a.cash, fees: a.fees, realized: a.realizedPnl, book: a.accountId })),
  });

  // A paper market order fills at the desk's next feed ticks (possibly in parts), not inside the call.
  const filled = (account: string, id: string) =>
    until(`${account}'s order ${id} to fill completely`, async () => ((await c.call('trading.orderHistory', { account })).orders.find((o) => o.clientOrderId === id)?.state === 'filled' ? true : undefined), 30_000);

  it('an order on one account never appears in, or changes, the other', async () => {
    const demo0 = await book('demo');
    const b0 = await book('desk-b');
    expect(b0.history).toEqual([]);

    // Desk B: a market buy that fills, and a resting limit far below the market.
    const mkt = await c.call('trading.submit', { account: 'desk-b', symbol: 'ETH/USDT', side: 'buy', type: 'market', qty: '0.5' });
    await filled('desk-b', mkt.orders[0]!.clientOrderId);
    const eth = await lastPrice(c, 'ETH/USDT');
    const rest = await c.call('trading.submit', { account: 'desk-b', symbol: 'ETH/USDT', side: 'buy', type: 'limit', qty: '0.1', price: offset(eth, -300, 2) });
    const b1 = await book('desk-b');
    expect(b1.fills.length).toBeGreaterThan(0);
    expect(b1.open).toContain(rest.orders[0]!.clientOrderId);
    expect(b1.positions.map((p) => p.symbol)).toEqual(['ETH/USDT']);
    expect(await book('demo')).toEqual(demo0);

    // Demo: its own fill; Desk B unchanged; cancel-all on Demo leaves Desk B's resting order alone.
    const demoBuy = await c.call('trading.submit', { account: 'demo', symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: '0.01' });
    // Filled first: a cancel-all while it is still working would cancel it.
    await filled('demo', demoBuy.orders[0]!.clientOrderId);
    await c.call('trading.cancelAll', { account: 'demo' });
    const demo1 = await book('demo');
    expect(demo1.positions.map((p) => p.symbol)).toEqual(['BTC/USDT']);
    expect(demo1.fills.some((f) => b1.fills.includes(f))).toBe(false);
    expect(demo1.history.some((id) => b1.history.includes(id))).toBe(false);
    expect(await book('desk-b')).toEqual(b1);

    // An order id of one account is unknown to the other.
    expect((await failure(c.call('trading.cancel', { account: 'demo', clientOrderId: rest.orders[0]!.clientOrderId }))).code).toBe('not_found');
    expect((await book('desk-b')).open).toContain(rest.orders[0]!.clientOrderId);
  });

  it('the ledger and the audit log name each account: books, sessions and every session event', () => {
    const { db } = host.services.ledger;
    const books = db.prepare('SELECT id, owner, venue FROM accounts ORDER BY owner').all();
    expect(books).toEqual([{ id: 'paper-1', owner: 'demo', venue: 'kestrel-sim' }, { id: 'desk-b:1', owner: 'desk-b', venue: 'loopback-b' }]);
    const fills = db.prepare('SELECT DISTINCT account_id FROM fills ORDER BY account_id').all();
    expect(fills).toEqual([{ account_id: 'desk-b:1' }, { account_id: 'paper-1' }]);
    const sessions = db.prepare('SELECT id, owner FROM sessions ORDER BY owner').all() as { id: string; owner: string }[];
    expect(sessions.map((s) => s.owner)).toEqual(['demo', 'desk-b']);
    for (const s of sessions) {
      const events = host.services.audit.sessionEvents(s.id);
      expect(events.length).toBeGreaterThan(3);
      expect(new Set(events.map((e) => (e as { account?: string }).account))).toEqual(new Set([s.owner]));
    }
    expect(host.services.audit.verify().chain.ok).toBe(true);
  });

  it('selecting an account switches what unnamed commands act on, is remembered, and only the selected account pushes events', async () => {
    expect((await c.call('trading.session', {})).account).toBe('demo');
    const seen: string[] = [];
    const off = c.on('trading.orders', ({ orders }) => seen.push(...orders.map((o) => o.clientOrderId)));
    const list = await c.call('accounts.select', { account: 'desk-b' });
    expect(list.selected).toBe('desk-b');
    expect(list.accounts.filter((a) => a.running).map((a) => a.id).sort()).toEqual(['demo', 'desk-b']);
    expect((await c.call('trading.session', {})).account).toBe('desk-b');
    expect(SettingsStore.open(dir).document.selectedAccount).toBe('desk-b');
    const onDemo = await c.call('trading.submit', { account: 'demo', symbol: 'BTC/USDT', side: 'sell', type: 'market', qty: '0.001' });
    const onB = await c.call('trading.submit', { symbol: 'ETH/USDT', side: 'sell', type: 'market', qty: '0.1' });
    expect((await c.call('trading.orderHistory', { account: 'desk-b' })).orders.map((o) => o.clientOrderId)).toContain(onB.orders[0]!.clientOrderId);
    expect(seen).toContain(onB.orders[0]!.clientOrderId);
    expect(seen).not.toContain(onDemo.orders[0]!.clientOrderId);
    off();
  });

  it('an account this release cannot trade is listed but refused with a clear error; an unknown one is not found', async () => {
    const real = (await c.call('accounts.list', {})).accounts.find((a) => a.id === 'real')!;
    expect(real.supported).toBe(true); // live accounts are tradable now; this one has no key in the secret store
    const e = await failure(c.call('accounts.select', { account: 'real' }));
    expect(e.code).toBe('validation');
    expect(e.message).toMatch(/Real.*live/);
    expect((await failure(c.call('trading.positions', { account: 'ghost' }))).code).toBe('not_found');
    expect((await c.call('accounts.list', {})).selected).toBe('desk-b');
  });
});
