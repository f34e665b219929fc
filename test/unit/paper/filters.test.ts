/**
 * Venue-true instruments: the filters of a ccxt market (Binance-shaped) become the instrument's, and the
 * paper venue refuses what the exchange would, with the exchange's reason.
 */
import { describe, expect, it } from 'vitest';
import type { Market } from 'ccxt';
import { harness, px } from '../core/engine-fixtures.ts';
import { marketToInstrument } from '../../../main/venues/ccxt/instruments.ts';
import { qtyToLots, priceToTicks } from '../../../main/core/model/index.ts';

const S = 'BTC/USDT';

function binanceMarket(over: Record<string, unknown> = {}): NonNullable<Market> {
  return {
    symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', spot: true, swap: false,
    precision: { price: 0.01, amount: 0.00001 },
    limits: { amount: { min: 0.00001, max: 9000 }, cost: { min: 5 }, leverage: {} },
    maker: 0.001, taker: 0.001,
    info: { filters: [{ filterType: 'PRICE_FILTER' }, { filterType: 'PERCENT_PRICE_BY_SIDE', bidMultiplierUp: '5', bidMultiplierDown: '0.2', askMultiplierUp: '5', askMultiplierDown: '0.2' }] },
    ...over,
  } as unknown as NonNullable<Market>;
}

describe('venue-true instruments from ccxt market data', () => {
  it('tick, lot, min qty, max qty, min notional, price band and fees come from the market', () => {
    const i = marketToInstrument(binanceMarket(), 'binance', 4)!;
    expect(i).toMatchObject({ tickSize: '0.01', lotSize: '0.00001', minQty: '0.00001', maxQty: '9000', minNotional: '5', priceBandUp: '5', priceBandDown: '0.2', makerFee: '0.001', takerFee: '0.001' });
    expect(i.maxQtyLots).toBe(900_000_000);
  });

  it('hostile filters (text, negative, missing) give no band rather than a wrong one', () => {
    const i = marketToInstrument(binanceMarket({ info: { filters: [{ filterType: 'PERCENT_PRICE', multiplierUp: 'x', multiplierDown: '-1' }, null] } }), 'binance', 4)!;
    expect([i.priceBandUp, i.priceBandDown]).toEqual(['0', '0']);
  });

  it('a perpetual carries its max leverage', () => {
    const i = marketToInstrument(binanceMarket({ spot: false, swap: true, symbol: 'BTC/USDT:USDT', limits: { amount: { min: 0.001 }, cost: { min: 100 }, leverage: { max: 125 } } }), 'binanceusdm', 4)!;
    expect(i).toMatchObject({ kind: 'perpetual', maxLeverage: 125, minNotional: '100' });
  });

  it('a perpetual\'s publicly stated margin (maintMarginPercent 2.5, requiredMarginPercent 5) is one tier: 2.5 % maintenance, 20× max; hostile figures give the default', () => {
    const perp = (info: Record<string, unknown>) => marketToInstrument(binanceMarket({ spot: false, swap: true, symbol: 'BTC/USDT:USDT', limits: { amount: { min: 0.001 }, leverage: {} }, info }), 'binanceusdm', 4)!;
    expect(perp({ maintMarginPercent: '2.5000', requiredMarginPercent: '5.0000' })).toMatchObject({ maxLeverage: 20, marginTiers: [{ maxNotional: '0', maintenanceRate: '0.025', maxLeverage: 20 }] });
    expect(perp({ maintMarginPercent: 'x', requiredMarginPercent: '-1' })).toMatchObject({ maxLeverage: 20, marginTiers: [] });
  });
});

describe('orders the exchange would refuse are refused with its reason', () => {
  it('min notional: a market buy worth 4.02 on a 5 USDT minimum → Filter failure: NOTIONAL', () => {
    const h = harness({ spec: { minNotional: '5' }, venue: { exchangeFilters: true } });
    h.engine.onBook({ kind: 'snapshot', symbol: S, ts: 1, bids: [[100.4, 1]], asks: [[100.5, 1]] });
    const o = h.engine.submit({ symbol: S, side: 'buy', type: 'market', qty: 40 }); // 0.04 × 100.50 = 4.02
    expect(h.engine.order(o.clientOrderId)).toMatchObject({ state: 'rejected', reason: 'Filter failure: NOTIONAL' });
    const ok = h.engine.submit({ symbol: S, side: 'buy', type: 'market', qty: 50 }); // 5.025
    expect(h.engine.order(ok.clientOrderId)!.state).toBe('accepted');
  });

  it('min qty 0.01 BTC: 0.005 → Filter failure: LOT_SIZE; max qty 2 BTC: 2.001 → the same', () => {
    const h = harness({ spec: { minQty: '0.01', maxQty: '2' } });
    h.bar([100, 101, 99, 100]);
    const small = h.engine.submit({ symbol: S, side: 'buy', type: 'limit', qty: 5, price: px(99) });
    const big = h.engine.submit({ symbol: S, side: 'buy', type: 'limit', qty: 2001, price: px(99) });
    const fine = h.engine.submit({ symbol: S, side: 'buy', type: 'limit', qty: 10, price: px(99) });
    expect([small, big, fine].map((o) => [h.engine.order(o.clientOrderId)!.state, h.engine.order(o.clientOrderId)!.reason ?? null])).toEqual([
      ['rejected', 'Filter failure: LOT_SIZE'], ['rejected', 'Filter failure: LOT_SIZE'], ['accepted', null],
    ]);
  });

  it('price band ×0.8–×1.2 around the last close 100: a bid at 79 or an ask at 121 → Filter failure: PERCENT_PRICE', () => {
    const h = harness({ spec: { priceBandUp: '1.2', priceBandDown: '0.8' } });
    h.bar([100, 101, 99, 100]);
    const low = h.engine.submit({ symbol: S, side: 'buy', type: 'limit', qty: 100, price: px(79) });
    const high = h.engine.submit({ symbol: S, side: 'sell', type: 'limit', qty: 100, price: px(121) });
    const inside = h.engine.submit({ symbol: S, side: 'buy', type: 'limit', qty: 100, price: px(81) });
    expect([low, high, inside].map((o) => h.engine.order(o.clientOrderId)!.reason ?? h.engine.order(o.clientOrderId)!.state)).toEqual(['Filter failure: PERCENT_PRICE', 'Filter failure: PERCENT_PRICE', 'accepted']);
  });

  it('lot step and tick size: a decimal quantity or price off the grid is refused naming the exchange filter', () => {
    const h = harness();
    expect(() => qtyToLots(h.inst, '0.0015')).toThrow(/not a multiple of 0\.001 \(Filter failure: LOT_SIZE\)/);
    expect(() => priceToTicks(h.inst, '100.005')).toThrow(/not a multiple of 0\.01 \(Filter failure: PRICE_FILTER\)/);
  });
});
