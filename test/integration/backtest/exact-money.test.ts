/** Issue 21 item 4: every money figure of a result is exact decimal text, on the error path too. */
import { describe, expect, it } from 'vitest';
import { bars, runNative } from './helpers.ts';

// Buy 7 at bar 1's open (100.07); bar 1 closes at 99.20: equity 10 000 − 700.49 + 694.40 = 9 993.91.
const c = bars([[100, 100, 100, 100], [100.07, 100.07, 99.2, 99.2], [99, 99, 99, 99]]);

describe('exact money on every path', () => {
  it('a run stopped by a strategy error reports its net profit from the ledger, not a float difference', () => {
    const r = runNative(() => ({
      id: 'fails',
      onBar(ctx) {
        if (ctx.i === 0) ctx.buy(7);
        if (ctx.i === 1) throw new Error('boom');
      },
    }), c);
    expect(r.status).toBe('error');
    expect(r.error?.bar).toBe(1);
    expect(r.stats.finalEquity - 10_000).not.toBe(-6.09); // the float difference is not exact...
    expect(r.stats.netProfit).toBe('-6.09'); // ...the reported figure is
    expect(r.openPositions).toEqual([{ symbol: 'TEST/USD', side: 'long', entryTs: c.ts[1], qty: '7' }]);
  });

  it('a finished run reads the same exact figure off its ledger', () => {
    const two = bars([[100, 100, 100, 100], [100.07, 100.07, 99.2, 99.2]]);
    const r = runNative(() => ({ id: 'ok', onBar: (ctx) => void (ctx.i === 0 && ctx.buy(7)) }), two);
    expect(r.status).toBe('ok');
    expect(r.stats.netProfit).toBe('-6.09');
  });
});
