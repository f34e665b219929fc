/**
 * A session's per-symbol perpetual margin as the rules (core/margin/leverage.ts) and the contract see it: the
 * position and working orders a leverage change must fit, the equity the rest of the account leaves free, and the
 * view (mode, leverage, the venue's max and brackets) the ticket's leverage control shows.
 */
import type { SymbolMarginView } from '../../contract/trading.ts';
import { brackets } from '../../core/margin/margin.ts';
import { maxLeverageOf, maxNotionalAt, type MarginChangeContext, type SymbolMargin } from '../../core/margin/leverage.ts';
import { notional, type Instrument, type Money } from '../../core/model/index.ts';
import type { TradingSession } from './session.ts';
import { moneyText } from './views.ts';

export function marginContext(s: TradingSession, inst: Instrument, current: SymbolMargin): MarginChangeContext {
  const pf = s.engine.portfolio;
  const p = pf.positions.get(inst.symbol)!;
  const mark = p.pnlMarkTicks();
  const last = s.lastTicks(inst.symbol);
  let n: Money = p.qty === 0 ? 0n : notional(inst, mark > 0 ? mark : Math.round(Math.abs(p.cost / p.qty)), Math.abs(p.qty));
  const working = s.engine.openOrders(inst.symbol);
  for (const o of working) n += notional(inst, o.price ?? o.triggerPrice ?? last, Math.max(0, o.qty - o.filledQty));
  let free = pf.equityByCurrency().get(inst.settle) ?? 0n;
  for (const [sym, o] of pf.positions) if (sym !== inst.symbol && o.perp && o.qty !== 0) free -= pf.position(sym).margin;
  return { inst, current, qty: p.qty, notional: n, workingOrders: working.length, freeEquity: free };
}

export function symbolMarginView(s: TradingSession, inst: Instrument): SymbolMarginView {
  const p = s.engine.portfolio.positions.get(inst.symbol)!;
  const cap = maxNotionalAt(inst, p.leverage);
  return {
    symbol: inst.symbol, mode: s.marginModeOf(inst.symbol), leverage: p.leverage, maxLeverage: maxLeverageOf(inst),
    maxNotional: cap === undefined ? null : moneyText(cap),
    brackets: brackets(inst).map((b) => ({ maxNotional: moneyText(b.max), maintenanceRate: moneyText(b.rate), maxLeverage: b.maxLeverage })),
    // Paper and live perpetual accounts alike (a live one's change goes to the venue first: live-perp.ts).
    editable: s.parts.marginMode !== undefined && inst.kind === 'perpetual',
  };
}
