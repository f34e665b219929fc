/**
 * Binance spot's public wire format (REST /api/v3 and the /ws streams), written from the documented field
 * lists. Numbers that Binance sends as strings are strings here too, formatted to the symbol's decimals
 * when that is exact and in shortest round-trip form otherwise, so what a client parses is bit-identical
 * to the mock's ground truth.
 */
import { tradeAt, type MockSymbol, type MockTrade } from './market.ts';

export function num(x: number, decimals: number): string {
  const f = x.toFixed(Math.min(decimals, 20));
  return Number(f) === x ? f : String(x);
}

export const INTERVALS: Record<string, number> = {
  '1m': 60_000, '3m': 180_000, '5m': 300_000, '15m': 900_000, '30m': 1_800_000, '1h': 3_600_000, '2h': 7_200_000,
  '4h': 14_400_000, '6h': 21_600_000, '8h': 28_800_000, '12h': 43_200_000, '1d': 86_400_000,
};

/** `halted`: exchange ids shown with status BREAK (delisted: ccxt reads them as inactive). */
export function exchangeInfo(symbols: readonly MockSymbol[], serverTime: number, halted: ReadonlySet<string> = new Set()): unknown {
  return {
    timezone: 'UTC',
    serverTime,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
    ],
    exchangeFilters: [],
    symbols: symbols.map((s) => ({
      symbol: s.id,
      status: halted.has(s.id) ? 'BREAK' : 'TRADING',
      baseAsset: s.base,
      baseAssetPrecision: 8,
      quoteAsset: s.quote,
      quotePrecision: 8,
      quoteAssetPrecision: 8,
      baseCommissionPrecision: 8,
      quoteCommissionPrecision: 8,
      orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'],
      icebergAllowed: true,
      ocoAllowed: true,
      quoteOrderQtyMarketAllowed: true,
      allowTrailingStop: true,
      cancelReplaceAllowed: true,
      isSpotTradingAllowed: true,
      isMarginTradingAllowed: false,
      filters: [
        { filterType: 'PRICE_FILTER', minPrice: s.tickSize, maxPrice: '1000000.00000000', tickSize: s.tickSize },
        { filterType: 'LOT_SIZE', minQty: s.stepSize, maxQty: '9000.00000000', stepSize: s.stepSize },
        { filterType: 'NOTIONAL', minNotional: s.minNotional, applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
        { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 },
      ],
      permissions: [],
      permissionSets: [['SPOT']],
      defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
      allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
    })),
  };
}

/** Candles of the 1m ground truth aggregated on the fly when a longer interval is asked for. */
export function klineRow(s: MockSymbol, from: number, to: number, intervalMs: number): unknown[] {
  const c = s.candles;
  let o = c.open[from]!;
  let h = c.high[from]!;
  let l = c.low[from]!;
  let v = 0;
  let q = 0;
  for (let i = from; i < to; i++) {
    if (c.high[i]! > h) h = c.high[i]!;
    if (c.low[i]! < l) l = c.low[i]!;
    v += c.volume[i]!;
    q += c.volume[i]! * c.close[i]!;
  }
  o = c.open[from]!;
  const cl = c.close[to - 1]!;
  const t = c.ts[from]! - (c.ts[from]! % intervalMs);
  const pd = s.priceDecimals;
  const qd = to - from === 1 ? s.qtyDecimals : 8;
  return [t, num(o, pd), num(h, pd), num(l, pd), num(cl, pd), num(v, qd), t + intervalMs - 1, num(q, 8), (to - from) * 4, num(v / 2, 8), num(q / 2, 8), '0'];
}

export function restTrade(s: MockSymbol, t: MockTrade): unknown {
  return { id: t.id, price: num(t.price, s.priceDecimals), qty: num(t.qty, s.qtyDecimals), quoteQty: num(t.price * t.qty, 8), time: t.time, isBuyerMaker: t.buyerMaker, isBestMatch: true };
}

export function aggTrade(s: MockSymbol, t: MockTrade): unknown {
  return { a: t.id, p: num(t.price, s.priceDecimals), q: num(t.qty, s.qtyDecimals), f: t.id, l: t.id, T: t.time, m: t.buyerMaker, M: true };
}

export function depth(s: MockSymbol, limit: number): unknown {
  const bids = [...s.book.bids].sort((a, b) => b[0] - a[0]).slice(0, limit);
  const asks = [...s.book.asks].sort((a, b) => a[0] - b[0]).slice(0, limit);
  const lvl = ([p, q]: [number, number]) => [num(p, s.priceDecimals), num(q, s.qtyDecimals)];
  return { lastUpdateId: s.book.updateId, bids: bids.map(lvl), asks: asks.map(lvl) };
}

