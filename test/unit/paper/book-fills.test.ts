/**
 * Hand-worked scenarios of the book-aware fill model (book-fills.ts, FILLS.md), from book snapshots and
 * trade prints. Instrument: tick 0.01, lot 0.001 (1000 lots = 1 BTC), maker 2 bp, taker 5 bp.
 */
import { describe, expect, it } from 'vitest';
import { harness, px, type Harness } from '../core/engine-fixtures.ts';
import { money, type Fill } from '../../../main/core/model/index.ts';
import type { PaperVenueConfig } from '../../../main/venues/paper/paper-venue.ts';

const BTC = 1000;
const S = 'BTC/USDT';
type Lv = [number, number][];

function book(venue: Partial<PaperVenueConfig> = {}, cash?: string): Harness & {
  snap(ts: number, bids: Lv, asks: Lv): void;
  delta(ts: number, bids: Lv, asks: Lv): void;
  trade(ts: number, price: number, qty: number): void;
  fills(): Fill[];
} {
  const h = harness({ venue, ...(cash ? { cash } : {}) });
  return {
    ...h,
    snap: (ts, bids, asks) => h.engine.onBook({ kind: 'snapshot', symbol: S, ts, bids, asks }),
    delta: (ts, bids, asks) => h.engine.onBook({ kind: 'delta', symbol: S, ts, bids, asks }),
    trade: (ts, price, qty) => h.engine.onTrade({ symbol: S, ts, price, qty }),
    fills: () => h.engine.portfolio.fills(),
  };
}

const ASKS: Lv = [[100, 0.5], [100.1, 0.5], [100.2, 1]];
const BIDS: Lv = [[99.9, 2], [99.8, 3]];

