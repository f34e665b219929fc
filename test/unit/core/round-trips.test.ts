/**
 * Round trips keep their tick·lot sums in doubles while those are exact and switch to bigints beyond 2^53.
 * Whatever the sizes, every figure must be the exact bigint arithmetic: checked against sums made here in
 * bigints only, on trades whose entry and exit fills reach far past 2^53 tick·lots.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineInstrument, moneyToNumber, type Fill } from '../../../main/core/model/index.ts';
import { RunBook } from '../../../main/core/backtest/run-book.ts';

const inst = defineInstrument({ symbol: 'X/USD', venue: 'paper', base: 'X', quote: 'USD', kind: 'spot', tickSize: '0.01', lotSize: '0.001' });
const instruments = new Map([[inst.symbol, inst]]);
const leg = fc.record({ qty: fc.oneof(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 1, max: 2 ** 40 })), price: fc.oneof(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 2 ** 30 })), fee: fc.bigInt({ min: 0n, max: 10n ** 20n }) });
const trade = fc.record({ long: fc.boolean(), entries: fc.array(leg, { minLength: 1, maxLength: 4 }), exitPrices: fc.array(fc.integer({ min: 1, max: 2 ** 30 }), { minLength: 1, maxLength: 3 }) });

describe('round trips', () => {
  it('P&L, notionals and fees are exact however large the tick·lot sums grow (property)', () => {
    fc.assert(
      fc.property(fc.array(trade, { minLength: 1, maxLength: 5 }), (trades) => {
        const fills: Fill[] = [];
        const expected: { pnl: bigint; entryTL: bigint; exitTL: bigint; qty: number }[] = [];
        let ts = 0;
        const fill = (side: 'buy' | 'sell', qty: number, price: number, fee: bigint): void => {
          fills.push({ venue: 'v', tradeId: `t${fills.length}`, clientOrderId: `o${fills.length}`, symbol: inst.symbol, side, qty, price, fee, feeCurrency: 'USD', liquidity: 'taker', ts: (ts += 60_000) });
        };
        for (const t of trades) {
          const [open, close] = t.long ? (['buy', 'sell'] as const) : (['sell', 'buy'] as const);
          let qty = 0;
          let entryTL = 0n;
          let exitTL = 0n;
          let fees = 0n;
          for (const e of t.entries) {
            fill(open, e.qty, e.price, e.fee);
            qty += e.qty;
            entryTL += BigInt(e.qty) * BigInt(e.price);
            fees += e.fee;
          }
          // The exit in up to three fills: all but the last take an equal share, the last the rest.
          let left = qty;
          t.exitPrices.forEach((p, k) => {
            const q = k === t.exitPrices.length - 1 ? left : Math.floor(qty / t.exitPrices.length);
            if (q === 0) return;
            fill(close, q, p, 7n);
            left -= q;
            exitTL += BigInt(q) * BigInt(p);
            fees += 7n;
          });
          const side = t.long ? 1n : -1n;
          expected.push({ pnl: (exitTL - entryTL) * side * inst.notionalUnit - fees, entryTL, exitTL, qty });
        }
        const r = RunBook.of(fills, undefined, { instruments, intervalMs: 60_000 }).trips.result();
        expect(r.closed.map((x) => ({ pnl: x.pnl, entryTL: x.entryTL, exitTL: x.exitTL, qty: x.qty }))).toEqual(expected);
        expect(r.open).toEqual([]);
        // The figures a sweep reads agree with the records, without the records being made.
        const figures = RunBook.of(fills, undefined, { instruments, intervalMs: 60_000, objects: false }).trips.result();
        expect(figures.closed).toEqual([]);
        expect(figures.figures.n).toBe(expected.length);
        expected.forEach((e, k) => {
          expect(figures.figures.pnlValue[k]).toBe(moneyToNumber(e.pnl));
          expect(figures.figures.returnPct[k]).toBe(moneyToNumber(e.pnl) / moneyToNumber(e.entryTL * inst.notionalUnit));
        });
      }),
      { numRuns: 500 },
    );
  });
});
