/**
 * Issue 21 bug 1: a code strategy's onFill / onTrade must run for complete fills too. The order-finished
 * event used to drop the order's listener before the fill callback looked it up, so only partial fills
 * reached the strategy: a throw in onFill went unnoticed and re-entries from the fill price never happened.
 */
import { describe, expect, it } from 'vitest';
import { runCodeBacktest } from '../../../workers/backtest/code-runner.ts';
import { bars, CONFIG, runNative } from './helpers.ts';
import type { Fill } from '../../../main/core/model/index.ts';

const rows = Array.from({ length: 12 }, (_, i) => [100 + i, 101 + i, 99 + i, 100.5 + i] as const);
const data = bars(rows);
const datasets = [{ symbol: 'TEST/USD', columns: data, source: 'test' }];
const run = (source: string) => runCodeBacktest({ config: CONFIG, source, fileName: 'fills.ts', datasets });

describe('fill callbacks on complete fills', () => {
  it('a native strategy hears every complete market fill once', () => {
    const seen: Fill[] = [];
    const r = runNative(() => ({
      id: 'n',
      onBar(ctx) {
        if (ctx.i === 0) ctx.buy(3);
        if (ctx.i === 2) ctx.sell(3);
      },
      onFill: (_ctx, f) => void seen.push(f),
    }), data);
    expect(r.status).toBe('ok');
    expect(seen.map((f) => [f.side, f.qty, f.price])).toEqual([['buy', 3, 10100], ['sell', 3, 10300]]);
  });

  it('a code strategy that throws in onFill fails at that fill', async () => {
    const r = await run(`export default {
      onCandle(ctx) { if (ctx.bar() === 0) ctx.buy(2); },
      onFill(ctx, f) { throw new Error('onFill ran for ' + f.qty + ' @ ' + f.price); },
    };`);
    expect(r.status).toBe('error');
    expect(r.error?.message).toBe('onFill ran for 2 @ 101');
  });

  it('re-enters from the fill price: every exit fill places the next entry, every round trip reaches onTrade', async () => {
    // Enter on bar 0; each entry fill places a take-profit one unit above its fill price; each exit fill
    // places the next entry. Bars rise by 1 each, so every order fills at the next bar.
    const r = await run(`let trades = 0, fills = 0;
    export default {
      onCandle(ctx) {
        if (ctx.bar() === 0) ctx.buy(1, 'entry');
        if (ctx.bar() === 11) throw new Error('fills ' + fills + ' trades ' + trades);
      },
      onFill(ctx, f) {
        fills++;
        if (f.side === 'buy') ctx.order({ side: 'sell', type: 'limit', qty: 1, price: f.price + 1, tag: 'tp' });
        else ctx.buy(1, 'entry');
      },
      onTrade(ctx, t) { trades++; },
    };`);
    expect(r.error?.message).toBe(`fills ${r.counts.fills} trades ${r.trades.length}`);
    expect(r.trades.length).toBeGreaterThanOrEqual(4);
  });
});
