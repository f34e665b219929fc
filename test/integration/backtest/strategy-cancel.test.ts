import { describe, expect, it } from 'vitest';
import { parseBacktestConfig } from '../../../main/core/backtest/config.ts';
import type { Strategy, StrategyContext } from '../../../main/core/engine/strategy.ts';
import { buildEngine } from '../../../workers/backtest/backtester.ts';

const t0 = Date.UTC(2024, 0, 1);
const config = { symbols: ['ABC-USD'], timeframe: '1m', currency: 'USD', initialCash: '100000', instruments: { 'ABC-USD': { tickSize: '0.01', lotSize: '0.001' } } };

describe('a strategy cancelling "all" its orders', () => {
  it('cancels its own resting orders and never the trader’s ticket orders on the same symbol', () => {
    const engine = buildEngine(parseBacktestConfig(config));
    let ctxRef: StrategyContext | undefined;
    const strategy: Strategy = {
      id: 'canceller',
      onBar(ctx) {
        ctxRef = ctx;
        if (ctx.i === 0) ctx.submit({ side: 'buy', type: 'limit', qty: 1000, price: ctx.ticks(50), tag: 'strategy-bid' });
        if (ctx.i === 1) ctx.cancelAll();
      },
    };
    engine.attach('ABC-USD', strategy, 60_000);
    const bar = (i: number) => engine.onCandle('ABC-USD', { ts: t0 + i * 60_000, open: 100, high: 101, low: 99, close: 100, volume: 10 }, 60_000);
    bar(0);
    const manual = engine.submit({ symbol: 'ABC-USD', side: 'buy', type: 'limit', qty: 1000, price: 6000 }, 'ticket');
    expect(engine.openOrders('ABC-USD').map((o) => o.source).sort()).toEqual(['strategy', 'ticket']);
    bar(1);
    expect(ctxRef).toBeDefined();
    const open = engine.openOrders('ABC-USD');
    expect(open.map((o) => o.clientOrderId)).toEqual([manual.clientOrderId]);
  });
});
