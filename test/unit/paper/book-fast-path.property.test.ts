/**
 * The book model's shortcuts change no result:
 *  - L2Book keeps its best prices incrementally (a delta behind the best leaves it): after any sequence of
 *    snapshots, deltas and our own takes, best() equals a scan of every level with size still available;
 *  - a delta that concerns none of the working orders (nothing due, every order resting away from the
 *    levels it touched) skips the due bookkeeping and the pass: the venue's events equal those of a venue
 *    forced through the full pass on every update, over random books, prints, orders (market, limit, IOC,
 *    stops, GTD), cancels and amends with latencies.
 * KESTREL_FULL=1 runs 2,000 sequences instead of 200.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SimClock } from '../../../main/core/engine/index.ts';
import { defineInstrument, type Order, type OrderBookUpdate } from '../../../main/core/model/index.ts';
import type { VenueEvent } from '../../../main/core/ports.ts';
import { L2Book } from '../../../main/venues/paper/book.ts';
import { PaperVenue } from '../../../main/venues/paper/paper-venue.ts';

const RUNS = process.env.KESTREL_FULL === '1' ? 2000 : 200;
const inst = defineInstrument({ symbol: 'BTC/USDT:USDT', venue: 'paper', base: 'BTC', quote: 'USDT', kind: 'perpetual', tickSize: '0.1', lotSize: '0.001', makerFee: '0.0002', takerFee: '0.0005', maxLeverage: 100 });
const S = inst.symbol;
const MID = 100_000; // ticks: 10,000.0

type Ev =
  | { k: 'snap'; depth: number[] }
  | { k: 'delta'; bid: boolean; off: number; lots: number }
  | { k: 'trade'; off: number; lots: number }
  | { k: 'order'; buy: boolean; type: 'market' | 'limit' | 'stop'; off: number; lots: number; tif: 'GTC' | 'IOC' | 'GTD' }
  | { k: 'cancel'; idx: number }
  | { k: 'amend'; idx: number; off: number; lots: number };

const ev: fc.Arbitrary<Ev> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ k: fc.constant('snap' as const), depth: fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 6 }) }) },
  { weight: 10, arbitrary: fc.record({ k: fc.constant('delta' as const), bid: fc.boolean(), off: fc.integer({ min: 1, max: 8 }), lots: fc.integer({ min: 0, max: 3000 }) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('trade' as const), off: fc.integer({ min: -6, max: 6 }), lots: fc.integer({ min: 1, max: 3000 }) }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('order' as const), buy: fc.boolean(), type: fc.constantFrom('market' as const, 'limit' as const, 'limit' as const, 'stop' as const), off: fc.integer({ min: -6, max: 6 }), lots: fc.integer({ min: 1, max: 4000 }), tif: fc.constantFrom('GTC' as const, 'GTC' as const, 'IOC' as const, 'GTD' as const) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('cancel' as const), idx: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('amend' as const), idx: fc.nat(), off: fc.integer({ min: -6, max: 6 }), lots: fc.integer({ min: 1, max: 4000 }) }) },
);

function levels(depth: number[], bid: boolean): [number, number][] {
  return depth.map((lots, i) => [((bid ? MID - 1 - i : MID + 1 + i) * 0.1), lots * 0.001]);
}

/** One venue fed `evs`; `full` forces the whole pass on every book update (as before the shortcut). */
function play(evs: Ev[], latency: number, full: boolean): string[] {
  const clock = new SimClock(0);
  const venue = new PaperVenue({ instruments: [inst], clock, latency: { submitMs: latency, cancelMs: latency, amendMs: latency } });
  const out: string[] = [];
  venue.connect({ onVenueEvent: (e: VenueEvent) => void out.push(JSON.stringify(e, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v))) });
  const st = (venue as unknown as { sym: Map<string, { dueAt: number }> }).sym.get(S)!;
  const book = (u: OrderBookUpdate): void => {
    if (full) st.dueAt = -Infinity;
    venue.onBook(u);
  };
  const ids: string[] = [];
  let ts = 0;
  book({ kind: 'snapshot', symbol: S, ts, bids: levels([5, 5, 5], true), asks: levels([5, 5, 5], false) });
  for (const e of evs) {
    ts += 7;
    clock.t = ts;
    if (e.k === 'snap') book({ kind: 'snapshot', symbol: S, ts, bids: levels(e.depth, true), asks: levels(e.depth, false) });
    else if (e.k === 'delta') {
      const l: [number, number][] = [[(e.bid ? MID - e.off : MID + e.off) * 0.1, e.lots * 0.001]];
      book({ kind: 'delta', symbol: S, ts, bids: e.bid ? l : [], asks: e.bid ? [] : l });
    } else if (e.k === 'trade') venue.onTrade({ symbol: S, ts, price: (MID + e.off) * 0.1, qty: e.lots * 0.001 });
    else if (e.k === 'order') {
      const id = `o${ids.length}`;
      ids.push(id);
      const price = e.type === 'limit' ? MID + (e.buy ? -e.off : e.off) : undefined;
      const triggerPrice = e.type === 'stop' ? MID + (e.buy ? e.off : -e.off) : undefined;
      const o = { clientOrderId: id, symbol: S, venue: 'paper', side: e.buy ? 'buy' : 'sell', type: e.type === 'stop' ? 'stop-market' : e.type, qty: e.lots, filledQty: 0, price, triggerPrice, tif: e.type === 'limit' ? e.tif : 'GTC', expireAt: e.tif === 'GTD' ? ts + 30 : undefined, reduceOnly: false, postOnly: false };
      venue.submit(o as unknown as Order);
    } else if (ids.length && e.k === 'cancel') venue.cancel(ids[e.idx % ids.length]!);
    else if (ids.length && e.k === 'amend') venue.amend(ids[e.idx % ids.length]!, { qty: e.lots, price: MID + e.off });
  }
  return out;
}

