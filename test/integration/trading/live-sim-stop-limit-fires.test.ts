/**
 * A native spot stop-limit firing on Kestrel Sim, end to end through the live venue and ccxt: a STOP_LOSS_LIMIT
 * sell rests at the venue (funds locked, not working), the sim's prices fall through its stop, the venue turns
 * it into a working limit that fills, and Kestrel books that fill exactly once — with the user stream sending
 * every fill event twice meanwhile (the sim's `duplicateFill` fault) and REST resyncs reading the same trades —
 * so the ledger's fills are the venue's trades one for one, the position is flat again on both sides, and the
 * reconciliation comes back clean.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KestrelClient } from '../../../main/contract/index.ts';
import { money } from '../../../main/core/model/index.ts';
import type { Host } from '../../../main/host/host.ts';
import type { MockExchange } from '../../../main/venues/mock-exchange/index.ts';
import { lastPrice, offset, reconciled, until } from './support.ts';
import { armedSimHost } from './sim-host.ts';

const account = 'sim5';
const name = 'Sim Five';

describe('a native spot stop-limit firing on Kestrel Sim', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-stopfires-'));
  let sim: MockExchange;
  let host: Host;
  let c: KestrelClient;
  const simAccount = () => sim.private.engine.accounts.get(`kestrel-${account}`)!;
  const venueOrder = (id: string) => [...simAccount().orders.values()].find((o) => o.clientOrderId === id);
  const position = async () => Number((await c.call('trading.positions', { account })).positions.find((p) => p.symbol === 'BTC/USDT')?.qty ?? 0);

  beforeAll(async () => {
    // Ten candles a second: a stop 0.3 % under the market is reached within a few seconds of the sim's history.
    ({ sim, host, c } = await armedSimHost(dir, { account, name, marketType: 'spot', streamIntervalMs: 100, seed: 41 }));
  }, 120_000);
  afterAll(async () => {
    c.close();
    await host.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rests as a STOP_LOSS_LIMIT, fires when the price falls through its stop, fills at the venue, and is booked once', async () => {
    await c.call('trading.submit', { account, symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: '0.002' });
    await until('the long booked', async () => (await position()) === 0.002, 30_000);

    // The stop 0.3 % under the last price; its limit 1 % under, so the fired order takes the book at once.
    // A fall of 0.3 % between reading the price and placing would make the venue refuse it (-2010): placed again then.
    let stop = '';
    let sl = '';
    await until('a stop the venue holds', async () => {
      const last = await lastPrice(c, 'BTC/USDT');
      stop = offset(last, -30, 2);
      const { orders } = await c.call('trading.submit', { account, symbol: 'BTC/USDT', side: 'sell', type: 'stop-limit', qty: '0.002', triggerPrice: stop, price: offset(last, -100, 2) });
      sl = orders[0]!.clientOrderId;
      const o = await until('the venue to answer', async () => (await c.call('trading.orderHistory', { account })).orders.find((x) => x.clientOrderId === sl && x.state !== 'pending-submit'));
      return o.state === 'accepted';
    }, 30_000);
    // At the venue: the native order, waiting (not yet working), its base asset locked.
    const resting = venueOrder(sl)!;
    expect(resting).toMatchObject({ type: 'STOP_LOSS_LIMIT', side: 'SELL', status: 'NEW', workingTime: -1, stopPrice: money(stop), lockedAsset: 'BTC', locked: money('0.002') });
    expect((await c.call('trading.openOrders', { account })).orders.find((o) => o.clientOrderId === sl)).toMatchObject({ type: 'stop-limit', state: 'accepted' });

    // Every fill event from now on reaches the user stream twice.
    sim.private.setFaults({ duplicateFill: 1 });
    const filled = await until('the stop to fire and fill', async () => (await c.call('trading.orderHistory', { account })).orders.find((o) => o.clientOrderId === sl && o.state === 'filled'), 90_000);
    expect(filled.filledQty).toBe('0.002');

    // At the venue: it fired (started working when the last trade reached the stop) and filled, its trades at or above its limit.
    const fired = venueOrder(sl)!;
    expect(fired.status).toBe('FILLED');
    expect(fired.workingTime).toBeGreaterThan(0);
    expect(fired.executedQty).toBe(money('0.002'));
    const trades = simAccount().trades.filter((t) => t.orderId === fired.orderId);
    expect(trades.length).toBeGreaterThan(0);
    for (const t of trades) expect(t.price >= fired.price).toBe(true);
    expect(sim.private.faults.injected['duplicate-fill']).toBeGreaterThan(0);

    // In Kestrel: the venue's trades, one fill each (the duplicates dropped), and the position flat again.
    await until('the fills booked', async () => (await c.call('trading.fills', { account })).fills.filter((f) => f.clientOrderId === sl).length >= trades.length, 15_000);
    await new Promise((r) => setTimeout(r, 1_500)); // room for a late duplicate or resync to (wrongly) book again
    const fills = (await c.call('trading.fills', { account })).fills.filter((f) => f.clientOrderId === sl);
    expect(fills.map((f) => f.tradeId).sort()).toEqual(trades.map((t) => String(t.id)).sort());
    expect(fills.reduce((s, f) => s + money(f.qty), 0n)).toBe(money('0.002'));
    expect(fills.every((f) => f.side === 'sell')).toBe(true);
    const booked = host.services.ledger.db.prepare('SELECT COUNT(*) AS n FROM fills WHERE trade_id IN (' + trades.map(() => '?').join(',') + ')').get(...trades.map((t) => String(t.id))) as { n: number };
    expect(booked.n).toBe(trades.length);
    expect(await position()).toBe(0);
    sim.private.setFaults({});
    // The venue agrees: no difference to settle (its base balance moved by exactly the booked fills).
    const st = await until('a clean reconciliation', async () => {
      const s = await reconciled(c, account);
      return s.discrepancies.length === 0 ? s : undefined;
    }, 30_000);
    expect(st.gate).toBe('clear');
  }, 180_000);
});
