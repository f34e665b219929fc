/**
 * The liquidation price of the chart symbol's open perpetual position, as a chart line (the host computes
 * the price: main/core/margin; the renderer only draws what it is given). None when flat, for spot, or when
 * the position cannot be liquidated (the host sends null).
 */
import type { PositionView } from '../../../main/contract/trading.ts';
import type { PriceLineSpec } from './lightweight.ts';

export function liquidationLine(positions: readonly PositionView[], symbol: string): PriceLineSpec | undefined {
  const p = positions.find((x) => x.symbol === symbol && x.side !== 'flat');
  const price = p?.liquidationPrice ? Number(p.liquidationPrice) : NaN;
  if (!p || !(price > 0)) return undefined;
  return { id: 'liquidation', price, title: `LIQ ${p.liquidationPrice}`, kind: 'liquidation' };
}
