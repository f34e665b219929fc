/**
 * A portfolio's perpetual positions seen as margin: per position the initial and maintenance margin, the
 * collateral backing it (isolated: entry notional / leverage; cross: the wallet balance less the other
 * positions' maintenance margins plus their unrealized P&L) and the liquidation price (margin.ts). Notional and
 * unrealized P&L are at the venue's mark price when one arrived (PositionState.pnlMarkF), else the last price.
 */
import type { Money, Ticks } from '../model/index.ts';
import type { Portfolio, PositionState } from '../portfolio/portfolio.ts';
import { initialMargin, isolatedCollateral, liquidationPrice, maintenanceMargin, type MarginMode } from './margin.ts';

export interface MarginState {
  readonly mode: MarginMode;
  readonly leverage: number;
  readonly initial: Money;
  readonly maintenance: Money;
  readonly collateral: Money;
  /** Ticks; NaN when flat or never liquidated. */
  readonly liquidationPrice: Ticks;
}

const notionalAt = (p: PositionState, ticks: Ticks): Money => BigInt(Math.abs(p.qty)) * BigInt(ticks) * p.inst.notionalUnit;
const upnl = (p: PositionState): Money => (BigInt(p.qty) * BigInt(p.pnlMarkTicks()) - BigInt(p.cost)) * p.inst.notionalUnit;

/** Margin of one perpetual position (undefined for spot or an unknown symbol). */
export function marginState(pf: Portfolio, symbol: string, mode: MarginMode = 'isolated'): MarginState | undefined {
  const p = pf.positions.get(symbol);
  if (!p || !p.perp) return undefined;
  const mark = p.pnlMarkTicks();
  const n = notionalAt(p, mark > 0 ? mark : Math.round(Math.abs(p.cost / (p.qty || 1))));
  let collateral: Money;
  if (mode === 'isolated') collateral = isolatedCollateral(p.inst, p, p.leverage);
  else {
    collateral = pf.cash(p.inst.settle);
    for (const o of pf.positions.values()) {
      if (o === p || !o.perp || o.qty === 0 || o.inst.settle !== p.inst.settle) continue;
      collateral += upnl(o) - maintenanceMargin(o.inst, notionalAt(o, o.pnlMarkTicks()));
    }
  }
  return {
    mode, leverage: p.leverage, initial: initialMargin(n, p.leverage), maintenance: p.qty === 0 ? 0n : maintenanceMargin(p.inst, n), collateral,
    liquidationPrice: liquidationPrice(p.inst, p, collateral),
  };
}

/** The paper venue's `liquidation` hook for a portfolio (paper-venue.ts). */
export function liquidationHook(pf: Portfolio, mode: MarginMode | ((symbol: string) => MarginMode)): (symbol: string) => { price: Ticks; qty: number } | undefined {
  return (symbol) => {
    const p = pf.positions.get(symbol);
    if (!p || !p.perp || p.qty === 0) return undefined;
    const m = marginState(pf, symbol, typeof mode === 'function' ? mode(symbol) : mode);
    return m && m.liquidationPrice === m.liquidationPrice ? { price: m.liquidationPrice, qty: p.qty } : undefined;
  };
}
