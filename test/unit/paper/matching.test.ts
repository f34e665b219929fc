/**
 * Matching scenarios, expected fills worked out by hand from the documented rules (matching.ts):
 * intrabar path open → nearer extreme → farther extreme → close; a jump (bar open) executes at the jump
 * price; continuous trading fills stops at the trigger and limits at the limit. Instrument: tick 0.01,
 * lot 0.001 (1000 lots = 1 BTC), maker 2 bp, taker 5 bp.
 */
import { describe, expect, it } from 'vitest';
import { harness, px } from '../core/engine-fixtures.ts';
import { money } from '../../../main/core/model/index.ts';

const BTC = 1000; // lots

describe('paper matching against candles', () => {
  it('market order placed after a bar fills at the NEXT bar open (101.00), taker fee 101 × 1 × 5bp = 0.0505', () => {
    const h = harness();
    h.bar([100, 101, 99, 100.5]);
    const o = h.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: BTC });
    expect(h.engine.order(o.clientOrderId)!.state).toBe('accepted');
    h.bar([101, 102, 100, 101.5]);
    const [f] = h.engine.portfolio.fills();
    expect(f).toMatchObject({ price: px(101), qty: BTC, liquidity: 'taker', ts: 60_000, fee: money('0.0505') });
    expect(h.engine.order(o.clientOrderId)!.state).toBe('filled');
  });

  it('resting limit buy 99.50 fills at its price when the path crosses it (open 100.4 → high 100.8 → low 99.2), maker', () => {
    const h = harness();
    h.bar([100, 101, 100.2, 100.5]);
    h.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: BTC, price: px(99.5) });
    h.bar([100.4, 100.9, 99.6, 100]); // low 99.60 never reaches 99.50: no fill
    expect(h.engine.portfolio.fills()).toHaveLength(0);
    h.bar([100.4, 100.8, 99.2, 99.9]);
    const [f] = h.engine.portfolio.fills();
    expect(f).toMatchObject({ price: px(99.5), liquidity: 'maker', fee: money('0.0199') });
    // fill time lies on the path between the high (1/3 of the bar) and the low (2/3): not at the open
    expect(f!.ts).toBeGreaterThan(2 * 60_000 + 20_000);
    expect(f!.ts).toBeLessThan(2 * 60_000 + 40_000);
  });

  it('resting limit gapped through at the open fills at the open (99.00 for a 99.50 bid), as an auction would', () => {
    const h = harness();
    h.bar([100, 101, 100, 100.5]);
    h.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: BTC, price: px(99.5) });
    h.bar([100.2, 100.4, 100.1, 100.2]);
    h.bar([99, 99.3, 98.5, 99.1]);
    expect(h.engine.portfolio.fills()[0]).toMatchObject({ price: px(99), liquidity: 'maker' });
  });

  it('a gap through a sell stop fills at the open (97.50), i.e. at the trigger (99.00) or worse', () => {
    const h = harness();
    h.bar([100, 101, 99.5, 100.5]);
    h.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: BTC });
    h.bar([100.5, 100.8, 100.1, 100.4]); // buy fills at 100.50
    h.engine.submit({ symbol: 'BTC/USDT', side: 'sell', type: 'stop-market', qty: BTC, triggerPrice: px(99) });
    h.bar([97.5, 98, 97, 97.8]);
    const fills = h.engine.portfolio.fills();
    expect(fills[1]).toMatchObject({ side: 'sell', price: px(97.5), liquidity: 'taker' });
    expect(h.engine.portfolio.position('BTC/USDT').realizedPnl).toBe(money('-3'));
  });

  it('stop-limit: marketable on trigger fills at the trigger (101.00, taker); gapped above its limit it rests and fills at the limit (maker)', () => {
    const a = harness();
    a.bar([100, 100.6, 99.8, 100.3]);
    a.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'stop-limit', qty: BTC, triggerPrice: px(101), price: px(101.5) });
    a.bar([100.5, 102, 100.2, 101.8]); // low first (0.3 away) then up through 101.00
    expect(a.engine.portfolio.fills()[0]).toMatchObject({ price: px(101), liquidity: 'taker' });
    expect(a.events.map((e) => e.event)).toContain('triggered');

    const b = harness();
    b.bar([100, 100.6, 99.8, 100.3]);
    b.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'stop-limit', qty: BTC, triggerPrice: px(101), price: px(101.5) });
    b.bar([102, 102.5, 101.2, 101.4]); // opens above the limit: triggered, not marketable; high first, then down through 101.50
    expect(b.engine.portfolio.fills()[0]).toMatchObject({ price: px(101.5), liquidity: 'maker' });
  });

  it('post-only that would take is rejected (bid 100.60 ≥ last 100.50); one below the market rests', () => {
    const h = harness();
    h.bar([100, 101, 99.5, 100.5]);
    const bad = h.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: BTC, price: px(100.6), postOnly: true });
    expect(h.engine.order(bad.clientOrderId)).toMatchObject({ state: 'rejected', reason: 'post_only_would_take' });
    const ok = h.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: BTC, price: px(100), postOnly: true });
    expect(h.engine.order(ok.clientOrderId)!.state).toBe('accepted');
  });

  it('IOC under 50 % participation of a 1 BTC bar fills 0.5 BTC at the open and expires the rest', () => {
    const h = harness({ venue: { participation: 0.5 } });
    h.bar([100, 101, 99.5, 100.5, 1]);
    const o = h.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: BTC, price: px(101), tif: 'IOC' });
    h.bar([100.8, 101.2, 100.5, 101, 1]);
    expect(h.engine.portfolio.fills()).toEqual([expect.objectContaining({ qty: 500, price: px(100.8), liquidity: 'taker' })]);
    expect(h.engine.order(o.clientOrderId)).toMatchObject({ state: 'expired', filledQty: 500 });
    expect(h.events.filter((e) => e.order.clientOrderId === o.clientOrderId).map((e) => e.order.state)).toEqual(['pending-submit', 'accepted', 'partially-filled', 'expired']);
  });

  it('OCO: the take-profit limit 102 fills (path dips to 99.5 first, stop at 98 untouched) and cancels the stop', () => {
    const h = harness();
    h.bar([100, 100.5, 99.8, 100]);
    h.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: BTC });
    h.bar([100, 100.2, 99.9, 100]);
    const [tp, sl] = h.engine.submitOco([
      { symbol: 'BTC/USDT', side: 'sell', type: 'limit', qty: BTC, price: px(102) },
      { symbol: 'BTC/USDT', side: 'sell', type: 'stop-market', qty: BTC, triggerPrice: px(98) },
    ]);
    h.bar([100, 102.5, 99.5, 102.2]);
    expect(h.engine.portfolio.fills()[1]).toMatchObject({ side: 'sell', price: px(102), liquidity: 'maker' });
    expect(h.engine.order(tp!.clientOrderId)!.state).toBe('filled');
    expect(h.engine.order(sl!.clientOrderId)).toMatchObject({ state: 'canceled', reason: 'oco_sibling_filled' });
    expect(h.engine.portfolio.positionQty('BTC/USDT')).toBe(0);
  });

  it('bracket: entry limit 100 fills, exits go live next bar, stop-loss 98 fills and cancels the take-profit', () => {
    const h = harness();
    h.bar([100.5, 101, 100.3, 100.6]);
    const [entry, tp, sl] = h.engine.submitBracket({ entry: { symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: BTC, price: px(100) }, takeProfit: px(103), stopLoss: px(98) });
    expect(h.engine.order(tp!.clientOrderId)!.state).toBe('held');
    h.bar([100.5, 100.7, 99.8, 100.2]); // high first (0.2 away) then down through 100.00
    expect(h.engine.order(entry!.clientOrderId)!.state).toBe('filled');
    expect(h.engine.order(sl!.clientOrderId)!.state).toBe('accepted');
    h.bar([100.2, 101, 97.5, 98.5]); // high first, then down through the stop
    const fills = h.engine.portfolio.fills();
    expect(fills.map((f) => [f.side, f.price, f.liquidity])).toEqual([['buy', px(100), 'maker'], ['sell', px(98), 'taker']]);
    expect(h.engine.order(tp!.clientOrderId)!.state).toBe('canceled');
    const pos = h.engine.portfolio.position('BTC/USDT');
    expect(pos.qty).toBe(0);
    expect(pos.realizedPnl).toBe(money('-2'));
    expect(pos.fees).toBe(money('0.069')); // 100 × 2bp + 98 × 5bp
  });

  it('trailing stop (1.00 behind) follows the high to 102 → trigger 101.00, never moves down, fills at 101.00', () => {
    const h = harness();
    h.bar([100, 100.6, 99.9, 100.4]);
    h.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: BTC });
    h.bar([100.4, 100.6, 100.3, 100.5]);
    const t = h.engine.submit({ symbol: 'BTC/USDT', side: 'sell', type: 'trailing-stop', qty: BTC, trail: { kind: 'absolute', ticks: 100 } });
    expect(h.engine.order(t.clientOrderId)!.triggerPrice).toBe(px(99.5));
    h.bar([100.6, 102, 100.4, 101.9]);
    expect(h.engine.order(t.clientOrderId)!.triggerPrice).toBe(px(101));
    h.bar([101.5, 101.8, 100.5, 100.7]);
    const triggers = h.events.filter((e) => e.order.clientOrderId === t.clientOrderId && e.event === 'trail-moved').map((e) => e.order.triggerPrice!);
    expect(triggers.length).toBeGreaterThan(0);
    for (let i = 1; i < triggers.length; i++) expect(triggers[i]!).toBeGreaterThanOrEqual(triggers[i - 1]!);
    expect(h.engine.portfolio.fills()[1]).toMatchObject({ side: 'sell', price: px(101), liquidity: 'taker' });
  });

  it('volume participation 10 % of 5 BTC bars fills a 2 BTC market order as 4 × 0.5 BTC at successive opens', () => {
    const h = harness({ venue: { participation: 0.1 } });
    h.bar([100, 101, 99, 100, 5]);
    const o = h.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 2 * BTC });
    for (const open of [100.1, 100.2, 100.3, 100.4, 100.5]) h.bar([open, open + 0.5, open - 0.5, open, 5]);
    expect(h.engine.portfolio.fills().map((f) => [f.qty, f.price])).toEqual([[500, px(100.1)], [500, px(100.2)], [500, px(100.3)], [500, px(100.4)]]);
    expect(h.engine.order(o.clientOrderId)!.state).toBe('filled');
  });

  it('GTD expires at its time; latency pushes a market order past the next open', () => {
    const h = harness({ venue: { latencyMs: 90_000 } });
    h.bar([100, 101, 99, 100]);
    h.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: BTC });
    // sent at bar 0's close (t = 60 s), live from t = 150 s: bars opening at 60 s and 120 s are too early
    h.bar([100.1, 100.5, 99.9, 100.2]);
    h.bar([100.2, 100.5, 99.9, 100.2]);
    expect(h.engine.portfolio.fills()).toHaveLength(0);
    h.bar([100.3, 100.5, 99.9, 100.2]);
    expect(h.engine.portfolio.fills()[0]!.price).toBe(px(100.3));
    const g = harness();
    g.bar([100, 101, 99, 100]);
    const o = g.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: BTC, price: px(90), tif: 'GTD', expireAt: 2 * 60_000 });
    g.bar([100, 101, 99, 100]);
    g.bar([100, 101, 99, 100]);
    expect(g.engine.order(o.clientOrderId)!.state).toBe('expired');
  });
});