describe('book-aware fills: takers walk the displayed book', () => {
  it('a market buy of 1.5 BTC walks three levels: 0.5 @ 100.00, 0.5 @ 100.10, 0.5 @ 100.20, touch 100.00 on each', () => {
    const b = book();
    b.snap(1000, BIDS, ASKS);
    b.engine.submit({ symbol: S, side: 'buy', type: 'market', qty: 1500 });
    b.delta(1100, [[99.8, 3]], []);
    const f = b.fills();
    expect(f.map((x) => [x.price, x.qty, x.touch, x.liquidity])).toEqual([
      [px(100), 500, px(100), 'taker'], [px(100.1), 500, px(100), 'taker'], [px(100.2), 500, px(100), 'taker'],
    ]);
    // taker 5 bp of 50.00, 50.05 and 50.10
    expect(f.map((x) => x.fee)).toEqual([money('0.025'), money('0.025025'), money('0.02505')]);
    // average 100.10 against a touch of 100.00: 10 ticks of slippage
    const avg = f.reduce((a, x) => a + x.price * x.qty, 0) / 1500;
    expect(avg - px(100)).toBe(10);
    expect(b.engine.portfolio.position(S).qty).toBe(1500);
  });

  it('displayed size is consumed once: a second buy does not take the 0.5 the first took, until a snapshot', () => {
    const b = book();
    b.snap(1000, BIDS, ASKS);
    b.engine.submit({ symbol: S, side: 'buy', type: 'market', qty: 500 });
    b.delta(1100, [], []);
    b.engine.submit({ symbol: S, side: 'buy', type: 'market', qty: 500 });
    // the feed re-reports 100.00 × 0.5 (it never saw our order): still taken
    b.delta(1200, [], [[100, 0.5]]);
    expect(b.fills().map((x) => [x.price, x.touch])).toEqual([[px(100), px(100)], [px(100.1), px(100.1)]]);
    b.snap(1300, BIDS, ASKS);
    b.engine.submit({ symbol: S, side: 'buy', type: 'market', qty: 500 });
    b.delta(1400, [], []);
    expect(b.fills()[2]!.price).toBe(px(100));
  });

  it('a marketable limit buy 2 BTC @ 100.10 takes 0.5 + 0.5 up to its limit, then rests the other 1 BTC', () => {
    const b = book();
    b.snap(1000, BIDS, ASKS);
    const o = b.engine.submit({ symbol: S, side: 'buy', type: 'limit', qty: 2 * BTC, price: px(100.1) });
    b.delta(1100, [], []);
    expect(b.fills().map((x) => [x.price, x.qty])).toEqual([[px(100), 500], [px(100.1), 500]]);
    expect(b.engine.order(o.clientOrderId)).toMatchObject({ state: 'partially-filled', filledQty: BTC });
  });

  it('IOC: what the book cannot fill within the limit expires; FOK: nothing fills when the book is short', () => {
    const b = book();
    b.snap(1000, BIDS, ASKS);
    const ioc = b.engine.submit({ symbol: S, side: 'buy', type: 'limit', qty: 2 * BTC, price: px(100.1), tif: 'IOC' });
    const fok = b.engine.submit({ symbol: S, side: 'sell', type: 'limit', qty: 6 * BTC, price: px(99.8), tif: 'FOK' });
    b.delta(1100, [], []);
    expect(b.engine.order(ioc.clientOrderId)).toMatchObject({ state: 'expired', filledQty: BTC });
    expect(b.engine.order(fok.clientOrderId)).toMatchObject({ state: 'expired', filledQty: 0 });
  });

  it('a buy stop triggered by a print at 100.05 walks the book: 0.5 @ 100.10 (100.00 had been taken), 0.5 @ 100.20', () => {
    const b = book();
    b.snap(1000, BIDS, [[100, 0.2], [100.1, 0.5], [100.2, 1]]);
    b.engine.submit({ symbol: S, side: 'buy', type: 'market', qty: 200 });
    b.delta(1050, [], []); // takes the 0.2 at 100.00
    b.engine.submit({ symbol: S, side: 'buy', type: 'stop-market', qty: BTC, triggerPrice: px(100.05) });
    b.trade(1100, 100.02, 0.1); // below the trigger
    expect(b.fills()).toHaveLength(1);
    b.trade(1200, 100.05, 0.1);
    expect(b.fills().slice(1).map((x) => [x.price, x.qty, x.touch])).toEqual([[px(100.1), 500, px(100.1)], [px(100.2), 500, px(100.1)]]);
  });

  it('spot funds: a 1 BTC market buy on a 60 USDT account takes what the cash pays for, fee included, and cancels the rest', () => {
    const b = book({ funds: (c) => hb.engine.portfolio.cash(c) }, '60');
    const hb = b;
    b.snap(1000, BIDS, ASKS);
    const o = b.engine.submit({ symbol: S, side: 'buy', type: 'market', qty: BTC });
    b.delta(1100, [], []);
    // 0.5 @ 100.00 = 50 + 0.025 fee; 9.975 left buys 0.099 @ 100.10 (9.9099 + 0.00495495 fee)
    expect(b.fills().map((x) => [x.price, x.qty])).toEqual([[px(100), 500], [px(100.1), 99]]);
    expect(b.engine.order(o.clientOrderId)).toMatchObject({ state: 'canceled', reason: 'insufficient_balance' });
    expect(b.engine.portfolio.cash('USDT')).toBeGreaterThanOrEqual(0n);
  });
});