export function ticker24h(s: MockSymbol, at: number): unknown {
  const c = s.candles;
  const end = Math.max(1, at);
  const start = Math.max(0, end - 1440);
  let h = -Infinity;
  let l = Infinity;
  let v = 0;
  for (let i = start; i < end; i++) {
    h = Math.max(h, c.high[i]!);
    l = Math.min(l, c.low[i]!);
    v += c.volume[i]!;
  }
  const open = c.open[start]!;
  const last = c.close[end - 1]!;
  const pd = s.priceDecimals;
  const [bid] = [...s.book.bids.keys()].sort((a, b) => b - a);
  const [ask] = [...s.book.asks.keys()].sort((a, b) => a - b);
  return {
    symbol: s.id, priceChange: num(last - open, 8), priceChangePercent: ((last / open - 1) * 100).toFixed(3), weightedAvgPrice: num(last, pd),
    prevClosePrice: num(open, pd), lastPrice: num(last, pd), lastQty: '1.00000000', bidPrice: num(bid ?? last, pd), bidQty: '1.00000000',
    askPrice: num(ask ?? last, pd), askQty: '1.00000000', openPrice: num(open, pd), highPrice: num(h, pd), lowPrice: num(l, pd),
    volume: num(v, 8), quoteVolume: num(v * last, 8), openTime: c.ts[start]!, closeTime: c.ts[end - 1]! + 59_999,
    firstId: start * 4, lastId: end * 4 - 1, count: (end - start) * 4,
  };
}

// ── stream events ───────────────────────────────────────────────────────────────────────────────────────

export function klineEvent(s: MockSymbol, i: number, interval: string, closed: boolean, eventTime: number): unknown {
  const c = s.candles;
  const pd = s.priceDecimals;
  return {
    e: 'kline', E: eventTime, s: s.id,
    k: {
      t: c.ts[i]!, T: c.ts[i]! + 59_999, s: s.id, i: interval, f: i * 4, L: i * 4 + 3,
      o: num(c.open[i]!, pd), c: num(c.close[i]!, pd), h: num(c.high[i]!, pd), l: num(c.low[i]!, pd), v: num(c.volume[i]!, s.qtyDecimals),
      n: 4, x: closed, q: num(c.volume[i]! * c.close[i]!, 8), V: num(c.volume[i]! / 2, 8), Q: num((c.volume[i]! * c.close[i]!) / 2, 8), B: '0',
    },
  };
}

export function tradeEvent(s: MockSymbol, id: number, eventTime: number): unknown {
  const t = tradeAt(s, id);
  return { e: 'trade', E: eventTime, s: s.id, t: t.id, p: num(t.price, s.priceDecimals), q: num(t.qty, s.qtyDecimals), T: t.time, m: t.buyerMaker, M: true };
}

export function aggTradeEvent(s: MockSymbol, id: number, eventTime: number): unknown {
  return { e: 'aggTrade', E: eventTime, s: s.id, ...(aggTrade(s, tradeAt(s, id)) as object) };
}

export function depthEvent(s: MockSymbol, d: { U: number; u: number; b: [number, number][]; a: [number, number][] }, eventTime: number): unknown {
  const lvl = ([p, q]: [number, number]) => [num(p, s.priceDecimals), num(q, s.qtyDecimals)];
  return { e: 'depthUpdate', E: eventTime, s: s.id, U: d.U, u: d.u, b: d.b.map(lvl), a: d.a.map(lvl) };
}

export function tickerEvent(s: MockSymbol, at: number, eventTime: number): unknown {
  const t = ticker24h(s, at) as Record<string, unknown>;
  return {
    e: '24hrTicker', E: eventTime, s: s.id, p: t.priceChange, P: t.priceChangePercent, w: t.weightedAvgPrice, x: t.prevClosePrice, c: t.lastPrice,
    Q: t.lastQty, b: t.bidPrice, B: t.bidQty, a: t.askPrice, A: t.askQty, o: t.openPrice, h: t.highPrice, l: t.lowPrice, v: t.volume,
    q: t.quoteVolume, O: t.openTime, C: t.closeTime, F: t.firstId, L: t.lastId, n: t.count,
  };
}

export function miniTickerEvent(s: MockSymbol, at: number, eventTime: number): unknown {
  const t = ticker24h(s, at) as Record<string, unknown>;
  return { e: '24hrMiniTicker', E: eventTime, s: s.id, c: t.lastPrice, o: t.openPrice, h: t.highPrice, l: t.lowPrice, v: t.volume, q: t.quoteVolume };
}

export function apiError(code: number, msg: string): unknown {
  return { code, msg };
}
