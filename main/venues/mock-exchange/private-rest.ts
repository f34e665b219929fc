/**
 * Kestrel Sim's private REST endpoints in Binance's paths and formats: spot /api/v3 (order, openOrders,
 * allOrders, myTrades, account, order/cancelReplace, userDataStream), USDⓈ-M /fapi (order, algoOrder,
 * openOrders, allOrders, userTrades, account, positionRisk, leverage, marginType, leverageBracket, symbolConfig, listenKey) and the key's
 * /sapi/v1/account/apiRestrictions. Authentication is checked by the caller (private-api.ts).
 */
import { money, moneyToString, type Money } from '../../core/model/money.ts';
import { bracketsOf, EXCEEDED_AT_LEVERAGE, maxLeverageOf, maxNotionalAt, positionExposure as exposure } from './futures-brackets.ts';
import { fail, type ApiFailure, type SimKey } from './signing.ts';
import type { Side, SimMarket, SimOrder } from './sim-account.ts';
import type { SimEngine } from './sim-engine.ts';
import { algoOrder, futuresAccount, futuresOrder, futuresTrade, futuresView, positionRisk, spotAccount, spotCancel, spotOrder, spotOrderAck, spotTrade } from './private-wire.ts';

export interface PrivateReply {
  readonly status: number;
  readonly body: unknown;
}

export interface PrivateContext {
  readonly engine: SimEngine;
  readonly now: number;
  mark(symbol: string): Money | undefined;
}

/** Which endpoints need which credentials: SIGNED (key + signature + timestamp) or USER_STREAM (key only). */
export type Security = 'SIGNED' | 'USER_STREAM';

const ROUTES: Record<string, Security> = {
  'POST /api/v3/order': 'SIGNED', 'DELETE /api/v3/order': 'SIGNED', 'GET /api/v3/order': 'SIGNED', 'GET /api/v3/openOrders': 'SIGNED', 'DELETE /api/v3/openOrders': 'SIGNED',
  'GET /api/v3/allOrders': 'SIGNED', 'GET /api/v3/myTrades': 'SIGNED', 'GET /api/v3/account': 'SIGNED', 'POST /api/v3/order/cancelReplace': 'SIGNED',
  'POST /api/v3/userDataStream': 'USER_STREAM', 'PUT /api/v3/userDataStream': 'USER_STREAM', 'DELETE /api/v3/userDataStream': 'USER_STREAM',
  'GET /sapi/v1/account/apiRestrictions': 'SIGNED',
  'POST /fapi/v1/order': 'SIGNED', 'DELETE /fapi/v1/order': 'SIGNED', 'GET /fapi/v1/order': 'SIGNED', 'GET /fapi/v1/openOrders': 'SIGNED', 'DELETE /fapi/v1/allOpenOrders': 'SIGNED',
  'GET /fapi/v1/allOrders': 'SIGNED', 'GET /fapi/v1/userTrades': 'SIGNED', 'GET /fapi/v2/account': 'SIGNED', 'GET /fapi/v3/account': 'SIGNED', 'GET /fapi/v2/balance': 'SIGNED',
  'GET /fapi/v3/balance': 'SIGNED', 'GET /fapi/v2/positionRisk': 'SIGNED', 'GET /fapi/v3/positionRisk': 'SIGNED', 'POST /fapi/v1/leverage': 'SIGNED', 'GET /fapi/v1/leverageBracket': 'SIGNED', 'POST /fapi/v1/marginType': 'SIGNED', 'GET /fapi/v1/symbolConfig': 'SIGNED',
  'POST /fapi/v1/algoOrder': 'SIGNED', 'DELETE /fapi/v1/algoOrder': 'SIGNED', 'GET /fapi/v1/algoOrder': 'SIGNED', 'GET /fapi/v1/openAlgoOrders': 'SIGNED', 'GET /fapi/v1/allAlgoOrders': 'SIGNED',
  'POST /fapi/v1/listenKey': 'USER_STREAM', 'PUT /fapi/v1/listenKey': 'USER_STREAM', 'DELETE /fapi/v1/listenKey': 'USER_STREAM',
};

export function routeSecurity(method: string, path: string): Security | undefined {
  return ROUTES[`${method} ${path}`];
}

const ok = (body: unknown): PrivateReply => ({ status: 200, body });
const err = (f: ApiFailure): PrivateReply => ({ status: f.status, body: { code: f.code, msg: f.msg } });
const isFailure = (x: unknown): x is ApiFailure => typeof x === 'object' && x !== null && 'code' in x && 'msg' in x && 'status' in x;

