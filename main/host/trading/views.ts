/**
 * Engine state → contract views. Prices and quantities leave the host as exact decimal strings computed
 * from integer ticks/lots and bigint Money; floats appear only where the engine itself keeps a float
 * (average entry price, which is Σ ticks·lots / lots and is rounded to the tick for display).
 */
import { EMULATED } from '../../venues/live/live-venue.ts';
import type { FillView, OrderView, PositionView } from '../../contract/trading.ts';
import type { Fill, Instrument, Order, PositionSnapshot } from '../../core/model/index.ts';
import { isTerminal, lotsToQty, moneyToString, notional, ticksToPrice } from '../../core/model/index.ts';

const px = (inst: Instrument, t: number | undefined): string | null => (t === undefined ? null : ticksToPrice(inst, t));

/** Money → decimal text rounded to `decimals` (half-even) with trailing zeros trimmed. */
export function moneyText(m: bigint, decimals = 8): string {
  const s = moneyToString(m, decimals);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

export function orderView(o: Readonly<Order>, inst: Instrument): OrderView {
  // Average fill price to the tick grid: notional ticks / lots, rounded half away (display only).
  const avg = o.filledQty > 0 ? ticksToPrice(inst, Math.round(o.filledNotionalTicks / o.filledQty)) : null;
  return {
    clientOrderId: o.clientOrderId,
    venueOrderId: o.venueOrderId ?? null,
    ...(o.venueOrderId === EMULATED ? { emulated: true } : {}),
    symbol: o.symbol,
    venue: o.venue,
    side: o.side,
    type: o.type,
    qty: lotsToQty(inst, o.qty),
    filledQty: lotsToQty(inst, o.filledQty),
    remainingQty: lotsToQty(inst, Math.max(0, o.qty - o.filledQty)),
    price: px(inst, o.price),
    triggerPrice: px(inst, o.triggerPrice),
    avgFillPrice: avg,
    tif: o.tif,
    reduceOnly: o.reduceOnly,
    postOnly: o.postOnly,
    source: o.source,
    tag: o.tag ?? null,
    state: o.state,
    open: !isTerminal(o.state),
    groupId: o.groupId ?? null,
    groupKind: o.groupKind ?? null,
    parentId: o.parentId ?? null,
    createdTs: o.createdTs,
    updatedTs: o.updatedTs,
    reason: o.reason ?? null,
  };
}

export function fillView(f: Fill, inst: Instrument): FillView {
  return {
    tradeId: f.tradeId,
    venue: f.venue,
    clientOrderId: f.clientOrderId,
    symbol: f.symbol,
    side: f.side,
    qty: lotsToQty(inst, f.qty),
    price: ticksToPrice(inst, f.price),
    notional: moneyToString(notional(inst, f.price, f.qty)),
    fee: moneyToString(f.fee),
    feeCurrency: f.feeCurrency,
    liquidity: f.liquidity,
    ts: f.ts,
    touch: f.touch === undefined ? null : ticksToPrice(inst, f.touch),
    slippage: f.touch === undefined ? null : ticksToPrice(inst, (f.side === 'buy' ? 1 : -1) * (f.price - f.touch)),
  };
}

export function positionView(p: PositionSnapshot, inst: Instrument, liquidationTicks = NaN): PositionView {
  const hasMark = p.markPrice > 0;
  return {
    symbol: p.symbol,
    qty: lotsToQty(inst, p.qty),
    side: p.qty > 0 ? 'long' : p.qty < 0 ? 'short' : 'flat',
    avgPrice: p.qty === 0 ? null : ticksToPrice(inst, Math.round(p.avgPrice)),
    markPrice: hasMark ? ticksToPrice(inst, p.markPrice) : null,
    notional: hasMark ? moneyToString(notional(inst, p.markPrice, Math.abs(p.qty))) : '0',
    realizedPnl: moneyText(p.realizedPnl),
    unrealizedPnl: moneyText(p.unrealizedPnl),
    fees: moneyText(p.fees),
    margin: moneyText(p.margin),
    funding: moneyText(p.funding),
    liquidationPrice: liquidationTicks === liquidationTicks && p.qty !== 0 ? ticksToPrice(inst, liquidationTicks) : null,
  };
}
