/**
 * Kestrel Sim's spot private API, driven through ccxt's real binance class (via CcxtVenue, as the host
 * reaches every venue): signed orders, queries by client id, balances that move exactly by the fills and
 * fees, resting orders that fill when the price trades through, the user data stream, and Binance's
 * authentication errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CcxtVenue } from '../../../main/venues/ccxt/index.ts';
import { generatedSymbols, startMockExchange, type MockExchange, type SimKey } from '../../../main/venues/mock-exchange/index.ts';
import { adminCall, ccxtOf, errorKind, signedCall, simVenue, until, type Ccxt } from '../../support/sim-private.ts';

let mock: MockExchange;
let key: SimKey;
let venue: CcxtVenue;
let ex: Ccxt;

beforeAll(async () => {
  mock = await startMockExchange({ symbols: generatedSymbols({ symbols: ['BTC/USDT', 'ETH/USDT'], days: 2 }), streamIntervalMs: 5, seed: 11 });
  key = mock.private.createKey();
  venue = simVenue(mock, key);
  await venue.prepareStreams();
  await ex0().loadMarkets();
});
afterAll(async () => {
  await venue.close();
  await mock.close();
});

function ex0(): Ccxt {
  ex ??= ccxtOf(venue);
  return ex;
}

describe('spot orders through ccxt binance', () => {
  it('a market buy takes the best asks; the balance moves by exactly the cost, the fee is charged in BTC', async () => {
    const before = await ex0().fetchBalance();
    const book = await ex0().fetchOrderBook('BTC/USDT', 5);
    const o = await ex0().createOrder('BTC/USDT', 'market', 'buy', 0.01);
    expect(o.status).toBe('closed');
    expect(o.filled).toBe(0.01);
    expect(o.average).toBe(book.asks[0][0]);
    const after = await ex0().fetchBalance();
    const cost = Math.round(book.asks[0][0] * 0.01 * 1e8) / 1e8;
    expect(after.USDT.free).toBeCloseTo(before.USDT.free - cost, 8);
    expect(after.BTC.free).toBeCloseTo(before.BTC.free + 0.01 - 0.00001, 10);
    const trades = await ex0().fetchMyTrades('BTC/USDT');
    const mine = trades.filter((t: { order: string }) => t.order === o.id);
    expect(mine).toHaveLength(1);
    expect(mine[0].fee).toEqual({ currency: 'BTC', cost: 0.00001 });
  });

  it('a limit order rests with its client id, locks its cost, is found by client id and in open orders, and cancels', async () => {
    const t = await ex0().fetchTicker('BTC/USDT');
    const price = Math.round(t.last * 0.9);
    const o = await ex0().createOrder('BTC/USDT', 'limit', 'buy', 0.02, price, { clientOrderId: 'kst-spot-1' });
    expect([o.status, o.clientOrderId]).toEqual(['open', 'kst-spot-1']);
    const bal = await ex0().fetchBalance();
    expect(bal.USDT.used).toBeCloseTo(price * 0.02, 8);
    const byClient = await ex0().fetchOrder(undefined, 'BTC/USDT', { clientOrderId: 'kst-spot-1' });
    expect([byClient.id, byClient.status, byClient.price, byClient.amount]).toEqual([o.id, 'open', price, 0.02]);
    expect((await ex0().fetchOpenOrders('BTC/USDT')).map((x: { id: string }) => x.id)).toContain(o.id);
    // The same client id is refused while the order is open.
    expect(await errorKind(ex0().createOrder('BTC/USDT', 'limit', 'buy', 0.02, price, { clientOrderId: 'kst-spot-1' }), venue)).toBe('InvalidOrder');
    const c = await ex0().cancelOrder(undefined, 'BTC/USDT', { clientOrderId: 'kst-spot-1' });
    expect(c.status).toBe('canceled');
    expect((await ex0().fetchBalance()).USDT.used).toBe(0);
    expect(await errorKind(ex0().cancelOrder(o.id, 'BTC/USDT'), venue)).toBe('OrderNotFound');
    expect(await errorKind(ex0().fetchOrder('999999', 'BTC/USDT'), venue)).toBe('OrderNotFound');
    const all = await ex0().fetchOrders('BTC/USDT');
    expect(all.find((x: { id: string }) => x.id === o.id).status).toBe('canceled');
  });

  it('more than the balance is refused as InsufficientFunds (-2010) and changes nothing', async () => {
    const before = await ex0().fetchBalance();
    expect(await errorKind(ex0().createOrder('BTC/USDT', 'market', 'sell', 50), venue)).toBe('InsufficientFunds');
    expect(await errorKind(ex0().createOrder('ETH/USDT', 'limit', 'buy', 1000, 2000), venue)).toBe('InsufficientFunds');
    const after = await ex0().fetchBalance();
    expect([after.BTC.total, after.USDT.total]).toEqual([before.BTC.total, before.USDT.total]);
  });

  it('off-grid quantities and prices are Binance filter failures', async () => {
    expect(await errorKind(venue.call('raw', () => ex0().privatePostOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.0100001', price: '100' })), venue)).toMatch(/InvalidOrder|BadRequest/);
    const r = await signedCall(mock, key, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '100.001' });
    expect(r.body).toEqual({ code: -1013, msg: 'Filter failure: PRICE_FILTER' });
  });

  it('a resting buy fills, as maker at its own price, once a later candle trades below it', async () => {
    const t = await ex0().fetchTicker('ETH/USDT');
    const price = Math.round((t.last - 0.3) * 100) / 100;
    const o = await ex0().createOrder('ETH/USDT', 'limit', 'buy', 0.01, price);
    const filled = await until(async () => {
      const x = await ex0().fetchOrder(o.id, 'ETH/USDT');
      return x.status === 'closed' && x;
    }, 'the resting order to fill', 60_000);
    expect([filled.filled, filled.average]).toEqual([0.01, price]);
    const trade = (await ex0().fetchMyTrades('ETH/USDT')).find((x: { order: string }) => x.order === o.id);
    expect([trade.price, trade.takerOrMaker]).toEqual([price, 'maker']);
  });

  it('cancelReplace swaps one resting order for another in one request', async () => {
    const t = await ex0().fetchTicker('BTC/USDT');
    const p1 = Math.round(t.last * 0.8);
    const o = await ex0().createOrder('BTC/USDT', 'limit', 'buy', 0.01, p1);
    const r = await signedCall(mock, key, 'POST', '/api/v3/order/cancelReplace', { symbol: 'BTCUSDT', cancelReplaceMode: 'STOP_ON_FAILURE', cancelOrderId: o.id, side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: String(p1 - 1), newClientOrderId: 'kst-replaced' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ cancelResult: 'SUCCESS', newOrderResult: 'SUCCESS', cancelResponse: { status: 'CANCELED' }, newOrderResponse: { clientOrderId: 'kst-replaced', status: 'NEW' } });
    await ex0().cancelOrder(undefined, 'BTC/USDT', { clientOrderId: 'kst-replaced' });
  });
});

describe('spot user data stream through ccxt (WebSocket API subscription)', () => {
  it('watchOrders, watchMyTrades and watchBalance see a fill', async () => {
    const orders = ex0().watchOrders('BTC/USDT');
    const trades = ex0().watchMyTrades('BTC/USDT');
    const balance = ex0().watchBalance();
    await until(() => mock.private.streams.stats.connections > 0, 'the user stream to connect');
    await new Promise((r) => setTimeout(r, 200));
    const o = await ex0().createOrder('BTC/USDT', 'market', 'sell', 0.005, undefined, { clientOrderId: 'kst-watch-1' });
    const seen = (await orders) as { id: string; clientOrderId: string; status: string; filled: number }[];
    expect(seen.some((x) => x.id === o.id && x.clientOrderId === 'kst-watch-1')).toBe(true);
    const t = (await trades) as { order: string; amount: number }[];
    expect(t.find((x) => x.order === o.id)?.amount).toBe(0.005);
    const b = await balance;
    expect(b.BTC.free).toBe((await ex0().fetchBalance()).BTC.free);
  });

  it('spot listenKeys: create returns the active key, keepalive extends it, delete ends it (-1125 after)', async () => {
    const a = (await venue.call('lk', () => ex0().publicPostUserDataStream())) as { listenKey: string };
    const b = (await venue.call('lk', () => ex0().publicPostUserDataStream())) as { listenKey: string };
    expect(a.listenKey).toBe(b.listenKey);
    await venue.call('lk', () => ex0().publicPutUserDataStream({ listenKey: a.listenKey }));
    await venue.call('lk', () => ex0().publicDeleteUserDataStream({ listenKey: a.listenKey }));
    const r = await fetch(`${mock.baseUrl}/api/v3/userDataStream?listenKey=${a.listenKey}`, { method: 'PUT', headers: { 'X-MBX-APIKEY': key.apiKey } });
    expect(await r.json()).toEqual({ code: -1125, msg: 'This listenKey does not exist.' });
  });
});

describe('authentication, the way Binance refuses', () => {
  it('a wrong secret is -1022, an unknown key -2015, a malformed key -2014, a stale timestamp -1021', async () => {
    const wrong = { apiKey: key.apiKey, secret: 'x'.repeat(64) };
    expect((await signedCall(mock, wrong, 'GET', '/api/v3/account')).body).toEqual({ code: -1022, msg: 'Signature for this request is not valid.' });
    expect((await signedCall(mock, { apiKey: 'A'.repeat(64), secret: key.secret }, 'GET', '/api/v3/account')).body).toMatchObject({ code: -2015 });
    expect((await signedCall(mock, { apiKey: 'bad key!', secret: key.secret }, 'GET', '/api/v3/account')).body).toMatchObject({ code: -2014 });
    expect((await signedCall(mock, key, 'GET', '/api/v3/account', {}, Date.now() - 10_000)).body).toMatchObject({ code: -1021 });
    expect((await signedCall(mock, key, 'GET', '/api/v3/account', { recvWindow: 20_000 }, Date.now() - 10_000)).status).toBe(200);
    const noAuth = await fetch(`${mock.baseUrl}/api/v3/account`);
    expect([noAuth.status, ((await noAuth.json()) as { code: number }).code]).toEqual([401, -2014]);
  });

  it('ccxt classifies them: wrong secret → AuthenticationError, skewed clock → InvalidNonce', async () => {
    const other = simVenue(mock, { apiKey: key.apiKey, secret: 'y'.repeat(64) });
    try {
      expect(await errorKind(ccxtOf(other).fetchBalance(), other)).toBe('AuthenticationError');
    } finally {
      await other.close();
    }
    mock.private.setFaults({ clockSkewMs: -30_000 });
    try {
      expect(await errorKind(ex0().fetchBalance(), venue)).toBe('InvalidNonce');
    } finally {
      mock.private.setFaults({});
    }
  });

  it('apiRestrictions tells whether a key can withdraw and is IP-restricted', async () => {
    const risky = (await adminCall(mock, 'POST', 'keys', { enableWithdrawals: true })).body as SimKey;
    const r = await signedCall(mock, risky, 'GET', '/sapi/v1/account/apiRestrictions');
    expect(r.body).toMatchObject({ enableWithdrawals: true, ipRestrict: false, enableReading: true });
    expect((await signedCall(mock, key, 'GET', '/sapi/v1/account/apiRestrictions')).body).toMatchObject({ enableWithdrawals: false });
    const readOnly = mock.private.createKey({ enableSpotAndMarginTrading: false });
    expect((await signedCall(mock, readOnly, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.001' })).body).toMatchObject({ code: -2015 });
    expect((await signedCall(mock, readOnly, 'GET', '/api/v3/account')).status).toBe(200);
  });
});

describe('hostile requests get Binance\'s typed errors and change nothing', () => {
  it('bad sides, numbers, ids, windows and unknown endpoints', async () => {
    const before = (await signedCall(mock, key, 'GET', '/api/v3/allOrders', { symbol: 'BTCUSDT' })).body as unknown[];
    const order = (extra: Record<string, string>) => signedCall(mock, key, 'POST', '/api/v3/order', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.01', price: '100', ...extra });
    expect((await order({ side: 'HOLD' })).body).toMatchObject({ code: -1100 });
    expect((await order({ quantity: '1e5' })).body).toMatchObject({ code: -1100 });
    expect((await order({ quantity: '-1' })).body).toMatchObject({ code: -1100 });
    expect((await order({ price: '' })).body).toMatchObject({ code: -1102 });
    expect((await order({ type: 'ICEBERG' })).body).toMatchObject({ code: -1116 });
    expect((await order({ timeInForce: 'FOREVER' })).body).toMatchObject({ code: -1102 });
    expect((await order({ newClientOrderId: 'x'.repeat(37) })).body).toMatchObject({ code: -1100 });
    expect((await order({ symbol: 'NOPEUSDT' })).body).toMatchObject({ code: -1121 });
    expect((await order({ recvWindow: '70000' })).body).toMatchObject({ code: -1131 });
    expect((await signedCall(mock, key, 'GET', '/api/v3/order', { symbol: 'BTCUSDT', orderId: 'abc' })).body).toMatchObject({ code: -1100 });
    expect((await signedCall(mock, key, 'GET', '/api/v3/order', { symbol: 'BTCUSDT' })).body).toMatchObject({ code: -1102 });
    expect((await signedCall(mock, key, 'GET', '/api/v3/nothing')).status).toBe(404);
    const huge = await fetch(`${mock.baseUrl}/api/v3/order`, { method: 'POST', headers: { 'X-MBX-APIKEY': key.apiKey }, body: 'a='.padEnd(200_000, 'x') });
    expect([huge.status, ((await huge.json()) as { code: number }).code]).toEqual([413, -1000]);
    expect((await signedCall(mock, key, 'GET', '/api/v3/allOrders', { symbol: 'BTCUSDT' })).body).toHaveLength(before.length);
  });
});

describe('orders planted from outside (the admin hook)', () => {
  it('an order planted on the account is what the client sees as open', async () => {
    const t = await ex0().fetchTicker('BTC/USDT');
    const r = await adminCall(mock, 'POST', 'orders', { account: key.account, market: 'spot', symbol: 'BTCUSDT', side: 'SELL', type: 'LIMIT', quantity: '0.01', price: String(Math.round(t.last * 1.5)), clientOrderId: 'planted-1' });
    expect(r.status).toBe(200);
    const open = (await ex0().fetchOpenOrders('BTC/USDT')) as { clientOrderId: string }[];
    expect(open.map((o) => o.clientOrderId)).toContain('planted-1');
    expect((await adminCall(mock, 'POST', 'orders', { account: 'nobody', market: 'spot', symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '1' })).status).toBe(404);
    expect((await adminCall(mock, 'POST', 'orders', { account: key.account, market: 'spot', symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: 'lots' })).status).toBe(400);
    await ex0().cancelOrder(undefined, 'BTC/USDT', { clientOrderId: 'planted-1' });
  });
});