describe('book-aware fills: resting limits and the queue', () => {
  it('queue priority: a bid joining 2 BTC at 99.90 fills only after 2 BTC trade there (1.5, then 1.0 of which 0.5 is ours)', () => {
    const b = book();
    b.snap(1000, BIDS, ASKS);
    const o = b.engine.submit({ symbol: S, side: 'buy', type: 'limit', qty: BTC, price: px(99.9) });
    b.delta(1100, [], []); // arrives: 2 BTC ahead
    b.trade(1200, 99.9, 1.5);
    expect(b.fills()).toHaveLength(0);
    b.trade(1300, 99.9, 1.0);
    expect(b.fills().map((x) => [x.price, x.qty, x.liquidity, x.fee])).toEqual([[px(99.9), 500, 'maker', money('0.00999')]]);
    b.trade(1400, 99.9, 2);
    expect(b.engine.order(o.clientOrderId)).toMatchObject({ state: 'filled', filledQty: BTC });
  });

  it('the queue ahead shrinks with the level: 2 BTC shown, the level drops to 0.4, a 1 BTC print fills 0.6 of ours', () => {
    const b = book();
    b.snap(1000, BIDS, ASKS);
    b.engine.submit({ symbol: S, side: 'buy', type: 'limit', qty: BTC, price: px(99.9) });
    b.delta(1100, [], []);
    b.delta(1200, [[99.9, 0.4]], []);
    b.trade(1300, 99.9, 1);
    expect(b.fills().map((x) => x.qty)).toEqual([600]);
  });

  it('a print through the price fills up to the print size (0.3 at 99.80 fills 0.3 of a 99.90 bid, at 99.90)', () => {
    const b = book();
    b.snap(1000, BIDS, ASKS);
    b.engine.submit({ symbol: S, side: 'buy', type: 'limit', qty: BTC, price: px(99.9) });
    b.delta(1100, [], []);
    b.trade(1200, 99.8, 0.3);
    expect(b.fills().map((x) => [x.price, x.qty, x.liquidity])).toEqual([[px(99.9), 300, 'maker']]);
  });

  it('one print is shared: two of our bids at 99.90 behind nothing get 0.7 between them from a 0.7 print', () => {
    const b = book();
    b.snap(1000, [[99.8, 3]], ASKS);
    b.engine.submit({ symbol: S, side: 'buy', type: 'limit', qty: 500, price: px(99.9) });
    b.engine.submit({ symbol: S, side: 'buy', type: 'limit', qty: 500, price: px(99.9) });
    b.delta(1100, [], []);
    b.trade(1200, 99.9, 0.7);
    expect(b.fills().map((x) => x.qty)).toEqual([500, 200]);
  });

  it('the book crossing a resting bid fills it from the crossing size: asks 99.90 × 0.4 fill 0.4 of a 99.90 bid, maker', () => {
    const b = book();
    b.snap(1000, BIDS, ASKS);
    b.engine.submit({ symbol: S, side: 'buy', type: 'limit', qty: BTC, price: px(99.9) });
    b.delta(1100, [], []);
    b.delta(1200, [[99.9, 0]], [[99.9, 0.4]]);
    expect(b.fills().map((x) => [x.price, x.qty, x.liquidity])).toEqual([[px(99.9), 400, 'maker']]);
  });

  it('a price amend goes to the back of the queue at the new price', () => {
    const b = book();
    b.snap(1000, BIDS, ASKS);
    const o = b.engine.submit({ symbol: S, side: 'buy', type: 'limit', qty: BTC, price: px(99.8) });
    b.delta(1100, [], []);
    b.engine.amend(o.clientOrderId, { price: px(99.9) });
    b.delta(1200, [], []); // requeued behind the 2 BTC at 99.90
    b.trade(1300, 99.9, 2.5);
    expect(b.fills().map((x) => [x.price, x.qty])).toEqual([[px(99.9), 500]]);
  });
});

describe('book-aware fills: latencies', () => {
  it('submit latency: a market order sent at 1000 with 100 ms does not see the 1050 book; it fills on the 1120 book', () => {
    const b = book({ latency: { submitMs: 100 } });
    b.snap(1000, BIDS, ASKS);
    b.clock.t = 1000;
    b.engine.submit({ symbol: S, side: 'buy', type: 'market', qty: 500 });
    b.delta(1050, [], [[100, 0.1]]);
    expect(b.fills()).toHaveLength(0);
    b.delta(1120, [], [[100, 0]]);
    expect(b.fills().map((x) => x.price)).toEqual([px(100.1)]);
  });

  it('a cancel that loses the race: sent at 1000 with 50 ms, a print through the bid at 1010 fills it first', () => {
    const b = book({ latency: { cancelMs: 50 } });
    b.snap(900, BIDS, ASKS);
    const o = b.engine.submit({ symbol: S, side: 'buy', type: 'limit', qty: BTC, price: px(99.9) });
    b.delta(950, [], []);
    b.clock.t = 1000;
    b.engine.cancel(o.clientOrderId);
    expect(b.engine.order(o.clientOrderId)!.state).toBe('pending-cancel');
    b.trade(1010, 99.7, 5);
    b.delta(1100, [], []);
    expect(b.engine.order(o.clientOrderId)).toMatchObject({ state: 'filled', filledQty: BTC });
  });

  it('the same cancel wins when the print comes after it took effect (1060)', () => {
    const b = book({ latency: { cancelMs: 50 } });
    b.snap(900, BIDS, ASKS);
    const o = b.engine.submit({ symbol: S, side: 'buy', type: 'limit', qty: BTC, price: px(99.9) });
    b.delta(950, [], []);
    b.clock.t = 1000;
    b.engine.cancel(o.clientOrderId);
    b.trade(1060, 99.7, 5);
    expect(b.engine.order(o.clientOrderId)).toMatchObject({ state: 'canceled', filledQty: 0 });
  });

  it('amend latency: the new price applies 100 ms later; a print at 99.85 in between does not fill the old 99.80 bid nor the new 99.90 one', () => {
    const b = book({ latency: { amendMs: 100 } });
    b.snap(900, [[99.8, 1]], ASKS);
    const o = b.engine.submit({ symbol: S, side: 'buy', type: 'limit', qty: BTC, price: px(99.8) });
    b.delta(950, [], []);
    b.clock.t = 1000;
    b.engine.amend(o.clientOrderId, { price: px(99.9) });
    b.trade(1050, 99.85, 3);
    expect(b.fills()).toHaveLength(0);
    expect(b.engine.order(o.clientOrderId)!.state).toBe('pending-amend');
    b.delta(1110, [], []); // the amend lands: 99.90 with nothing shown ahead
    expect(b.engine.order(o.clientOrderId)).toMatchObject({ state: 'accepted', price: px(99.9) });
    b.trade(1200, 99.9, 0.25);
    expect(b.fills().map((x) => [x.price, x.qty])).toEqual([[px(99.9), 250]]);
  });
});

