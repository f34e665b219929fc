/**
 * Issue 21 bug 2: spot never spends cash that is not there. Sizing happens at the signal bar's close and the
 * fill at the next open; when the open is higher the buy is cut, at the fill, to what the cash pays for (fee
 * included) and the rest is canceled with reason insufficient_balance (paper-venue.ts, "Spot funds").
 */
import { describe, expect, it } from 'vitest';
import type { Order } from '../../../main/core/model/index.ts';
import type { Strategy } from '../../../main/core/engine/strategy.ts';
import { bars, runNative } from './helpers.ts';

// Bar 0 closes at 100; bar 1 opens at 125 (a gap up); then flat.
const gapUp = bars([[100, 100, 100, 100], [125, 126, 124, 125], [125, 126, 124, 125], [125, 126, 124, 125]]);

function allIn(orders: Order[], cashSeen: bigint[], extra: (ctx: Parameters<Strategy['onBar']>[0]) => void = () => {}): () => Strategy {
  return () => ({
    id: 'all-in',
    onBar(ctx) {
      cashSeen.push(ctx.engine.portfolio.cash('USD'));
      if (ctx.i === 0) ctx.buy(Math.floor(ctx.equity / ctx.close(0))); // 100 units: all the cash at the close
      extra(ctx);
    },
    onOrder: (_ctx, o) => void orders.push({ ...o }),
  });
}

describe('spot buys within the cash at the fill', () => {
  it('a 100%-of-equity buy meeting a higher open buys what the cash pays for; the rest is canceled', () => {
    const orders: Order[] = [];
    const cash: bigint[] = [];
    const r = runNative(allIn(orders, cash), gapUp);
    expect(r.status).toBe('ok');
    // 10 000 / 125 = 80 units, not the 100 sized at the close (which would cost 12 500).
    expect(r.openPositions).toEqual([{ symbol: 'TEST/USD', side: 'long', entryTs: gapUp.ts[1], qty: '80' }]);
    const last = orders.at(-1)!;
    expect(last).toMatchObject({ state: 'canceled', reason: 'insufficient_balance', qty: 100, filledQty: 80 });
    expect(cash.every((c) => c >= 0n)).toBe(true);
    expect(r.stats.finalEquity).toBe(10_000);
  });

  it('the fee is paid from the same cash: the buy is cut so that price × qty + fee fits', () => {
    const orders: Order[] = [];
    const cash: bigint[] = [];
    // Taker fee 1%: 79 × 125 × 1.01 = 9 973.75 fits, 80 × 125 × 1.01 = 10 100 does not.
    const r = runNative(allIn(orders, cash), gapUp, { fees: { maker: '0', taker: '0.01' } });
    expect(r.openPositions[0]!.qty).toBe('79');
    expect(r.stats.fees).toBe('98.75');
    expect(cash.at(-1)).toBe(10_000n * 10n ** 18n - 9_973_750_000_000_000_000_000n);
  });

  it('nothing affordable: the order is canceled unfilled', () => {
    const orders: Order[] = [];
    const r = runNative(allIn(orders, [], (ctx) => {
      if (ctx.i === 1) ctx.buy(1); // all cash already spent at bar 1's open
    }), gapUp);
    const second = orders.filter((o) => o.qty === 1).at(-1)!;
    expect(second).toMatchObject({ state: 'canceled', reason: 'insufficient_balance', filledQty: 0 });
    expect(r.counts.fills).toBe(1);
  });

  it('a buy that covers a short is not limited by cash', () => {
    // Short 100 at 100 (cash 20 000); the buy of 110 fills at 210: covering costs 21 000, more than the cash,
    // and still fills (it pays back the borrow); the 10 units beyond the cover would open a long: cut.
    const c = bars([[100, 100, 100, 100], [100, 100, 100, 100], [200, 200, 200, 200], [210, 210, 210, 210], [210, 210, 210, 210]]);
    const orders: Order[] = [];
    const r = runNative(() => ({
      id: 'short',
      onBar(ctx) {
        if (ctx.i === 0) ctx.sell(100);
        if (ctx.i === 2) ctx.buy(110);
      },
      onOrder: (_ctx, o) => void orders.push({ ...o }),
    }), c);
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0]).toMatchObject({ side: 'short', qty: '100', exitPrice: '210', pnl: '-11000' });
    expect(r.openPositions).toEqual([]);
    expect(orders.at(-1)).toMatchObject({ qty: 110, filledQty: 100, state: 'canceled', reason: 'insufficient_balance' });
  });
});
