import { describe, expect, it } from 'vitest';
import { generateDemoCandles } from '../../../main/core/data/demo.ts';
import { sliceColumns } from '../../../main/core/data/candles.ts';
import { parseBacktestConfig } from '../../../main/core/backtest/config.ts';
import { KestrelError, ValidationError } from '../../../main/core/errors.ts';
import type { CandleColumns, Fill } from '../../../main/core/model/index.ts';
import { UNLIMITED_PROFILE } from '../../../main/core/risk/profile.ts';
import { getTemplate } from '../../../main/core/strategy/templates.ts';
import { AdjustableRiskGate } from '../../../main/host/trading/risk.ts';
import { ReplaySession, type ReplayInput } from '../../../main/host/trading/replay.ts';
import { buildEngine, instrumentsFor, rulesSource } from '../../../workers/backtest/backtester.ts';

const demo = generateDemoCandles({ seed: 11, days: 2 }).get('BTC/USDT')!;
const N = 1500;
const bars: CandleColumns = { ...sliceColumns(demo, 0, N), length: N, intervalMs: 60_000 };
const config = parseBacktestConfig({ symbols: ['BTC/USDT'], timeframe: '1m', initialCash: '10000', fees: { maker: '0.0002', taker: '0.0005' } });
const inst = instrumentsFor(config).get('BTC/USDT')!;
const noLimits = () => new AdjustableRiskGate({ maxOrderNotional: null, maxPositionNotional: null, maxPositionPctEquity: null, maxOpenOrders: null, priceBandBps: null }, UNLIMITED_PROFILE);
const doc = getTemplate('sma-crossover')!.doc;
const params = { fast: 5, slow: 20 };

function input(over: Partial<ReplayInput> = {}): ReplayInput {
  return { id: 'R1', source: 'demo', instrument: inst, bars, currency: 'USDT', startingBalance: '10000', speed: 100, risk: noLimits, ...over };
}

const key = (f: Fill) => `${f.ts} ${f.side} ${f.qty} ${f.price} ${f.fee}`;

