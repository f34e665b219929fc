/** The fast trade-list check of backtest results accepts and refuses exactly what zod's TradeRow schema does. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { TradeRow, TradeRows } from '../../../main/contract/strategy.ts';

const fieldValue = fc.oneof(fc.string({ maxLength: 3 }), fc.constantFrom('long', 'short', 'flat'), fc.double(), fc.constant(Number.NaN), fc.constant(null), fc.boolean(), fc.constant(undefined));
const good = { symbol: 'A', side: 'long', entryTs: 1, exitTs: 2, qty: '1', entryPrice: '1', exitPrice: '2', pnl: '1', pnlValue: 1, returnPct: 0.5, fees: '0', bars: 1, exitReason: 'signal' };
// Rows near the valid shape: some fields replaced by values of any type, some dropped, some extra keys.
const row = fc.record({
  changes: fc.dictionary(fc.constantFrom(...Object.keys(good)), fieldValue, { maxKeys: 3 }),
  drop: fc.subarray(Object.keys(good), { maxLength: 2 }),
  extra: fc.dictionary(fc.string({ maxLength: 3 }), fieldValue, { maxKeys: 2 }),
}).map(({ changes, drop, extra }) => {
  const r: Record<string, unknown> = { ...extra, ...good, ...changes };
  for (const k of drop) delete r[k];
  return r;
});
const list = fc.oneof(fc.array(fc.oneof({ weight: 6, arbitrary: row }, { weight: 1, arbitrary: fc.constant(good) }), { maxLength: 4 }), fc.constant(null), fc.constant('x'), fc.array(fc.oneof(fc.constant(null), fc.constant([])), { maxLength: 2 }));

describe('TradeRows', () => {
  it('agrees with z.array(TradeRow) on every list', () => {
    fc.assert(fc.property(list, (rows) => {
      expect(TradeRows.safeParse(rows).success).toBe(z.array(TradeRow).safeParse(rows).success);
    }), { numRuns: 2000 });
  });

  it('names the row and field it refuses', () => {
    const r = TradeRows.safeParse([good, { ...good, pnlValue: Number.NaN }]);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual([1, 'pnlValue']);
    expect(TradeRows.safeParse([good, good]).data).toEqual([good, good]);
  });
});
