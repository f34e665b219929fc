/**
 * Resting limits canceled while their create had not been answered, then the host dropped without settling
 * them (the live chaos test's SIGKILL, made deterministic): the ledger keeps them `pending-cancel` with no
 * venue order id. The next run must settle both without the trader — the one the venue took is found by its
 * client id and canceled there; the one the venue never took is closed as never placed once the receive
 * window has passed — and its reconciliation comes back clear with no acknowledgement.
 *
 * Before the fix the restored orders were taken as acknowledged (only their cancel was remembered): the one
 * the venue never took stayed working in the ledger, and the gate stayed blocked on `missing-order` for ever.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KestrelClient } from '../../../main/contract/index.ts';
import type { Host } from '../../../main/host/host.ts';
import type { MockExchange } from '../../../main/venues/mock-exchange/index.ts';
import { lastPrice, offset, until } from './support.ts';
import { armClear, openSimHost, startSimWithAccount } from './sim-host.ts';

const account = 'sim4';
const name = 'Sim Four';
// Kestrel's receive window on this account: an unanswered create older than it (+ 5 s) can no longer be taken.
const env = { KESTREL_LIVE_RECV_WINDOW_MS: '2000' };

describe('limits canceled mid-create, the host dropped, then restarted', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-restart-cancel-'));
  let sim: MockExchange;
  let host: Host | undefined;
  let c: KestrelClient;
  const start = async () => {
    ({ host, c } = await openSimHost(dir, sim, account, env));
  };
  const row = (id: string) => {
    const r = host!.services.ledger.db.prepare('SELECT state, data FROM orders WHERE client_order_id = ?').get(id) as { state: string; data: string } | undefined;
    return r && { state: r.state, ...(JSON.parse(r.data) as { venueOrderId?: string; reason?: string }) };
  };
  const atVenue = (id: string) => [...sim.private.engine.accounts.get(`kestrel-${account}`)!.orders.values()].filter((o) => o.clientOrderId === id).map((o) => o.status);

  beforeAll(async () => {
    // A candle a second: a buy limit 3 % under the market rests for the whole test (inside the 5 % price band).
    sim = await startSimWithAccount(dir, { account, name, marketType: 'spot', streamIntervalMs: 1_000, seed: 31 });
    await start();
    await armClear(c, { account, name });
  }, 120_000);
  afterAll(async () => {
    c.close();
    await host?.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let taken = '';
  let never = '';

  it('leaves both pending-cancel with no venue order id when the host goes before the venue answered', async () => {
    const price = offset(await lastPrice(c, 'BTC/USDT'), -300, 2);
    const limit = async () => (await c.call('trading.submit', { account, symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: '0.001', price })).orders[0]!.clientOrderId;
    // Every private request answered 429 for now: both creates have an unknown outcome, resolved by client id.
    sim.private.setFaults({ rateLimit: 1 });
    taken = await limit();
    never = await limit();
    await until('both outcomes to be unknown', async () => (await c.call('live.status', { account })).unknownOrders.length === 2);
    // Canceled while unknown: the cancel waits for the outcome, the order is pending-cancel in the ledger.
    for (const id of [taken, never]) await c.call('trading.cancel', { account, clientOrderId: id });
    await until('both cancels to be asked', async () => row(taken)?.state === 'pending-cancel' && row(never)?.state === 'pending-cancel');
    // What a SIGKILL now would leave in the ledger (committed as it happened): no venue order id for either.
    for (const id of [taken, never]) expect(row(id)).toMatchObject({ state: 'pending-cancel' });
    for (const id of [taken, never]) expect(row(id)!.venueOrderId).toBeUndefined();
    // Dropped without settling anything.
    c.close();
    await host!.close();
    host = undefined;
    sim.private.setFaults({});
    // One create was in flight when the host went and reached the venue after it (what a SIGKILL racing a
    // request leaves): it rests there under its client id. The other never arrived.
    const r = await fetch(`${sim.baseUrl}/sim-admin/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ account: `kestrel-${account}`, market: 'spot', symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.001', price, clientOrderId: taken }) });
    expect(r.status).toBe(200);
    expect(atVenue(taken)).toEqual(['NEW']);
    expect(atVenue(never)).toEqual([]);
    await start();
  }, 60_000);

  it('settles both on the next run, and its reconciliation comes back clear without an acknowledgement', async () => {
    const settled = (id: string) => ['canceled', 'rejected'].includes(row(id)?.state ?? '');
    // The one never placed is decided once the receive window (+ 5 s) has passed since the restart.
    const st = await until('both settled and a clear gate', async () => {
      if (!settled(taken) || !settled(never)) return undefined;
      const s = await c.call('live.reconcile', { account });
      return s.gate === 'clear' ? s : undefined;
    }, 45_000);
    expect(st.discrepancies).toEqual([]);
    // Found at the venue by its client id, then canceled there as the trader had asked.
    expect(row(taken)).toMatchObject({ state: 'canceled', reason: 'requested' });
    expect(row(taken)!.venueOrderId).toMatch(/^\d+$/);
    expect(atVenue(taken)).toEqual(['CANCELED']);
    // Never at the venue: closed as never placed, and still not there.
    expect(row(never)).toMatchObject({ state: 'canceled', reason: 'not_placed' });
    expect(atVenue(never)).toEqual([]);
    expect((await c.call('live.status', { account })).unknownOrders).toEqual([]);
  }, 60_000);
});
