/** What the positions panel and the fills tab show of the paper venue's new facts: liquidation price, funding, slippage. */
import { describe, expect, it } from 'vitest';
import { harness, px } from '../core/engine-fixtures.ts';
import { fillView, positionView } from '../../../main/host/trading/views.ts';
import { marginState } from '../../../main/core/margin/account.ts';
import { money } from '../../../main/core/model/index.ts';

describe('position and fill views', () => {
  it('a 10× isolated perp long shows its liquidation price and funding; a book fill shows its slippage against the touch', () => {
    const h = harness({ spec: { symbol: 'BTC/USDT:USDT', kind: 'perpetual', maxLeverage: 50 }, leverage: 10 });
    const S = 'BTC/USDT:USDT';
    h.engine.onBook({ kind: 'snapshot', symbol: S, ts: 1000, bids: [[99.9, 5]], asks: [[100, 0.4], [100.1, 5]] });
    h.engine.submit({ symbol: S, side: 'buy', type: 'market', qty: 1000 });
    h.engine.onBook({ kind: 'delta', symbol: S, ts: 1100, bids: [], asks: [] });
    h.engine.applyFunding({ symbol: S, ts: 2000, rate: money('0.0001'), markPrice: px(100) });
    const [a, b] = h.engine.portfolio.fills();
    expect([fillView(a!, h.inst).slippage, fillView(b!, h.inst).slippage, fillView(b!, h.inst).touch]).toEqual(['0', '0.1', '100']);
    const v = positionView(h.engine.portfolio.position(S), h.inst, marginState(h.engine.portfolio, S)!.liquidationPrice);
    // entry 100.06: (100.06 − 10.006) / 0.995 = 90.5065 → 90.51
    expect(v).toMatchObject({ side: 'long', liquidationPrice: '90.51' });
    expect(Number(v.funding)).toBeGreaterThan(0);
  });

  it('a spot position has no liquidation price', () => {
    const h = harness();
    h.bar([100, 101, 99, 100]);
    h.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 1000 });
    h.bar([100, 101, 99, 100]);
    expect(positionView(h.engine.portfolio.position('BTC/USDT'), h.inst, marginState(h.engine.portfolio, 'BTC/USDT')?.liquidationPrice).liquidationPrice).toBeNull();
  });
});
