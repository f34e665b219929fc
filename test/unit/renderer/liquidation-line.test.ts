/** The chart's liquidation line: drawn at the host's liquidation price of the chart symbol's open position only. */
import { describe, expect, it } from 'vitest';
import type { PositionView } from '../../../main/contract/trading.ts';
import { liquidationLine } from '../../../renderer/features/chart/liquidation-line.ts';

const pos = (x: Partial<PositionView>): PositionView => ({
  symbol: 'BTC/USDT:USDT', qty: '1', side: 'long', avgPrice: '100', markPrice: '100', notional: '100', realizedPnl: '0', unrealizedPnl: '0', fees: '0', margin: '10', funding: '0', liquidationPrice: '90.51', ...x,
});

describe('liquidation line', () => {
  it('an open perpetual position on the chart symbol gets a line at its liquidation price', () => {
    expect(liquidationLine([pos({ symbol: 'ETH/USDT:USDT', liquidationPrice: '1000' }), pos({})], 'BTC/USDT:USDT')).toEqual({ id: 'liquidation', price: 90.51, title: 'LIQ 90.51', kind: 'liquidation' });
  });

  it('on the chart of the pair, the pair\'s perpetual position draws its line, named', () => {
    expect(liquidationLine([pos({})], 'BTC/USDT')).toEqual({ id: 'liquidation', price: 90.51, title: 'LIQ BTC/USDT:USDT 90.51', kind: 'liquidation' });
    expect(liquidationLine([pos({ symbol: 'BTC/USDT', liquidationPrice: null }), pos({})], 'BTC/USDT')?.price).toBe(90.51);
  });

  it('none for another symbol, a flat row, a spot position (null) or a position that cannot be liquidated', () => {
    expect(liquidationLine([pos({})], 'ETH/USDT:USDT')).toBeUndefined();
    expect(liquidationLine([pos({})], 'ETH/USDT')).toBeUndefined();
    expect(liquidationLine([pos({ side: 'flat', qty: '0' })], 'BTC/USDT:USDT')).toBeUndefined();
    expect(liquidationLine([pos({ liquidationPrice: null })], 'BTC/USDT:USDT')).toBeUndefined();
    expect(liquidationLine([pos({ liquidationPrice: undefined })], 'BTC/USDT:USDT')).toBeUndefined();
  });
});