describe('strict spot balances (free vs reserved)', () => {
  function strict(cash: string) {
    const ref: { h?: Harness } = {};
    const b = book({ funds: (c) => ref.h!.engine.portfolio.cash(c), holdings: (s) => ref.h!.engine.portfolio.positionQty(s) }, cash);
    ref.h = b;
    return b;
  }

  it('a spot sell from flat is refused (insufficient_balance) instead of opening a short', () => {
    const b = strict('10000');
    b.snap(1000, BIDS, ASKS);
    const o = b.engine.submit({ symbol: S, side: 'sell', type: 'market', qty: 100 });
    expect(b.engine.order(o.clientOrderId)).toMatchObject({ state: 'rejected', reason: 'insufficient_balance' });
    b.delta(1100, [], []);
    expect(b.engine.portfolio.positionQty(S)).toBe(0);
  });

  it('a 1 BTC buy at ~16,000 on a 10,000 USDT account is refused at submit; cash stays 10,000', () => {
    const b = strict('10000');
    b.snap(1000, [[15990, 5]], [[16000, 5]]);
    const o = b.engine.submit({ symbol: S, side: 'buy', type: 'market', qty: BTC });
    expect(b.engine.order(o.clientOrderId)).toMatchObject({ state: 'rejected', reason: 'insufficient_balance' });
    b.delta(1100, [], []);
    expect(b.engine.portfolio.cash('USDT')).toBe(money('10000'));
  });

  it('working orders reserve: a 60 USDT buy limit leaves 40 free of 100, so a second 60 USDT buy is refused; a cancel frees it', () => {
    const b = strict('100');
    b.snap(1000, [[59, 1]], [[61, 1]]);
    const a = b.engine.submit({ symbol: S, side: 'buy', type: 'limit', qty: 1000, price: px(59.9) }); // 59.90 + 5 bp fee
    expect(b.venue.spotBalances()).toContainEqual({ asset: 'USDT', total: '100', reserved: '59.92995', free: '40.07005' });
    const c = b.engine.submit({ symbol: S, side: 'buy', type: 'limit', qty: 1000, price: px(59.9) });
    expect(b.engine.order(c.clientOrderId)).toMatchObject({ state: 'rejected', reason: 'insufficient_balance' });
    b.engine.cancel(a.clientOrderId);
    const d = b.engine.submit({ symbol: S, side: 'buy', type: 'limit', qty: 1000, price: px(59.9) });
    expect(b.engine.order(d.clientOrderId)!.state).toBe('accepted');
  });

  it('a sale of what is held passes, base is reserved by the working sell, and a second sell of the same lots is refused', () => {
    const b = strict('1000');
    b.snap(1000, BIDS, ASKS);
    b.engine.submit({ symbol: S, side: 'buy', type: 'market', qty: 500 });
    b.delta(1100, [], []);
    expect(b.engine.portfolio.positionQty(S)).toBe(500);
    const s1 = b.engine.submit({ symbol: S, side: 'sell', type: 'limit', qty: 400, price: px(101) });
    expect(b.venue.spotBalances()).toContainEqual({ asset: 'BTC', total: '0.5', reserved: '0.4', free: '0.1' });
    const s2 = b.engine.submit({ symbol: S, side: 'sell', type: 'limit', qty: 200, price: px(101) });
    expect(b.engine.order(s1.clientOrderId)!.state).toBe('accepted');
    expect(b.engine.order(s2.clientOrderId)).toMatchObject({ state: 'rejected', reason: 'insufficient_balance' });
  });
});
