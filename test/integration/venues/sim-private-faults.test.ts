/**
 * Kestrel Sim's private-API faults, each observed the way a client meets it: through ccxt for the REST
 * ones (what error class, and what the exchange really did), on a raw user-stream socket for the stream
 * ones. And the sim's determinism: the same seed and requests give the same keys, ids, fills and faults.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CcxtVenue } from '../../../main/venues/ccxt/index.ts';
import { generatedSymbols, startMockExchange, type MockExchange, type SimKey } from '../../../main/venues/mock-exchange/index.ts';
import { ccxtOf, errorKind, recordSocket, signedCall, simVenue, until, type Ccxt } from '../../support/sim-private.ts';

const symbols = () => generatedSymbols({ symbols: ['BTC/USDT', 'ETH/USDT'], days: 1 });
let mock: MockExchange;
let key: SimKey;
let venue: CcxtVenue;
let ex: Ccxt;

beforeAll(async () => {
  mock = await startMockExchange({ symbols: symbols(), seed: 3 });
  key = mock.private.createKey();
  venue = simVenue(mock, key, 'spot', 1_500);
  ex = ccxtOf(venue);
  await ex.loadMarkets();
});
afterAll(async () => {
  await venue.close();
  await mock.close();
});

const findByClient = async (id: string) => (await signedCall(mock, key, 'GET', '/api/v3/order', { symbol: 'BTCUSDT', origClientOrderId: id })).body as { status?: string; code?: number };

describe('REST faults after the order was accepted', () => {
  it('lost ack: the connection drops instead of the reply (a NetworkError), yet the order exists', async () => {
    mock.private.faults.failNext('lost-ack');
    expect(await errorKind(ex.createOrder('BTC/USDT', 'market', 'buy', 0.001, undefined, { clientOrderId: 'lost-1' }), venue)).toMatch(/NetworkError|ExchangeNotAvailable|RequestTimeout/);
    expect(await findByClient('lost-1')).toMatchObject({ status: 'FILLED' });
  });

  it('timeout after accept: no reply until the client gives up (RequestTimeout), yet the order exists', async () => {
    mock.private.setFaults({ holdMs: 5_000 });
    mock.private.faults.failNext('timeout-after-accept');
    expect(await errorKind(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 20_000, { clientOrderId: 'slow-1' }), venue)).toBe('RequestTimeout');
    expect(await findByClient('slow-1')).toMatchObject({ status: 'NEW' });
    mock.private.setFaults({});
  });

  it('"order does not exist" (-2013) for a while after create, then the order is there', async () => {
    mock.private.setFaults({ notFoundMs: 400 });
    mock.private.faults.failNext('not-found-after-create');
    const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 20_000, { clientOrderId: 'ghost-1' });
    expect(await errorKind(ex.fetchOrder(undefined, 'BTC/USDT', { clientOrderId: 'ghost-1' }), venue)).toBe('OrderNotFound');
    const later = await until(async () => (await findByClient('ghost-1')).status === 'NEW', 'the order to become visible', 10_000);
    expect(later).toBe(true);
    expect((await ex.fetchOrder(o.id, 'BTC/USDT')).clientOrderId).toBe('ghost-1');
    mock.private.setFaults({});
  });

  it('429 and 418 are DDoSProtection to ccxt; the insufficient-balance fault is InsufficientFunds and places nothing', async () => {
    mock.private.faults.failNext('rate-limit');
    expect(await errorKind(ex.fetchBalance(), venue)).toMatch(/DDoSProtection|RateLimitExceeded/);
    mock.private.faults.failNext('ban');
    expect(await errorKind(ex.fetchBalance(), venue)).toMatch(/DDoSProtection|RateLimitExceeded/);
    const before = (await ex.fetchOrders('BTC/USDT')).length;
    mock.private.faults.failNext('insufficient-balance');
    expect(await errorKind(ex.createOrder('BTC/USDT', 'market', 'buy', 0.001), venue)).toBe('InsufficientFunds');
    expect((await ex.fetchOrders('BTC/USDT')).length).toBe(before);
    expect(mock.private.faults.injected).toMatchObject({ 'rate-limit': 1, ban: 1, 'insufficient-balance': 1, 'lost-ack': 1, 'timeout-after-accept': 1, 'not-found-after-create': 1 });
  });
});

describe('user-stream faults', () => {
  const openStream = async () => {
    const { listenKey } = (await signedCall(mock, key, 'POST', '/api/v3/userDataStream')).body as { listenKey: string };
    return recordSocket(`${mock.wsUrl}/${listenKey}`);
  };
  const fills = (msgs: Record<string, unknown>[]) => msgs.filter((m) => m.e === 'executionReport' && m.x === 'TRADE').map((m) => m.t as number);
  const market = (qty: string) => signedCall(mock, key, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: qty });

  it('a duplicated fill arrives twice with the same trade id', async () => {
    const s = await openStream();
    try {
      mock.private.faults.failNext('duplicate-fill');
      await market('0.001');
      const ids = await until(() => fills(s.messages).length >= 2 && fills(s.messages), 'two fill events');
      expect(ids[0]).toBe(ids[1]);
    } finally {
      s.close();
      await s.closed;
    }
  });

  it('an out-of-order fill arrives after a later event', async () => {
    mock.private.setFaults({ reorderHoldMs: 60_000 });
    const s = await openStream();
    try {
      mock.private.faults.failNext('reorder-fill');
      await market('0.001');
      await market('0.001');
      const ids = await until(() => fills(s.messages).length >= 2 && fills(s.messages), 'both fills');
      expect(ids[0]!).toBeGreaterThan(ids[1]!);
    } finally {
      mock.private.setFaults({});
      s.close();
      await s.closed;
    }
  });

  it('a stream drop closes the connection; the listenKey stays valid for a reconnect', async () => {
    const s = await openStream();
    mock.private.faults.failNext('stream-drop');
    await market('0.001');
    await s.closed;
    const again = await openStream();
    await market('0.001');
    await until(() => fills(again.messages).length >= 1, 'a fill on the new connection');
    again.close();
    await again.closed;
  });

  it('a listenKey expires without keepalive (short TTL) and its stream ends with listenKeyExpired', async () => {
    mock.private.setFaults({ listenKeyTtlMs: 300 });
    const s = await openStream();
    await new Promise((r) => setTimeout(r, 400));
    await market('0.001');
    await s.closed;
    expect(s.messages.at(-1)).toMatchObject({ e: 'listenKeyExpired' });
    mock.private.setFaults({});
  });
});

describe('determinism', () => {
  it('the same seed and requests give the same keys, order ids, fills and drawn faults', async () => {
    const run = async () => {
      const m = await startMockExchange({ symbols: symbols(), seed: 99, private: { faults: { lostAck: 0.3, notFoundAfterCreate: 0.3, notFoundMs: 1 } } });
      try {
        const k = m.private.createKey();
        const out: unknown[] = [k.apiKey, k.secret];
        for (let i = 0; i < 12; i++) {
          const r = await signedCall(m, k, 'POST', '/api/v3/order', { symbol: 'ETHUSDT', side: i % 2 ? 'SELL' : 'BUY', type: 'MARKET', quantity: '0.01', newClientOrderId: `det-${i}` }).catch(() => ({ status: 0, body: 'dropped' }));
          out.push(r.status);
        }
        const all = (await signedCall(m, k, 'GET', '/api/v3/allOrders', { symbol: 'ETHUSDT' })).body as { orderId: number; clientOrderId: string; executedQty: string; cummulativeQuoteQty: string }[];
        out.push(all.map((o) => [o.orderId, o.clientOrderId, o.executedQty, o.cummulativeQuoteQty]));
        out.push({ ...m.private.faults.injected });
        return out;
      } finally {
        await m.close();
      }
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a.filter((x) => x === 0).length).toBeGreaterThan(0);
    expect((a.at(-2) as unknown[]).length).toBe(12);
  });
});
