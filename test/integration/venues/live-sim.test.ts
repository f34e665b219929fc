/**
 * The live venue against Kestrel Sim's private API through ccxt's real binance class: orders placed by
 * client id are acked, filled from the venue's own trades (stream and REST both, applied once), canceled;
 * a fault that times out an accepted order ends resolved by client id, with one order at the venue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WallClock } from '../../../main/core/engine/clock.ts';
import { Engine } from '../../../main/core/engine/kernel.ts';
import { MemoryStore } from '../../../main/core/ports.ts';
import { CcxtTrading, CcxtVenue } from '../../../main/venues/ccxt/index.ts';
import { LiveVenue } from '../../../main/venues/live/live-venue.ts';
import { PrivateSync } from '../../../main/venues/live/private-sync.ts';
import { generatedSymbols, startMockExchange, type MockExchange } from '../../../main/venues/mock-exchange/index.ts';

let mock: MockExchange;
let conn: CcxtVenue;

async function until(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(async () => {
  mock = await startMockExchange({ symbols: generatedSymbols({ symbols: ['BTC/USDT', 'ETH/USDT'], days: 2 }), streamIntervalMs: 5, seed: 5 });
  const key = mock.private.createKey({ account: 'live-test' });
  conn = new CcxtVenue({ exchange: 'binance', apiKey: key.apiKey, secret: key.secret, endpoints: { rest: mock.baseUrl, ws: mock.wsUrl }, rateLimit: { perSecond: 1000, burst: 100 }, retry: { attempts: 2 }, timeoutMs: 2_000 });
  await conn.prepareStreams();
});
afterAll(async () => {
  await conn.close();
  await mock.close();
});

async function rig() {
  const api = new CcxtTrading(conn);
  const instruments = [...(await conn.loadInstruments()).values()].filter((i) => i.symbol === 'BTC/USDT');
  const venue = new LiveVenue({ id: 'kestrel-sim', api, instruments, resolve: { baseMs: 50, maxMs: 500, notPlacedAfterMs: 3_000 } });
  const engine = new Engine({ instruments, venue, portfolio: { baseCurrency: 'USDT', cash: { USDT: '100000' } }, clock: new WallClock(), store: new MemoryStore(), sessionId: `T${Date.now().toString(36)}` });
  const ticker = await conn.fetchTicker('BTC/USDT');
  engine.onTrade({ symbol: 'BTC/USDT', ts: Date.now(), price: ticker.last, qty: 0.001 });
  const sync = new PrivateSync({ venue, api, symbols: ['BTC/USDT'], deliver: (fn) => fn(), pollMs: 200 });
  return { api, venue, engine, sync, inst: instruments[0]!, last: ticker.last };
}

describe('live venue on Kestrel Sim (spot, through ccxt)', () => {
  it('market buy: acked and filled from the venue\'s trades; the REST resync adds nothing twice', async () => {
    const { engine, sync, inst } = await rig();
    sync.start();
    const o = engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: Math.round(0.002 / inst.lotF) });
    await until(() => o.state === 'filled', 'market fill');
    await sync.resync();
    await sync.resync();
    expect(engine.portfolio.positionQty('BTC/USDT')).toBe(o.qty);
    expect(new Set(engine.portfolio.fills().map((f) => f.tradeId)).size).toBe(engine.portfolio.fills().length);
    sync.stop();
  });

  it('a resting limit is acked, then canceled by client id', async () => {
    const { engine, inst, last } = await rig();
    const o = engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: Math.round(0.001 / inst.lotF), price: Math.round((last * 0.8) / inst.tickF) });
    await until(() => o.state === 'accepted', 'ack');
    engine.cancel(o.clientOrderId);
    await until(() => o.state === 'canceled', 'cancel');
  });

  it('a reply lost after the venue accepted the order: resolved by client id, exactly one order at the venue', async () => {
    const { api, engine, venue, inst, last } = await rig();
    mock.private.setFaults({ lostAck: 1 });
    const o = engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: Math.round(0.001 / inst.lotF), price: Math.round((last * 0.8) / inst.tickF) });
    // The UNKNOWN window lasts one fetch by client id on loopback: a poll may miss it, the sim's count may not.
    const lost = mock.private.faults.injected['lost-ack'];
    await until(() => venue.isUnknown(o.clientOrderId) || mock.private.faults.injected['lost-ack'] > lost, 'unknown outcome');
    mock.private.setFaults({});
    expect(mock.private.faults.injected['lost-ack']).toBe(lost + 1);
    await until(() => o.state === 'accepted', 'resolved');
    const open = (await api.fetchOpenOrders('BTC/USDT')).filter((r) => r.clientOrderId === o.clientOrderId);
    expect(open).toHaveLength(1);
    engine.cancel(o.clientOrderId);
    await until(() => o.state === 'canceled', 'cancel');
  });
  it('a fill catch-up reads every page of own trades: more trades than one page since T are all read, each once', async () => {
    const t0 = Date.now() - 1;
    const ids: string[] = [];
    for (let k = 0; k < 11; k++) ids.push(String((await conn.ex.createOrder('BTC/USDT', 'market', k % 2 ? 'sell' : 'buy', 0.001)).id));
    const paged = await new CcxtTrading(conn, { tradesPage: 4 }).fetchMyTrades('BTC/USDT', t0);
    const whole = await new CcxtTrading(conn).fetchMyTrades('BTC/USDT', t0);
    expect(paged.length).toBeGreaterThan(4);
    expect(new Set(paged.map((t) => t.tradeId)).size).toBe(paged.length);
    expect(paged.map((t) => t.tradeId).sort()).toEqual(whole.map((t) => t.tradeId).sort());
    expect(new Set(paged.map((t) => t.venueOrderId))).toEqual(new Set(ids));
  });
});
