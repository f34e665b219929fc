/**
 * Binance's private wire format for Kestrel Sim's accounts: REST order, trade and account objects (spot
 * /api/v3, USDⓈ-M /fapi) and the user data stream events (executionReport, outboundAccountPosition,
 * balanceUpdate; ORDER_TRADE_UPDATE, ACCOUNT_UPDATE, ALGO_UPDATE), written from Binance's documented field
 * lists. Spot amounts are 8-decimal strings like Binance's; futures amounts are plain decimals.
 */
import { moneyToString, type Money } from '../../core/model/money.ts';
import { abs, mul, type SimAccount, type SimAlgoOrder, type SimOrder, type SimTrade } from './sim-account.ts';
import type { SimEvent } from './sim-engine.ts';
import { maxNotionalAt } from './futures-brackets.ts';

const f8 = (m: Money): string => moneyToString(m, 8);
const fx = (m: Money): string => moneyToString(m);
const avg = (o: SimOrder): Money => (o.executedQty > 0n ? (o.cumQuote * 10n ** 18n) / o.executedQty : 0n);

export function spotOrder(o: SimOrder): Record<string, unknown> {
  return {
    symbol: o.symbol, orderId: o.orderId, orderListId: -1, clientOrderId: o.clientOrderId, price: f8(o.price), origQty: f8(o.origQty), executedQty: f8(o.executedQty),
    cummulativeQuoteQty: f8(o.cumQuote), status: o.status, timeInForce: o.timeInForce || 'GTC', type: o.type, side: o.side, stopPrice: f8(o.stopPrice), icebergQty: f8(0n),
    time: o.time, updateTime: o.updateTime, isWorking: o.workingTime >= 0, workingTime: o.workingTime, origQuoteOrderQty: f8(o.quoteOrderQty), selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

/** POST /api/v3/order with newOrderRespType ACK, RESULT or FULL (FULL lists the fills). */
export function spotOrderAck(o: SimOrder, trades: readonly SimTrade[], respType: string): Record<string, unknown> {
  const ack = { symbol: o.symbol, orderId: o.orderId, orderListId: -1, clientOrderId: o.clientOrderId, transactTime: o.time };
  if (respType === 'ACK') return ack;
  const { time: _t, updateTime: _u, isWorking: _w, stopPrice: _s, icebergQty: _i, ...result } = spotOrder(o);
  const out = { ...ack, ...result, transactTime: o.time };
  if (respType === 'RESULT') return out;
  return { ...out, fills: trades.map((t) => ({ price: f8(t.price), qty: f8(t.qty), commission: f8(t.commission), commissionAsset: t.commissionAsset, tradeId: t.id })) };
}

export function spotCancel(o: SimOrder): Record<string, unknown> {
  const { time: _t, updateTime: _u, isWorking: _w, workingTime: _wt, ...rest } = spotOrder(o);
  return { ...rest, origClientOrderId: o.clientOrderId, transactTime: o.updateTime };
}

export function spotTrade(t: SimTrade): Record<string, unknown> {
  return {
    symbol: t.symbol, id: t.id, orderId: t.orderId, orderListId: -1, price: f8(t.price), qty: f8(t.qty), quoteQty: f8(t.quoteQty), commission: f8(t.commission),
    commissionAsset: t.commissionAsset, time: t.time, isBuyer: t.side === 'BUY', isMaker: t.maker, isBestMatch: true,
  };
}

export function spotAccount(a: SimAccount, canWithdraw: boolean, now: number): Record<string, unknown> {
  return {
    makerCommission: 10, takerCommission: 10, buyerCommission: 0, sellerCommission: 0,
    commissionRates: { maker: '0.00100000', taker: '0.00100000', buyer: '0.00000000', seller: '0.00000000' },
    canTrade: true, canWithdraw, canDeposit: true, brokered: false, requireSelfTradePrevention: false, preventSor: false, updateTime: now, accountType: 'SPOT',
    balances: [...a.spot].map(([asset, b]) => ({ asset, free: f8(b.free), locked: f8(b.locked) })),
    permissions: ['SPOT'], uid: uidOf(a.id),
  };
}

export function futuresOrder(o: SimOrder): Record<string, unknown> {
  return {
    orderId: o.orderId, symbol: o.symbol, status: o.status, clientOrderId: o.clientOrderId, price: fx(o.price), avgPrice: fx(avg(o)), origQty: fx(o.origQty),
    executedQty: fx(o.executedQty), cumQty: fx(o.executedQty), cumQuote: fx(o.cumQuote), timeInForce: o.timeInForce || 'GTC', type: o.type, reduceOnly: o.reduceOnly,
    closePosition: o.closePosition, side: o.side, positionSide: 'BOTH', stopPrice: fx(o.stopPrice), workingType: 'CONTRACT_PRICE', priceProtect: false, origType: o.type,
    priceMatch: 'NONE', selfTradePreventionMode: 'EXPIRE_MAKER', goodTillDate: 0, time: o.time, updateTime: o.updateTime,
  };
}

export function algoOrder(al: SimAlgoOrder): Record<string, unknown> {
  return {
    algoId: al.algoId, clientAlgoId: al.clientAlgoId, algoType: 'CONDITIONAL', orderType: al.orderType, symbol: al.symbol, side: al.side, positionSide: 'BOTH',
    timeInForce: 'GTC', quantity: fx(al.quantity), algoStatus: al.status, actualOrderId: al.actualOrderId === undefined ? '' : String(al.actualOrderId),
    triggerPrice: fx(al.triggerPrice), price: '0', icebergQuantity: null, selfTradePreventionMode: 'EXPIRE_MAKER', workingType: 'CONTRACT_PRICE', priceMatch: 'NONE',
    closePosition: al.closePosition, priceProtect: false, reduceOnly: al.reduceOnly, createTime: al.createTime, updateTime: al.updateTime, triggerTime: al.triggerTime, goodTillDate: 0,
  };
}

export function futuresTrade(t: SimTrade): Record<string, unknown> {
  return {
    buyer: t.side === 'BUY', commission: fx(t.commission), commissionAsset: t.commissionAsset, id: t.id, maker: t.maker, orderId: t.orderId, price: fx(t.price),
    qty: fx(t.qty), quoteQty: fx(t.quoteQty), realizedPnl: fx(t.realizedPnl), side: t.side, positionSide: 'BOTH', symbol: t.symbol, time: t.time,
  };
}

export interface FuturesView {
  readonly wallet: Money;
  readonly unrealized: Money;
  readonly positionMargin: Money;
  readonly orderMargin: Money;
  readonly positions: readonly { symbol: string; amt: Money; entry: Money; mark: Money; leverage: number; isolated: boolean; upnl: Money; updateTime: number }[];
}

export function futuresView(a: SimAccount, mark: (symbol: string) => Money | undefined): FuturesView {
  let unrealized = 0n;
  let positionMargin = 0n;
  const positions: FuturesView['positions'][number][] = [];
  for (const [symbol, p] of a.positions) {
    const m = mark(symbol) ?? p.entry;
    const upnl = a.unrealized(symbol, m);
    unrealized += upnl;
    positionMargin += abs(mul(m, p.amt)) / BigInt(p.leverage);
    positions.push({ symbol, amt: p.amt, entry: p.entry, mark: m, leverage: p.leverage, isolated: p.isolated, upnl, updateTime: p.updateTime });
  }
  let orderMargin = 0n;
  for (const o of a.openOrders('futures')) if (!o.reduceOnly && !o.closePosition) orderMargin += mul(o.price || (mark(o.symbol) ?? 0n), o.origQty - o.executedQty) / BigInt(a.positions.get(o.symbol)?.leverage ?? 20);
  return { wallet: a.futuresWallet, unrealized, positionMargin, orderMargin, positions };
}

export function futuresAccount(v: FuturesView, version: 2 | 3, now: number): Record<string, unknown> {
  const margin = v.wallet + v.unrealized;
  const avail = margin - v.positionMargin - v.orderMargin;
  const asset = {
    asset: 'USDT', walletBalance: fx(v.wallet), unrealizedProfit: fx(v.unrealized), marginBalance: fx(margin), maintMargin: '0', initialMargin: fx(v.positionMargin + v.orderMargin),
    positionInitialMargin: fx(v.positionMargin), openOrderInitialMargin: fx(v.orderMargin), crossWalletBalance: fx(v.wallet), crossUnPnl: fx(v.unrealized),
    availableBalance: fx(avail), maxWithdrawAmount: fx(avail), marginAvailable: true, updateTime: now,
  };
  return {
    ...(version === 2 ? { feeTier: 0, canTrade: true, canDeposit: true, canWithdraw: true, updateTime: 0, multiAssetsMargin: false } : {}),
    totalInitialMargin: asset.initialMargin, totalMaintMargin: '0', totalWalletBalance: asset.walletBalance, totalUnrealizedProfit: asset.unrealizedProfit,
    totalMarginBalance: asset.marginBalance, totalPositionInitialMargin: asset.positionInitialMargin, totalOpenOrderInitialMargin: asset.openOrderInitialMargin,
    totalCrossWalletBalance: asset.crossWalletBalance, totalCrossUnPnl: asset.crossUnPnl, availableBalance: asset.availableBalance, maxWithdrawAmount: asset.maxWithdrawAmount,
    assets: [asset],
    positions: v.positions.map((p) => ({
      symbol: p.symbol, positionSide: 'BOTH', positionAmt: fx(p.amt), unrealizedProfit: fx(p.upnl), isolatedMargin: '0', notional: fx(mul(p.mark, p.amt)), isolatedWallet: '0',
      initialMargin: fx(abs(mul(p.mark, p.amt)) / BigInt(p.leverage)), maintMargin: '0', updateTime: p.updateTime,
      ...(version === 2 ? { entryPrice: fx(p.entry), leverage: String(p.leverage), isolated: p.isolated, maxNotional: moneyToString(maxNotionalAt(p.symbol, p.leverage), 0), positionInitialMargin: fx(abs(mul(p.mark, p.amt)) / BigInt(p.leverage)), openOrderInitialMargin: '0', bidNotional: '0', askNotional: '0' } : {}),
    })),
  };
}

export function positionRisk(v: FuturesView, version: 2 | 3): Record<string, unknown>[] {
  return v.positions.map((p) => ({
    symbol: p.symbol, positionSide: 'BOTH', positionAmt: fx(p.amt), entryPrice: fx(p.entry), breakEvenPrice: fx(p.entry), markPrice: fx(p.mark), unRealizedProfit: fx(p.upnl),
    liquidationPrice: '0', isolatedMargin: '0', notional: fx(mul(p.mark, p.amt)), isolatedWallet: '0', updateTime: p.updateTime,
    ...(version === 2
      ? { leverage: String(p.leverage), marginType: p.isolated ? 'isolated' : 'cross', isAutoAddMargin: 'false', maxNotionalValue: moneyToString(maxNotionalAt(p.symbol, p.leverage), 0) }
      : { marginAsset: 'USDT', initialMargin: fx(abs(mul(p.mark, p.amt)) / BigInt(p.leverage)), maintMargin: '0', positionInitialMargin: fx(abs(mul(p.mark, p.amt)) / BigInt(p.leverage)), openOrderInitialMargin: '0', adl: 0, bidNotional: '0', askNotional: '0' }),
  }));
}

// ── user data stream events ───────────────────────────────────────────────────────────────────────────

/** The wire events one engine event becomes on its market's user data stream. */
export function userEvents(e: SimEvent, a: SimAccount, mark: (symbol: string) => Money | undefined): { market: 'spot' | 'futures'; event: Record<string, unknown> }[] {
  switch (e.kind) {
    case 'order': {
      const o = e.order;
      const t = e.trade;
      if (o.market === 'spot') {
        return [{ market: 'spot', event: {
          e: 'executionReport', E: e.time, s: o.symbol, c: o.clientOrderId, S: o.side, o: o.type, f: o.timeInForce || 'GTC', q: f8(o.origQty), p: f8(o.price), P: f8(o.stopPrice),
          F: f8(0n), g: -1, C: e.exec === 'CANCELED' ? o.clientOrderId : '', x: e.exec, X: o.status, r: 'NONE', i: o.orderId, l: f8(t?.qty ?? 0n), z: f8(o.executedQty),
          L: f8(t?.price ?? 0n), n: f8(t?.commission ?? 0n), N: t?.commissionAsset ?? null, T: e.time, t: t?.id ?? -1, I: e.time, w: (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED') && o.workingTime >= 0,
          m: t?.maker ?? false, M: false, O: o.time, Z: f8(o.cumQuote), Y: f8(t?.quoteQty ?? 0n), Q: f8(o.quoteOrderQty), W: o.time, V: 'EXPIRE_MAKER',
        } }];
      }
      return [{ market: 'futures', event: {
        e: 'ORDER_TRADE_UPDATE', E: e.time, T: e.time,
        o: {
          s: o.symbol, c: o.clientOrderId, S: o.side, o: o.type, f: o.timeInForce || 'GTC', q: fx(o.origQty), p: fx(o.price), ap: fx(avg(o)), sp: fx(o.stopPrice), x: e.exec === 'REPLACED' ? 'AMENDMENT' : e.exec,
          X: o.status, i: o.orderId, l: fx(t?.qty ?? 0n), z: fx(o.executedQty), L: fx(t?.price ?? 0n), N: t?.commissionAsset ?? 'USDT', n: fx(t?.commission ?? 0n), T: e.time,
          t: t?.id ?? 0, b: '0', a: '0', m: t?.maker ?? false, R: o.reduceOnly, wt: 'CONTRACT_PRICE', ot: o.type, ps: 'BOTH', cp: o.closePosition, rp: fx(t?.realizedPnl ?? 0n),
          pP: false, si: 0, ss: 0, V: 'EXPIRE_MAKER', pm: 'NONE', gtd: 0,
        },
      } }];
    }
    case 'algo': {
      const al = e.algo;
      return [{ market: 'futures', event: {
        e: 'ALGO_UPDATE', T: e.time, E: e.time,
        o: {
          caid: al.clientAlgoId, aid: al.algoId, at: 'CONDITIONAL', o: al.orderType, s: al.symbol, S: al.side, ps: 'BOTH', f: 'GTC', q: fx(al.quantity), X: al.status,
          ai: al.actualOrderId === undefined ? '' : String(al.actualOrderId), ap: '0', aq: '0', act: al.actualOrderId === undefined ? '0' : 'MARKET', tp: fx(al.triggerPrice), p: '0',
          V: 'EXPIRE_MAKER', wt: 'CONTRACT_PRICE', pm: 'NONE', cp: al.closePosition, pP: false, R: al.reduceOnly, tt: al.triggerTime, gtd: 0, rm: al.failReason,
        },
      } }];
    }
    case 'spot-balance': {
      const out: { market: 'spot'; event: Record<string, unknown> }[] = [];
      if (e.delta) out.push({ market: 'spot', event: { e: 'balanceUpdate', E: e.time, a: e.delta.asset, d: f8(e.delta.amount), T: e.time } });
      out.push({ market: 'spot', event: { e: 'outboundAccountPosition', E: e.time, u: e.time, B: e.assets.map((x) => ({ a: x, f: f8(a.balance(x).free), l: f8(a.balance(x).locked) })) } });
      return out;
    }
    case 'futures-account': {
      const v = futuresView(a, mark);
      return [{ market: 'futures', event: {
        e: 'ACCOUNT_UPDATE', E: e.time, T: e.time,
        a: {
          m: e.reason,
          B: [{ a: 'USDT', wb: fx(v.wallet), cw: fx(v.wallet), bc: '0' }],
          P: v.positions.filter((p) => e.symbols.includes(p.symbol)).map((p) => ({ s: p.symbol, pa: fx(p.amt), ep: fx(p.entry), bep: fx(p.entry), cr: '0', up: fx(p.upnl), mt: 'cross', iw: '0', ps: 'BOTH' })),
        },
      } }];
    }
  }
}

export function uidOf(account: string): number {
  let h = 7;
  for (let i = 0; i < account.length; i++) h = (h * 31 + account.charCodeAt(i)) >>> 0;
  return 100_000_000 + (h % 800_000_000);
}