describe('market replay session', () => {
  it('at max speed with a strategy, trades exactly what a backtest over the same candles trades', async () => {
    const engine = buildEngine(config);
    const bt = engine.run('BTC/USDT', bars, rulesSource(doc, params).create('BTC/USDT'));
    expect(bt.fills.length).toBeGreaterThan(4);

    const r = await ReplaySession.create(input({ speed: 'max', strategy: () => rulesSource(doc, params).create('BTC/USDT') }));
    r.play(0);
    let ticks = 0;
    while (r.state === 'playing') {
      r.tick(++ticks);
      expect(ticks).toBeLessThan(100);
    }
    expect(r.state).toBe('finished');
    expect(r.feed.delivered).toBe(N);
    expect(r.session.engine.portfolio.fills().map(key)).toEqual(bt.fills.map(key));
    expect(r.session.engine.portfolio.equityF).toBeCloseTo(engine.portfolio.equityF, 6);
    r.close();
  });

  it('plays at its speed on the wall clock, stops while paused, steps one bar', async () => {
    const r = await ReplaySession.create(input({ speed: 60 }));
    const t0 = bars.ts[0]!;
    expect(r.clock).toBe(t0);
    expect(r.tick(10_000)).toBe(0); // paused: nothing
    r.play(1_000);
    // 60×: one 1m bar per wall second.
    expect(r.tick(1_999)).toBe(0);
    expect(r.tick(2_000)).toBe(1);
    expect(r.tick(6_000)).toBe(4);
    expect(r.clock).toBe(t0 + 5 * 60_000);
    r.pause();
    expect(r.tick(60_000)).toBe(0);
    expect(r.clock).toBe(t0 + 5 * 60_000);
    expect(r.step()).toBe(1);
    expect(r.clock).toBe(t0 + 6 * 60_000);
    expect(r.drain().bars.map((b) => b.ts)).toEqual(Array.from(bars.ts.subarray(0, 6)));
    r.setSpeed(1000, 70_000);
    r.play(70_000);
    expect(r.tick(70_060)).toBe(1);
    expect(() => r.setSpeed(1001, 0)).toThrow(ValidationError);
    expect(() => r.setSpeed(0.5, 0)).toThrow(ValidationError);
    r.close();
    expect(() => r.step()).toThrow(KestrelError);
  });

  it('a trader\'s market order fills at the next bar\'s open (candle fallback), in its own fresh account', async () => {
    const r = await ReplaySession.create(input());
    r.step();
    const [o] = r.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: '0.01' });
    expect(o!.state).not.toBe('filled');
    r.step();
    const fills = r.session.engine.portfolio.fills();
    expect(fills).toHaveLength(1);
    expect(Number(r.session.fills(undefined, 10)[0]!.price)).toBe(bars.open[1]);
    expect(r.session.account().startingBalance).toBe('10000');
    expect(r.session.account().accountId).toBe('replay:R1');
    r.close();
  });

  it('seeks forward by delivering bars, backward by rebuilding with the trader\'s earlier orders re-applied', async () => {
    const r = await ReplaySession.create(input({ strategy: () => rulesSource(doc, params).create('BTC/USDT') }));
    const t0 = bars.ts[0]!;
    await r.seek(t0 + 100 * 60_000, 0);
    expect(r.feed.delivered).toBe(100);
    r.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: '0.01', price: String(Math.floor(bars.close[99]! * 0.98)) });
    await r.seek(t0 + 400 * 60_000 + 30_000, 0); // mid-bar: the clock lands on the last bar closed
    expect(r.clock).toBe(t0 + 400 * 60_000);
    r.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: '0.002', tag: 'at-400' });
    await r.seek(t0 + 800 * 60_000, 0);
    expect(r.session.orderHistory(undefined, 1000).some((o) => o.tag === 'at-400')).toBe(true);

    // Back to bar 200: the order given at bar 400 is gone, the one at bar 100 stays; forward again = same as before minus it.
    await r.seek(t0 + 200 * 60_000, 0);
    expect(r.clock).toBe(t0 + 200 * 60_000);
    const ids = r.session.orderHistory(undefined, 1000).map((o) => o.clientOrderId);
    expect(r.session.engine.portfolio.fills().every((f) => f.ts <= t0 + 200 * 60_000)).toBe(true);
    expect(ids.length).toBeGreaterThan(0);

    // Back to the very start and forward to 800 with the same commands: identical to the first pass.
    const again = await ReplaySession.create(input({ strategy: () => rulesSource(doc, params).create('BTC/USDT') }));
    await again.seek(t0 + 100 * 60_000, 0);
    again.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: '0.01', price: String(Math.floor(bars.close[99]! * 0.98)) });
    await again.seek(t0 + 400 * 60_000, 0);
    again.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: '0.002', tag: 'at-400' });
    await again.seek(t0 + 200 * 60_000, 0);
    await again.seek(t0 + 800 * 60_000, 0);
    await r.seek(t0 + 800 * 60_000, 0);
    expect(again.session.engine.portfolio.fills().map(key)).toEqual(r.session.engine.portfolio.fills().map(key));
    // The order given at bar 400 was dropped by the seek back to 200; the limit given at bar 100 was re-applied.
    const orders = r.session.orderHistory(undefined, 1000);
    expect(orders.some((o) => o.tag === 'at-400')).toBe(false);
    expect(orders.filter((o) => o.source === 'ticket' && o.type === 'limit')).toHaveLength(1);
    r.close();
    again.close();
  });

  it('a strategy that fails to load on a backward seek leaves the replay where it was', async () => {
    let builds = 0;
    const r = await ReplaySession.create(input({
      strategy: () => {
        if (++builds > 1) throw new Error('sandbox did not start');
        return rulesSource(doc, params).create('BTC/USDT');
      },
    }));
    await r.seek(bars.ts[0]! + 300 * 60_000, 0);
    r.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: '0.01', tag: 'kept' });
    await expect(r.seek(bars.ts[0]! + 100 * 60_000, 0)).rejects.toThrow(/sandbox did not start/);
    expect(r.feed.delivered).toBe(300);
    expect(r.step()).toBe(1);
    expect(r.session.orderHistory(undefined, 1000).find((o) => o.tag === 'kept')!.state).toBe('filled');
    r.close();
  });

  it('refuses an empty range and plays no further than its end', async () => {
    await expect(ReplaySession.create(input({ bars: { ...sliceColumns(demo, 0, 0), length: 0, intervalMs: 60_000 } }))).rejects.toThrow(ValidationError);
    const r = await ReplaySession.create(input({ bars: { ...sliceColumns(demo, 0, 3), length: 3, intervalMs: 60_000 }, speed: 'max' }));
    r.play(0);
    expect(r.tick(1)).toBe(3);
    expect(r.state).toBe('finished');
    expect(r.step()).toBe(0);
    expect(() => r.play(2)).toThrow(KestrelError);
    await r.seek(bars.ts[0]! + 60_000, 3);
    expect(r.state).toBe('paused');
    expect(r.feed.delivered).toBe(1);
    r.close();
  });
});
