/**
 * The sandboxed module reads most of its context inside its own realm (values handed in once per
 * onCandle, workers/backtest/sandbox.ts). Whatever a strategy reads must be exactly what it would read
 * through the bridge: the same module evaluated natively (no vm, every ctx call a direct call) logs every
 * value it sees, and the sandboxed one must log the same lines and end with the same determinism hash.
 */
import { describe, expect, it } from 'vitest';
import { generateDemoCandles } from '../../../main/core/data/demo.ts';
import { CodeStrategy, type CodeStrategyModule } from '../../../main/core/strategy/code.ts';
import { runBacktest, sliceForBench } from '../../../workers/backtest/backtester.ts';
import { codeStrategyInfo } from '../../../workers/backtest/code-runner.ts';
import { prepareSource, sandboxedModule } from '../../../workers/backtest/sandbox.ts';

const SYMBOL = 'BTC/USDT';
const demo = generateDemoCandles({ seed: 11, days: 1, symbols: [{ symbol: SYMBOL, start: 42_000, priceDecimals: 2, qtyDecimals: 5, rho: 0.9, volScale: 1, volume: 25 }] }).get(SYMBOL)!;
const config = { symbols: [SYMBOL], timeframe: '1m', instruments: { [SYMBOL]: { tickSize: '0.01', lotSize: '0.00001' } } };

// Reads every value onCandle can read locally (and some it cannot: bars ago, equity, a second output),
// before and after orders in the same callback, in fills and round trips, with indicators declared late.
const SOURCE = `export default {
  params: { fast: 5, slow: 12 },
  onCandle(ctx, bar) {
    const f = ctx.indicator('sma:' + ctx.params.fast), s = ctx.indicator('sma:' + ctx.params.slow);
    const late = ctx.bar() > 150 ? ctx.indicator('bb:10:2', 'upper') + ctx.indicator('bb:10:2', 'lower', 1) + ctx.indicator('bb:10:2') : 0;
    const p0 = ctx.position();
    let id = 'none';
    if (f > s && p0 <= 0) id = ctx.target(0.01, 'long');
    else if (f < s && p0 >= 0) id = ctx.target(-0.01, 'short');
    if (ctx.bar() % 37 === 0) ctx.order({ side: 'buy', type: 'limit', qty: 0.002, price: bar.close * 0.999, tag: 'dip' });
    if (ctx.bar() % 50 === 0) ctx.log([ctx.bar(), ctx.now(), bar.ts, bar.open, bar.high, bar.low, bar.close, bar.volume, ctx.time(), ctx.time(0), ctx.close(), ctx.close(1), ctx.open(0), ctx.high(), ctx.low(), ctx.volume(3), f, s, late, p0, ctx.position(), ctx.equity(), id, ctx.symbol].join(' '));
  },
  onFill(ctx, fill) { ctx.log('fill ' + JSON.stringify(fill) + ' ' + ctx.position() + ' ' + ctx.bar() + ' ' + ctx.indicator('sma:5') + ' ' + ctx.close()); },
  onTrade(ctx, t) { ctx.log('trade ' + JSON.stringify(t) + ' ' + ctx.position()); },
};`;

/** The same module, evaluated in this realm: every ctx call is a plain call into CodeStrategy's API. */
function nativeModule(source: string): CodeStrategyModule {
  const holder: { exports?: CodeStrategyModule } = {};
  new Function('__kestrelModule', prepareSource(source, 'values.js'))(holder);
  return holder.exports!;
}

function run(mod: () => CodeStrategyModule, bars: number): { hash: string; fills: number; logs: string[] } {
  const info = codeStrategyInfo(SOURCE, 'values.js');
  let strategy: CodeStrategy | undefined;
  const r = runBacktest({
    config, datasets: [{ symbol: SYMBOL, columns: sliceForBench(demo, bars), source: 'demo' }],
    strategy: { info, create: () => (strategy = new CodeStrategy(mod(), { id: info.id, version: info.version })) },
  });
  expect(r.status).toBe('ok');
  return { hash: r.determinismHash, fills: r.counts.fills, logs: strategy!.logs };
}

describe('sandboxed strategy values', () => {
  it('are those the strategy reads through the bridge: same lines, fills and hash as the module run natively', () => {
    const native = run(() => nativeModule(SOURCE), 1000);
    const sandboxed = run(() => sandboxedModule(SOURCE, { fileName: 'values.js' }), 1000);
    expect(native.fills).toBeGreaterThan(20);
    expect(native.logs.some((l) => l.startsWith('trade '))).toBe(true);
    expect(native.logs.some((l) => l.includes('"tag":"dip"'))).toBe(true);
    expect(sandboxed.logs).toEqual(native.logs);
    expect(sandboxed.hash).toBe(native.hash);
  });

  it('Date and Date.now inside onCandle read the simulated clock handed in', () => {
    const src = `export default { onCandle(ctx) { if (ctx.bar() % 100 === 7) ctx.log([Date.now() === ctx.now(), new Date().getTime() === ctx.now(), ctx.now()].join(' ')); } };`;
    const info = codeStrategyInfo(src, 'clock.js');
    let strategy: CodeStrategy | undefined;
    runBacktest({ config, datasets: [{ symbol: SYMBOL, columns: sliceForBench(demo, 400), source: 'demo' }], strategy: { info, create: () => (strategy = new CodeStrategy(sandboxedModule(src, { fileName: 'clock.js' }), { id: info.id })) } });
    expect(strategy!.logs).toHaveLength(4);
    for (const line of strategy!.logs) expect(line).toMatch(/^true true \d{13}$/);
    // The close time of bar 7: its open time plus the interval.
    expect(strategy!.logs[0]).toBe(`true true ${demo.ts[7]! + 60_000}`);
  });
});