describe('book model shortcuts', () => {
  it('the incrementally kept best price equals a scan of the available levels', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(ev, fc.record({ k: fc.constant('take' as const), bid: fc.boolean(), off: fc.integer({ min: 1, max: 8 }), lots: fc.integer({ min: 1, max: 3000 }) })), { minLength: 1, maxLength: 80 }), (evs) => {
        const b = new L2Book(inst);
        const scan = (bid: boolean): number => {
          let best = NaN;
          for (const p of (bid ? b.bids : b.asks).keys()) if (b.available(bid ? 'bid' : 'ask', p) > 0 && (best !== best || (bid ? p > best : p < best))) best = p;
          return best;
        };
        for (const e of evs) {
          if (e.k === 'snap') b.apply({ kind: 'snapshot', symbol: S, ts: 0, bids: levels(e.depth, true), asks: levels(e.depth, false) });
          else if (e.k === 'delta') {
            const l: [number, number][] = [[(e.bid ? MID - e.off : MID + e.off) * 0.1, e.lots * 0.001]];
            b.apply({ kind: 'delta', symbol: S, ts: 0, bids: e.bid ? l : [], asks: e.bid ? [] : l });
          } else if (e.k === 'take') {
            const p = e.bid ? MID - e.off : MID + e.off;
            const side = e.bid ? 'bid' : 'ask';
            const a = b.available(side, p);
            if (a > 0) b.take(side, p, Math.min(a, e.lots));
          } else continue;
          expect(b.best('bid')).toStrictEqual(scan(true));
          expect(b.best('ask')).toStrictEqual(scan(false));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('skipping the deltas that concern no working order changes no event', () => {
    let fills = 0;
    fc.assert(
      fc.property(fc.array(ev, { minLength: 5, maxLength: 80 }), fc.constantFrom(0, 10, 25), (evs, latency) => {
        const fast = play(evs, latency, false);
        expect(fast).toEqual(play(evs, latency, true));
        fills += fast.filter((e) => e.includes('"kind":"fill"')).length;
      }),
      { numRuns: RUNS },
    );
    // The sequences did exercise the model.
    expect(fills).toBeGreaterThan(RUNS);
  });
});
