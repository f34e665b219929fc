/**
 * The few public USDⓈ-M endpoints a futures client needs before it can trade Kestrel Sim's perpetuals:
 * ping, time, exchangeInfo (each sim symbol is also a USDT-margined perpetual on the same prices), the
 * mark price and funding (premiumIndex, fundingRate history: funding.ts), ticker price and depth; and the mark price
 * stream (`<symbol>@markPrice` every 3 s, `<symbol>@markPrice@1s`, published by server.ts). The perpetuals' trades, book
 * and candles are the spot pair's streams (the same prices).
 *
 * One sim extension: each exchangeInfo symbol also carries `brackets`, its leverage brackets in the shape of the
 * signed GET /fapi/v1/leverageBracket rows. Binance publishes its tiers on its website but serves them to API
 * clients only signed; the sim states them publicly so a keyless (paper) client margins on the same tiers a sim
 * account's key reads (ccxt keeps the raw symbol as the market's `info`).
 */
import { numberFromText } from '../../core/model/number-text.ts';
import type { MockSymbol } from './market.ts';
import { bracketsOf } from './futures-brackets.ts';
import { fundingHistory, nextFunding } from './funding.ts';
import { depth, num } from './wire.ts';

export function handleFuturesPublic(path: string, q: URLSearchParams, symbols: ReadonlyMap<string, MockSymbol>, mid: (s: MockSymbol) => number, now: number): { status: number; body: unknown } | undefined {
  const pick = (): MockSymbol[] | undefined => {
    const one = q.get('symbol');
    if (!one) return [...symbols.values()];
    const s = symbols.get(one);
    return s ? [s] : undefined;
  };
  const invalid = { status: 400, body: { code: -1121, msg: 'Invalid symbol.' } };
  switch (path) {
    case '/fapi/v1/ping':
      return { status: 200, body: {} };
    case '/fapi/v1/time':
      return { status: 200, body: { serverTime: now } };
    case '/fapi/v1/exchangeInfo':
      return { status: 200, body: futuresExchangeInfo([...symbols.values()], now) };
    case '/fapi/v1/premiumIndex': {
      const list = pick();
      if (!list) return invalid;
      const rows = list.map((s) => {
        const m = num(mid(s), s.priceDecimals);
        return { symbol: s.id, markPrice: m, indexPrice: m, estimatedSettlePrice: m, ...nextFunding(s, now, mid(s)), interestRate: '0.00010000', time: now };
      });
      return { status: 200, body: q.get('symbol') ? rows[0] : rows };
    }
    case '/fapi/v1/fundingRate': {
      const list = pick();
      if (!list) return invalid;
      const n = (k: string): number | undefined => {
        const v = q.get(k);
        // A blank or padded value is malformed, not 0 (Number(' ') is): refused below as Binance refuses it.
        return v === null || v === '' ? undefined : numberFromText(v);
      };
      const range = { startTime: n('startTime'), endTime: n('endTime'), limit: n('limit') };
      if (Object.values(range).some((v) => v !== undefined && !Number.isSafeInteger(v))) return { status: 400, body: { code: -1100, msg: 'Illegal characters found in a parameter.' } };
      const defined = Object.fromEntries(Object.entries(range).filter(([, v]) => v !== undefined)) as { startTime?: number; endTime?: number; limit?: number };
      const rows = list.flatMap((s) => fundingHistory(s, now, defined)).sort((a, b) => a.fundingTime - b.fundingTime);
      return { status: 200, body: rows.slice(0, Math.min(1000, defined.limit ?? 100)) };
    }
    case '/fapi/v1/ticker/price':
    case '/fapi/v2/ticker/price': {
      const list = pick();
      if (!list) return invalid;
      const rows = list.map((s) => ({ symbol: s.id, price: num(mid(s), s.priceDecimals), time: now }));
      return { status: 200, body: q.get('symbol') ? rows[0] : rows };
    }
    case '/fapi/v1/depth': {
      const s = symbols.get(q.get('symbol') ?? '');
      if (!s) return invalid;
      return { status: 200, body: { ...(depth(s, Math.min(1000, Number(q.get('limit') ?? 500) || 500)) as object), E: now, T: now } };
    }
    default:
      return undefined;
  }
}

function futuresExchangeInfo(symbols: readonly MockSymbol[], now: number): unknown {
  return {
    timezone: 'UTC',
    serverTime: now,
    futuresType: 'U_MARGINED',
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
    ],
    exchangeFilters: [],
    assets: [{ asset: 'USDT', marginAvailable: true, autoAssetExchange: '-10000' }],
    symbols: symbols.map((s) => ({
      symbol: s.id, pair: s.id, contractType: 'PERPETUAL', deliveryDate: 4_133_404_800_000, onboardDate: 1_569_398_400_000, status: 'TRADING',
      maintMarginPercent: '2.5000', requiredMarginPercent: '5.0000', brackets: bracketsOf(s.id), baseAsset: s.base, quoteAsset: s.quote, marginAsset: s.quote,
      pricePrecision: s.priceDecimals, quantityPrecision: s.qtyDecimals, baseAssetPrecision: 8, quotePrecision: 8, underlyingType: 'COIN', underlyingSubType: [],
      triggerProtect: '0.0500', liquidationFee: '0.012500', marketTakeBound: '0.05', maxMoveOrderLimit: 10000,
      filters: [
        { filterType: 'PRICE_FILTER', minPrice: s.tickSize, maxPrice: '1000000', tickSize: s.tickSize },
        { filterType: 'LOT_SIZE', stepSize: s.stepSize, minQty: s.stepSize, maxQty: '9000' },
        { filterType: 'MARKET_LOT_SIZE', stepSize: s.stepSize, minQty: s.stepSize, maxQty: '9000' },
        { filterType: 'MAX_NUM_ORDERS', limit: 200 },
        { filterType: 'MAX_NUM_ALGO_ORDERS', limit: 10 },
        { filterType: 'MIN_NOTIONAL', notional: s.minNotional.replace(/\.?0+$/, '') },
        { filterType: 'PERCENT_PRICE', multiplierUp: '1.0500', multiplierDown: '0.9500', multiplierDecimal: '4' },
      ],
      orderTypes: ['LIMIT', 'MARKET', 'STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'],
      timeInForce: ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'],
      permissionSets: ['GRID', 'COPY'],
    })),
  };
}

/** Seconds between two mark-price events of a stream, as Binance publishes them. */
export const MARK_STREAMS: readonly (readonly [suffix: string, everyMs: number])[] = [['@markPrice', 3_000], ['@markPrice@1s', 1_000]];

/** A `markPriceUpdate` event (the mark is the sim's mid, as in premiumIndex; index and settle price equal it). */
export function markPriceEvent(s: MockSymbol, mark: number, now: number): Record<string, unknown> {
  const m = num(mark, s.priceDecimals);
  const f = nextFunding(s, now, mark);
  return { e: 'markPriceUpdate', E: now, s: s.id, p: m, i: m, P: m, r: f.lastFundingRate, T: f.nextFundingTime };
}
