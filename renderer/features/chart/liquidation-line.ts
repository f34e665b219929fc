/**
 * The liquidation price of an open perpetual position as a chart line (the host computes the price:
 * main/core/margin; the renderer only draws what it is given). The chart's own symbol first; on the chart of
 * a pair (BTC/USDT) also the pair's perpetual (BTC/USDT:USDT), named in the line's title, since the stored
 * history a trader charts is often the spot pair's. None when flat, for spot, or when the position cannot be
 * liquidated (the host sends null).
 */
import type { PositionView } from '../../../main/contract/trading.ts';
import type { PriceLineSpec } from './lightweight.ts';

const open = (p: PositionView) => p.side !== 'flat' && !!p.liquidationPrice && Number(p.liquidationPrice) > 0;

export function liquidationLine(positions: readonly PositionView[], symbol: string): PriceLineSpec | undefined {
  const own = positions.find((x) => x.symbol === symbol && open(x));
  const p = own ?? positions.find((x) => open(x) && x.symbol.split(':')[0] === symbol && x.symbol.includes(':'));
  if (!p) return undefined;
  return { id: 'liquidation', price: Number(p.liquidationPrice), title: own ? `LIQ ${p.liquidationPrice}` : `LIQ ${p.symbol} ${p.liquidationPrice}`, kind: 'liquidation' };
}
