/**
 * Properties of the book-aware fill model over random sequences of book snapshots and deltas, trade prints,
 * orders (market / limit / IOC, both sides) and cancels, with strict spot balances on:
 *  - never a price better than the book allowed: a taker buy never below the best displayed ask at that
 *    event (a sell never above the best bid), never beyond its limit; a maker fill at exactly its limit;
 *  - queue fills never exceed the traded volume: the maker fills one print produces sum to at most its size;
 *  - cash + position value conserved: initial cash = cash + Σ signed fill notional + Σ fees, exactly;
 *  - spot balances never negative: quote cash ≥ 0 and base holding ≥ 0 after every event.
 * KESTREL_FULL=1 runs 2,000 sequences instead of 150.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { harness, type Harness } from '../core/engine-fixtures.ts';
import { money, notional, type Fill } from '../../../main/core/model/index.ts';

const S = 'BTC/USDT';
const RUNS = process.env.KESTREL_FULL === '1' ? 2000 : 150;

type Ev =
  | { k: 'snap'; mid: number; depth: number[] }
  | { k: 'delta'; side: 'bid' | 'ask'; off: number; qty: number }
  | { k: 'trade'; off: number; qty: number }
  | { k: 'order'; side: 'buy' | 'sell'; type: 'market' | 'limit'; off: number; qty: number; ioc: boolean }
  | { k: 'cancel'; idx: number };

const ev: fc.Arbitrary<Ev> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ k: fc.constant('snap' as const), mid: fc.integer({ min: 9_900, max: 10_100 }), depth: fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 5 }) }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('delta' as const), side: fc.constantFrom('bid' as const, 'ask' as const), off: fc.integer({ min: 1, max: 8 }), qty: fc.integer({ min: 0, max: 3000 }) }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('trade' as const), off: fc.integer({ min: -6, max: 6 }), qty: fc.integer({ min: 1, max: 3000 }) }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('order' as const), side: fc.constantFrom('buy' as const, 'sell' as const), type: fc.constantFrom('market' as const, 'limit' as const), off: fc.integer({ min: -6, max: 6 }), qty: fc.integer({ min: 1, max: 4000 }), ioc: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('cancel' as const), idx: fc.nat() }) },
);

describe('book-aware fill model properties', () => {
  it('prices within the book, queue fills within prints, value conserved, spot balances never negative', () => {
    const seen = { taker: 0, maker: 0 };
    fc.assert(
      fc.property(fc.record({ k: fc.constant('snap' as const), mid: fc.constant(10_000), depth: fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 5 }) }), fc.array(ev, { minLength: 5, maxLength: 60 }), fc.constantFrom(0, 20), (first, rest, latency) => {
        // The book model applies once a symbol has a book: every sequence starts with a snapshot.
        const evs: Ev[] = [first, ...rest];
        const ref: { h?: Harness } = {};
        const h = harness({ cash: '2000', venue: { funds: (c) => ref.h!.engine.portfolio.cash(c), holdings: (s) => ref.h!.engine.portfolio.positionQty(s), latency: { submitMs: latency, cancelMs: latency } } });
        ref.h = h;
        const inst = h.inst;
        // Our own view of the displayed book (ticks → lots), to judge the fills against.
        const bids = new Map<number, number>();
        const asks = new Map<number, number>();
        let mid = 10_000; // ticks (100.00)
        let ts = 0;
        let current: { print?: number; bestAsk: number; bestBid: number } = { bestAsk: NaN, bestBid: NaN };
        const byEvent: Fill[] = [];
        const ids: string[] = [];
        const limits = new Map<string, number | undefined>();
        h.engine.bus.on('fill', ({ fill }) => {
          byEvent.push(fill);
          const lim = limits.get(fill.clientOrderId);
          const s = fill.side === 'buy' ? 1 : -1;
          if (lim !== undefined) expect(s * fill.price).toBeLessThanOrEqual(s * lim);
          if (fill.liquidity === 'taker') {
            seen.taker++;
            const best = s > 0 ? current.bestAsk : current.bestBid;
            expect(best === best).toBe(true);
            expect(s * fill.price).toBeGreaterThanOrEqual(s * best);
            expect(s * fill.price).toBeGreaterThanOrEqual(s * fill.touch!);
          } else {
            seen.maker++;
            expect(fill.price).toBe(lim);
          }
        });
        const best = (m: Map<number, number>, hi: boolean): number => {
          let b = NaN;
          for (const p of m.keys()) if (b !== b || (hi ? p > b : p < b)) b = p;
          return b;
        };
        for (const e of evs) {
          ts += 10;
          h.clock.t = ts;
          byEvent.length = 0;
          current = { bestAsk: best(asks, false), bestBid: best(bids, true) };
          if (e.k === 'snap') {
            mid = e.mid;
            bids.clear();
            asks.clear();
            e.depth.forEach((q, i) => {
              bids.set(mid - 1 - i, q);
              asks.set(mid + 1 + i, q);
            });
            current = { bestAsk: best(asks, false), bestBid: best(bids, true) };
            h.engine.onBook({ kind: 'snapshot', symbol: S, ts, bids: [...bids].map(([p, q]) => [p / 100, q / 1000] as [number, number]), asks: [...asks].map(([p, q]) => [p / 100, q / 1000] as [number, number]) });
          } else if (e.k === 'delta') {
            const p = e.side === 'bid' ? mid - e.off : mid + e.off;
            const m = e.side === 'bid' ? bids : asks;
            if (e.qty > 0) m.set(p, e.qty);
            else m.delete(p);
            current = { bestAsk: best(asks, false), bestBid: best(bids, true) };
            h.engine.onBook({ kind: 'delta', symbol: S, ts, bids: e.side === 'bid' ? [[p / 100, e.qty / 1000]] : [], asks: e.side === 'ask' ? [[p / 100, e.qty / 1000]] : [] });
          } else if (e.k === 'trade') {
            current.print = mid + e.off;
            h.engine.onTrade({ symbol: S, ts, price: (mid + e.off) / 100, qty: e.qty / 1000 });
            const makers = byEvent.filter((f) => f.liquidity === 'maker').reduce((a, f) => a + f.qty, 0);
            expect(makers).toBeLessThanOrEqual(e.qty);
          } else if (e.k === 'order') {
            const price = e.type === 'limit' ? mid + e.off : undefined;
            try {
              const o = h.engine.submit({ symbol: S, side: e.side, type: e.type, qty: e.qty, ...(price !== undefined ? { price } : {}), tif: e.ioc && e.type === 'limit' ? 'IOC' : 'GTC' });
              ids.push(o.clientOrderId);
              limits.set(o.clientOrderId, price);
            } catch {
              /* refused by validation (e.g. min notional): nothing to check */
            }
          } else if (ids.length > 0) {
            const id = ids[e.idx % ids.length]!;
            const o = h.engine.order(id);
            if (o && (o.state === 'accepted' || o.state === 'partially-filled')) h.engine.cancel(id);
          }
          const pf = h.engine.portfolio;
          expect(pf.cash('USDT')).toBeGreaterThanOrEqual(0n);
          expect(pf.positionQty(S)).toBeGreaterThanOrEqual(0);
          let flow = 0n;
          for (const f of pf.fills()) flow += (f.side === 'buy' ? 1n : -1n) * notional(inst, f.price, f.qty) + f.fee;
          expect(pf.cash('USDT') + flow).toBe(money('2000'));
        }
      }),
      { numRuns: RUNS, seed: 18 },
    );
    // The sequences exercised both kinds of fill (so the checks above ran).
    expect(seen.taker).toBeGreaterThan(0);
    expect(seen.maker).toBeGreaterThan(0);
  });
});