function decimal(p: URLSearchParams, name: string): Money | undefined | ApiFailure {
  const v = p.get(name);
  if (v === null || v === '') return undefined;
  if (!/^\d{1,20}(\.\d{1,20})?$/.test(v)) return fail(-1100, `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`);
  return money(v);
}

function integer(p: URLSearchParams, name: string): number | undefined | ApiFailure {
  const v = p.get(name);
  if (v === null || v === '') return undefined;
  if (!/^\d{1,19}$/.test(v)) return fail(-1100, `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`);
  return Number(v);
}

function required(p: URLSearchParams, name: string): string | ApiFailure {
  const v = p.get(name);
  return v === null || v === '' ? fail(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`) : v;
}

function side(p: URLSearchParams): Side | ApiFailure {
  const s = required(p, 'side');
  if (isFailure(s)) return s;
  return s === 'BUY' || s === 'SELL' ? s : fail(-1100, "Illegal characters found in parameter 'side'.");
}

function symbolOf(ctx: PrivateContext, p: URLSearchParams): string | ApiFailure {
  const s = required(p, 'symbol');
  if (isFailure(s)) return s;
  return ctx.mark(s) === undefined ? fail(-1121, 'Invalid symbol.') : s;
}

/** One order's selector: orderId or origClientOrderId, as Binance requires one of them. */
function selector(p: URLSearchParams): { orderId?: number; clientOrderId?: string } | ApiFailure {
  const id = integer(p, 'orderId');
  if (isFailure(id)) return id;
  const client = p.get('origClientOrderId') ?? undefined;
  if (id === undefined && !client) return fail(-1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
  return id !== undefined ? { orderId: id } : { clientOrderId: client! };
}

function orderRequest(p: URLSearchParams, symbol: string): Parameters<SimEngine['place']>[2] | ApiFailure {
  const sd = side(p);
  if (isFailure(sd)) return sd;
  const type = required(p, 'type');
  if (isFailure(type)) return type;
  const fields = { quantity: decimal(p, 'quantity'), quoteOrderQty: decimal(p, 'quoteOrderQty'), price: decimal(p, 'price'), stopPrice: decimal(p, 'stopPrice') };
  for (const v of Object.values(fields)) if (isFailure(v)) return v;
  const f = fields as { [K in keyof typeof fields]: Money | undefined };
  const clientOrderId = p.get('newClientOrderId') ?? undefined;
  if (clientOrderId !== undefined && !/^[.A-Za-z0-9:/_-]{1,36}$/.test(clientOrderId)) return fail(-1100, "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.");
  return {
    symbol, side: sd, type, ...(p.get('timeInForce') ? { timeInForce: p.get('timeInForce')! } : {}), ...(f.quantity !== undefined ? { quantity: f.quantity } : {}),
    ...(f.quoteOrderQty !== undefined ? { quoteOrderQty: f.quoteOrderQty } : {}), ...(f.price !== undefined ? { price: f.price } : {}),
    ...(f.stopPrice !== undefined ? { stopPrice: f.stopPrice } : {}), ...(clientOrderId !== undefined ? { clientOrderId } : {}),
    reduceOnly: p.get('reduceOnly') === 'true', closePosition: p.get('closePosition') === 'true',
  };
}

/** orderId / startTime / endTime / limit windows of allOrders, myTrades and userTrades. */
function windowed<T extends { time: number }>(rows: T[], p: URLSearchParams, idOf: (r: T) => number, idParam: string): T[] | ApiFailure {
  const from = integer(p, idParam);
  const start = integer(p, 'startTime');
  const end = integer(p, 'endTime');
  const limit = integer(p, 'limit');
  for (const v of [from, start, end, limit]) if (isFailure(v)) return v;
  const n = Math.min(1000, (limit as number | undefined) ?? 500);
  let out = rows;
  if (from !== undefined) out = out.filter((r) => idOf(r) >= (from as number));
  if (start !== undefined) out = out.filter((r) => r.time >= (start as number));
  if (end !== undefined) out = out.filter((r) => r.time <= (end as number));
  // Binance returns the oldest `limit` rows from a starting point, otherwise the newest.
  return from !== undefined || start !== undefined ? out.slice(0, n) : out.slice(-n);
}

export function handlePrivate(method: string, path: string, p: URLSearchParams, key: SimKey, ctx: PrivateContext): PrivateReply {
  const r = route(method, path, p, key, ctx);
  return isFailure(r) ? err(r) : r;
}

function route(method: string, path: string, p: URLSearchParams, key: SimKey, ctx: PrivateContext): PrivateReply | ApiFailure {
  const { engine } = ctx;
  const acct = engine.account(key.account);
  const market: SimMarket = path.startsWith('/fapi') ? 'futures' : 'spot';
  const trading = market === 'spot' ? key.enableSpotAndMarginTrading : key.enableFutures;
  const op = `${method} ${path}`;
  if (method !== 'GET' && !trading && !path.endsWith('listenKey') && !path.endsWith('userDataStream')) return fail(-2015, 'Invalid API-key, IP, or permissions for action.', 401);
  switch (op) {
    case 'GET /sapi/v1/account/apiRestrictions':
      return ok({
        ipRestrict: key.ipRestrict, createTime: key.createTime, enableReading: key.enableReading, enableWithdrawals: key.enableWithdrawals, enableInternalTransfer: false,
        enableMargin: false, enableFutures: key.enableFutures, permitsUniversalTransfer: false, enableVanillaOptions: false, enableFixApiTrade: false, enableFixReadOnly: false,
        enableSpotAndMarginTrading: key.enableSpotAndMarginTrading, enablePortfolioMarginTrading: false,
      });
    case 'GET /api/v3/account':
      return ok(spotAccount(acct, key.enableWithdrawals, ctx.now));
    case 'GET /fapi/v2/account':
    case 'GET /fapi/v3/account':
      return ok(futuresAccount(futuresView(acct, (s) => ctx.mark(s)), path.includes('/v2/') ? 2 : 3, ctx.now));
    case 'GET /fapi/v2/balance':
    case 'GET /fapi/v3/balance': {
      const a = futuresAccount(futuresView(acct, (s) => ctx.mark(s)), 3, ctx.now) as { assets: Record<string, unknown>[] };
      return ok(a.assets.map((x) => ({ accountAlias: 'SgsR', asset: x.asset, balance: x.walletBalance, crossWalletBalance: x.crossWalletBalance, crossUnPnl: x.crossUnPnl, availableBalance: x.availableBalance, maxWithdrawAmount: x.maxWithdrawAmount, marginAvailable: true, updateTime: ctx.now })));
    }
    case 'GET /fapi/v2/positionRisk':
    case 'GET /fapi/v3/positionRisk': {
      const sym = p.get('symbol');
      const rows = positionRisk(futuresView(acct, (s) => ctx.mark(s)), path.includes('/v2/') ? 2 : 3);
      return ok(sym ? rows.filter((x) => x.symbol === sym) : rows);
    }
    case 'GET /fapi/v1/leverageBracket': {
      // With a symbol, one object; without, the list of every symbol (Binance's two forms).
      const one = p.get('symbol');
      if (one && ctx.mark(one) === undefined) return fail(-1121, 'Invalid symbol.');
      const row = (symbol: string) => ({ symbol, brackets: bracketsOf(symbol) });
      return ok(one ? row(one) : [...ctx.engine.symbols()].map(row));
    }
    case 'GET /fapi/v1/symbolConfig': {
      // Each symbol's leverage and margin type (what ccxt's fetchLeverages / fetchMarginModes read).
      const one = p.get('symbol');
      if (one && ctx.mark(one) === undefined) return fail(-1121, 'Invalid symbol.');
      return ok((one ? [one] : [...ctx.engine.symbols()]).map((symbol) => {
        const pos = acct.positions.get(symbol);
        const lev = pos?.leverage ?? 20;
        return { symbol, marginType: pos?.isolated ? 'ISOLATED' : 'CROSSED', isAutoAddMargin: 'false', leverage: lev, maxNotionalValue: moneyToString(maxNotionalAt(symbol, lev), 0) };
      }));
    }
    case 'POST /fapi/v1/leverage': {
      const sym = symbolOf(ctx, p);
      if (isFailure(sym)) return sym;
      const lev = integer(p, 'leverage');
      if (isFailure(lev) || lev === undefined || lev < 1 || lev > maxLeverageOf(sym)) return fail(-4028, `Leverage ${p.get('leverage') ?? ''} is not valid`);
      const cap = maxNotionalAt(sym, lev);
      if (exposure(acct, sym, ctx.mark(sym)!) > cap) return fail(EXCEEDED_AT_LEVERAGE.code, EXCEEDED_AT_LEVERAGE.msg);
      acct.position(sym).leverage = lev;
      return ok({ leverage: lev, maxNotionalValue: moneyToString(cap, 0), symbol: sym });
    }
    case 'POST /fapi/v1/marginType': {
      const sym = symbolOf(ctx, p);
      if (isFailure(sym)) return sym;
      const type = required(p, 'marginType');
      if (isFailure(type)) return type;
      if (type !== 'ISOLATED' && type !== 'CROSSED') return fail(-1100, "Illegal characters found in parameter 'marginType'; legal range is 'ISOLATED, CROSSED'.");
      const pos = acct.position(sym);
      if (pos.isolated === (type === 'ISOLATED')) return fail(-4046, 'No need to change margin type.');
      if (pos.amt !== 0n) return fail(-4048, 'Margin type cannot be changed if there exists position.');
      if (acct.openOrders('futures', sym).length > 0 || [...acct.algos.values()].some((a) => a.symbol === sym && a.status === 'NEW')) return fail(-4047, 'Margin type cannot be changed if there exists open orders.');
      pos.isolated = type === 'ISOLATED';
      return ok({ code: 200, msg: 'success' });
    }
    default:
  }
  const view = market === 'spot' ? spotOrder : futuresOrder;
  const algo = handleAlgoBySelector(method, path, p, key, engine);
  if (algo) return algo;
  if ((op === 'GET /api/v3/openOrders' || op === 'GET /fapi/v1/openOrders') && !p.get('symbol')) return ok(acct.openOrders(market).map(view));
  const sym = symbolOf(ctx, p);
  if (isFailure(sym)) return sym;
  switch (op) {
    case 'POST /api/v3/order':
    case 'POST /fapi/v1/order': {
      const req = orderRequest(p, sym);
      if (isFailure(req)) return req;
      const before = acct.trades.length;
      const o = engine.place(key.account, market, req);
      if (isFailure(o)) return o;
      if (market === 'futures') return ok(futuresOrder(o));
      return ok(spotOrderAck(o, acct.trades.slice(before).filter((t) => t.orderId === o.orderId), p.get('newOrderRespType') ?? (o.type === 'MARKET' || o.type === 'LIMIT' ? 'FULL' : 'ACK')));
    }
    case 'GET /api/v3/order':
    case 'GET /fapi/v1/order': {
      const sel = selector(p);
      if (isFailure(sel)) return sel;
      const o = engine.find(acct, market, sym, sel);
      return o ? ok(view(o)) : fail(-2013, 'Order does not exist.');
    }
    case 'DELETE /api/v3/order':
    case 'DELETE /fapi/v1/order': {
      const sel = selector(p);
      if (isFailure(sel)) return sel;
      const o = engine.cancel(key.account, market, sym, sel);
      if (isFailure(o)) return o;
      return ok(market === 'spot' ? spotCancel(o) : futuresOrder(o));
    }
    case 'GET /api/v3/openOrders':
    case 'GET /fapi/v1/openOrders':
      return ok(acct.openOrders(market, sym).map(view));
    case 'DELETE /api/v3/openOrders':
    case 'DELETE /fapi/v1/allOpenOrders': {
      const closed = engine.cancelAll(key.account, market, sym);
      if (market === 'spot') return closed.length ? ok(closed.map(spotCancel)) : fail(-2011, 'Unknown order sent.');
      return ok({ code: 200, msg: 'The operation of cancel all open order is done.' });
    }
    case 'GET /api/v3/allOrders':
    case 'GET /fapi/v1/allOrders': {
      const rows = windowed([...acct.orders.values()].filter((o) => o.market === market && o.symbol === sym), p, (o: SimOrder) => o.orderId, 'orderId');
      return isFailure(rows) ? rows : ok(rows.map(view));
    }
    case 'GET /api/v3/myTrades':
    case 'GET /fapi/v1/userTrades': {
      const oid = integer(p, 'orderId');
      if (isFailure(oid)) return oid;
      let trades = acct.trades.filter((t) => t.market === market && t.symbol === sym && (oid === undefined || t.orderId === oid));
      const rows = windowed(trades, p, (t) => t.id, 'fromId');
      if (isFailure(rows)) return rows;
      trades = rows;
      return ok(trades.map(market === 'spot' ? spotTrade : futuresTrade));
    }
    case 'POST /api/v3/order/cancelReplace':
      return cancelReplace(p, sym, key, ctx);
    case 'POST /fapi/v1/algoOrder': {
      const sd = side(p);
      if (isFailure(sd)) return sd;
      const type = required(p, 'type');
      if (isFailure(type)) return type;
      const trig = decimal(p, 'triggerPrice');
      const qty = decimal(p, 'quantity');
      if (isFailure(trig)) return trig;
      if (isFailure(qty)) return qty;
      if (trig === undefined) return fail(-1102, "Mandatory parameter 'triggerPrice' was not sent, was empty/null, or malformed.");
      if (p.get('algoType') !== 'CONDITIONAL') return fail(-1102, "Mandatory parameter 'algoType' was not sent, was empty/null, or malformed.");
      const al = engine.placeAlgo(key.account, {
        symbol: sym, side: sd, type, triggerPrice: trig, ...(qty !== undefined ? { quantity: qty } : {}), ...(p.get('clientAlgoId') ? { clientAlgoId: p.get('clientAlgoId')! } : {}),
        reduceOnly: p.get('reduceOnly') === 'true', closePosition: p.get('closePosition') === 'true',
      });
      return isFailure(al) ? al : ok(algoOrder(al));
    }
    default:
      return fail(-1000, `Kestrel Sim does not implement ${op}.`);
  }
}

/** Algo endpoints that do not need a symbol (GET/DELETE by id, open list of all symbols). */
export function handleAlgoBySelector(method: string, path: string, p: URLSearchParams, key: SimKey, engine: SimEngine): PrivateReply | undefined {
  if (!/^\/fapi\/v1\/(algoOrder|openAlgoOrders|allAlgoOrders)$/.test(path) || (method === 'POST' && path === '/fapi/v1/algoOrder')) return undefined;
  const acct = engine.account(key.account);
  const idText = integer(p, 'algoId');
  if (isFailure(idText)) return err(idText);
  const sel = idText !== undefined ? { algoId: idText } : p.get('clientAlgoId') ? { clientAlgoId: p.get('clientAlgoId')! } : undefined;
  if (method === 'DELETE' && path === '/fapi/v1/algoOrder') {
    if (!sel) return err(fail(-1102, "Param 'clientAlgoId' or 'algoId' must be sent, but both were empty/null!"));
    const al = engine.cancelAlgo(key.account, sel);
    return isFailure(al) ? err(al) : ok({ algoId: al.algoId, clientAlgoId: al.clientAlgoId, code: '200', msg: 'success' });
  }
  if (method === 'GET' && path === '/fapi/v1/algoOrder') {
    if (!sel) return err(fail(-1102, "Param 'clientAlgoId' or 'algoId' must be sent, but both were empty/null!"));
    const al = sel.algoId !== undefined ? acct.algos.get(sel.algoId) : acct.findAlgoByClient(sel.clientAlgoId!);
    return al ? ok(algoOrder(al)) : err(fail(-2013, 'Order does not exist.'));
  }
  const sym = p.get('symbol');
  const all = [...acct.algos.values()].filter((a) => !sym || a.symbol === sym);
  if (method === 'GET' && path === '/fapi/v1/openAlgoOrders') return ok(all.filter((a) => a.status === 'NEW').map(algoOrder));
  if (method === 'GET' && path === '/fapi/v1/allAlgoOrders') return ok(all.map(algoOrder));
  return undefined;
}

/** PUT-less replace: cancel one order and place another, STOP_ON_FAILURE, in one request (spot). */
function cancelReplace(p: URLSearchParams, sym: string, key: SimKey, ctx: PrivateContext): PrivateReply | ApiFailure {
  if (p.get('cancelReplaceMode') !== 'STOP_ON_FAILURE' && p.get('cancelReplaceMode') !== 'ALLOW_FAILURE') return fail(-1102, "Mandatory parameter 'cancelReplaceMode' was not sent, was empty/null, or malformed.");
  const id = integer(p, 'cancelOrderId');
  if (isFailure(id)) return id;
  const client = p.get('cancelOrigClientOrderId') ?? undefined;
  if (id === undefined && !client) return fail(-1102, "Param 'cancelOrigClientOrderId' or 'cancelOrderId' must be sent, but both were empty/null!");
  const req = orderRequest(p, sym);
  if (isFailure(req)) return req;
  const cancelled = ctx.engine.cancel(key.account, 'spot', sym, id !== undefined ? { orderId: id } : { clientOrderId: client! });
  if (isFailure(cancelled)) {
    return { status: 400, body: { code: -2022, msg: 'Order cancel-replace failed.', data: { cancelResult: 'FAILURE', newOrderResult: 'NOT_ATTEMPTED', cancelResponse: { code: cancelled.code, msg: cancelled.msg }, newOrderResponse: null } } };
  }
  const placed = ctx.engine.place(key.account, 'spot', req);
  if (isFailure(placed)) {
    return { status: 409, body: { code: -2021, msg: 'Order cancel-replace partially failed.', data: { cancelResult: 'SUCCESS', newOrderResult: 'FAILURE', cancelResponse: spotCancel(cancelled), newOrderResponse: { code: placed.code, msg: placed.msg } } } };
  }
  return ok({ cancelResult: 'SUCCESS', newOrderResult: 'SUCCESS', cancelResponse: spotCancel(cancelled), newOrderResponse: spotOrderAck(placed, [], 'RESULT') });
}
