/**
 * Kestrel Sim's USDⓈ-M private API through ccxt's real binanceusdm class: market and limit orders, one-way
 * positions with exact entry and realized P&L, conditional orders on the Algo Order API (and -4120 on the
 * old endpoint, as Binance answers since its move), reduce-only and close-position semantics, the
 * listenKey user stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CcxtVenue } from '../../../main/venues/ccxt/index.ts';
import { generatedSymbols, startMockExchange, type MockExchange, type SimKey } from '../../../main/venues/mock-exchange/index.ts';
import { ccxtOf, errorKind, recordSocket, signedCall, simVenue, until, type Ccxt } from '../../support/sim-private.ts';

const BTC = 'BTC/USDT:USDT';
let mock: MockExchange;
let key: SimKey;
let venue: CcxtVenue;
let ex: Ccxt;

beforeAll(async () => {
  mock = await startMockExchange({ symbols: generatedSymbols({ symbols: ['BTC/USDT', 'ETH/USDT'], days: 2 }), streamIntervalMs: 5, seed: 5 });
  key = mock.private.createKey({ futures: '50000' });
  venue = simVenue(mock, key, 'futures');
  ex = ccxtOf(venue);
  await venue.prepareStreams();
  await ex.loadMarkets();
});
afterAll(async () => {
  await venue.close();
  await mock.close();
});

const position = async (symbol = BTC) => ((await ex.fetchPositions([symbol])) as { symbol: string; contracts: number; side: string; entryPrice: number }[]).find((p) => p.symbol === symbol);

describe('USDⓈ-M perpetuals through ccxt binanceusdm', () => {
  it('the sim symbols are perpetual swaps with the spot grid; the wallet is the funded USDT', async () => {
    expect(ex.markets[BTC]).toMatchObject({ swap: true, linear: true, settle: 'USDT' });
    expect((await ex.fetchBalance()).USDT.total).toBe(50000);
  });

  it('a market buy opens a long at the best ask; a partial sell realizes exactly (price − entry) × qty minus fees', async () => {
    const book = await ex.fetchOrderBook(BTC, 5);
    const buy = await ex.createOrder(BTC, 'market', 'buy', 0.02, undefined, { clientOrderId: 'kst-fut-1' });
    expect([buy.status, buy.clientOrderId, buy.average]).toEqual(['closed', 'kst-fut-1', book.asks[0][0]]);
    const p = await position();
    expect([p?.contracts, p?.side, p?.entryPrice]).toEqual([0.02, 'long', book.asks[0][0]]);
    const bid = (await ex.fetchOrderBook(BTC, 5)).bids[0][0];
    await ex.createOrder(BTC, 'market', 'sell', 0.01);
    const trades = (await ex.fetchMyTrades(BTC)) as { info: { realizedPnl: string }; price: number; amount: number; side: string }[];
    const sell = trades.find((t) => t.side === 'sell')!;
    expect(sell.price).toBe(bid);
    expect(Number(sell.info.realizedPnl)).toBeCloseTo((bid - book.asks[0][0]) * 0.01, 8);
    expect((await position())?.contracts).toBe(0.01);
  });

  it('a stop-loss goes to the Algo Order API; the old endpoint answers -4120; reduce-only without a position is -2022', async () => {
    const mark = (await position())!.entryPrice;
    const sl = await ex.createOrder(BTC, 'market', 'sell', 0.01, undefined, { stopLossPrice: Math.round(mark * 0.5), reduceOnly: true, clientOrderId: 'kst-sl-1' });
    expect([sl.status, sl.reduceOnly, sl.triggerPrice]).toEqual(['open', true, Math.round(mark * 0.5)]);
    const open = (await ex.fetchOpenOrders(BTC, undefined, undefined, { trigger: true })) as { id: string }[];
    expect(open.map((o) => o.id)).toContain(sl.id);
    const old = await signedCall(mock, key, 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'SELL', type: 'STOP_MARKET', stopPrice: String(Math.round(mark * 0.5)), closePosition: 'true' });
    expect(old.body).toMatchObject({ code: -4120 });
    expect(await errorKind(ex.createOrder('ETH/USDT:USDT', 'market', 'sell', 0.1, undefined, { reduceOnly: true }), venue)).toBe('InvalidOrder');
    await ex.cancelOrder(sl.id, BTC, { trigger: true });
    expect((await ex.fetchOpenOrders(BTC, undefined, undefined, { trigger: true })).length).toBe(0);
  });

  it('a stop that would trigger at once is refused (-2021); a close-position stop triggers when the price reaches it and flattens', async () => {
    const p = await position();
    const risk = (await signedCall(mock, key, 'GET', '/fapi/v2/positionRisk', { symbol: 'BTCUSDT' })).body as { markPrice: string }[];
    const mark = Number(risk[0]!.markPrice);
    expect(p?.contracts).toBe(0.01);
    const now = await signedCall(mock, key, 'POST', '/fapi/v1/algoOrder', { algoType: 'CONDITIONAL', symbol: 'BTCUSDT', side: 'SELL', type: 'STOP_MARKET', triggerPrice: String(Math.round(mark * 1.01)), closePosition: 'true' });
    expect(now.body).toMatchObject({ code: -2021 });
    // A take-profit just above the mark: the walk of the sim's candles reaches it.
    const tp = await ex.createOrder(BTC, 'market', 'sell', 0.01, undefined, { takeProfitPrice: Math.round(mark + 1), reduceOnly: true, clientOrderId: 'kst-tp-1' });
    const done = await until(async () => {
      const o = await ex.fetchOrder(tp.id, BTC, { trigger: true });
      return o.info.algoStatus === 'FINISHED' && o;
    }, 'the take-profit to trigger', 60_000);
    const triggered = await ex.fetchOrder(done.info.actualOrderId, BTC);
    expect([triggered.status, triggered.clientOrderId, triggered.reduceOnly]).toEqual(['closed', 'kst-tp-1', true]);
    expect((await position())?.contracts ?? 0).toBe(0);
  });

  it('more margin than the wallet holds is InsufficientFunds (-2019)', async () => {
    expect(await errorKind(ex.createOrder(BTC, 'market', 'buy', 100), venue)).toBe('InsufficientFunds');
  });

  it('the legacy option accepts STOP_MARKET on /fapi/v1/order (the pre-Algo API behaviour)', async () => {
    const legacy = await startMockExchange({ symbols: generatedSymbols({ symbols: ['BTC/USDT'], days: 1 }), private: { engine: { legacyConditionalOrders: true } } });
    try {
      const k = legacy.private.createKey();
      const r = await signedCall(legacy, k, 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'SELL', type: 'STOP_MARKET', stopPrice: '1000', closePosition: 'true' });
      expect(r.body).toMatchObject({ type: 'STOP_MARKET', status: 'NEW', closePosition: true });
    } finally {
      await legacy.close();
    }
  });
});

describe('futures user data stream', () => {
  it('watchOrders, watchMyTrades and watchBalance see a fill (ORDER_TRADE_UPDATE, ACCOUNT_UPDATE)', async () => {
    const orders = ex.watchOrders(BTC);
    const trades = ex.watchMyTrades(BTC);
    const balance = ex.watchBalance();
    await until(() => mock.private.streams.stats.connections > 0, 'the user stream to connect');
    await new Promise((r) => setTimeout(r, 200));
    const o = await ex.createOrder(BTC, 'market', 'buy', 0.003, undefined, { clientOrderId: 'kst-fw-1' });
    expect(((await orders) as { id: string }[]).some((x) => x.id === o.id)).toBe(true);
    expect(((await trades) as { order: string; amount: number }[]).find((t) => t.order === o.id)?.amount).toBe(0.003);
    // ACCOUNT_UPDATE carries the wallet balance (without unrealized P&L).
    expect((await balance).USDT.total).toBe(Number((await ex.fetchBalance()).info.totalWalletBalance));
  });

  it('an expired listenKey sends listenKeyExpired and closes; keepalive of it is -1125', async () => {
    const { listenKey } = (await signedCall(mock, key, 'POST', '/fapi/v1/listenKey')).body as { listenKey: string };
    const sock = await recordSocket(`${mock.baseUrl.replace('http', 'ws')}/private/ws?listenKey=${listenKey}`);
    await signedCall(mock, key, 'POST', '/fapi/v1/order', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.001' });
    await until(() => sock.messages.some((m) => m.e === 'ORDER_TRADE_UPDATE'), 'an order event');
    await fetch(`${mock.baseUrl}/sim-admin/expire-listen-keys`, { method: 'POST' });
    await sock.closed;
    expect(sock.messages.at(-1)).toMatchObject({ e: 'listenKeyExpired', listenKey });
    const r = await fetch(`${mock.baseUrl}/fapi/v1/listenKey`, { method: 'PUT', headers: { 'X-MBX-APIKEY': key.apiKey } });
    expect(await r.json()).toEqual({ code: -1125, msg: 'This listenKey does not exist.' });
  });
});
