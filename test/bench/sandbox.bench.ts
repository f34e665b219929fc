/**
 * `npm run bench -- sandbox`
 * The SMA(10/30) crossover as a code strategy (the `kestrel backtest strategy.ts` path) over 1M generated 1m
 * candles, two ways, interleaved:
 *   - ours: through the strategy boundary — a sandbox process (start, candles over the pipe, the run, the
 *     checked result back), timed end to end as the user waits for it;
 *   - peer: the previous design — the same vm-context strategy loaded in this process, no boundary.
 * Results must be identical (determinism hash). Figures: candles/s of each, strategy callbacks/s (one
 * onCandle per candle, plus onFill/onTrade), and the ratio of callbacks/s, boundary vs in-process, last.
 *
 * Also the paper path, where every callback crosses: the same strategy attached to a kernel fed candle by
 * candle (as a paper session does), through the sandbox process (one synchronous round trip per callback)
 * vs in-process; figure: callbacks/s of each and their ratio.
 */
import { generateDemoCandles } from '../../main/core/data/demo.ts';
import type { BacktestResult } from '../../main/core/backtest/result.ts';
import { CodeStrategy } from '../../main/core/strategy/code.ts';
import { parseBacktestConfig } from '../../main/core/backtest/config.ts';
import type { Strategy } from '../../main/core/engine/strategy.ts';
import { buildEngine, runBacktest, sliceForBench } from '../../workers/backtest/backtester.ts';
import { codeStrategyInfo, runCodeBacktest } from '../../workers/backtest/code-runner.ts';
import { sandboxedModule } from '../../workers/backtest/sandbox.ts';
import { SandboxedStrategy } from '../../workers/sandbox/remote-strategy.ts';
import { figure, interleavedAsync, ratio } from './harness.ts';

const N = 1_000_000;
const SYMBOL = 'BTC/USDT';
const demo = generateDemoCandles({ seed: 42, days: Math.ceil(N / 1440), symbols: [{ symbol: SYMBOL, start: 42_000, priceDecimals: 2, qtyDecimals: 5, rho: 0.9, volScale: 1, volume: 25 }] });
const cols = sliceForBench(demo.get(SYMBOL)!, N);
const config = { symbols: [SYMBOL], timeframe: '1m', instruments: { [SYMBOL]: { tickSize: '0.01', lotSize: '0.00001' } } };
const datasets = [{ symbol: SYMBOL, columns: cols, source: 'demo' }];
const source = `let fills = 0, trades = 0;
export default {
  params: { fast: 10, slow: 30 },
  onCandle(ctx, bar) {
    const f = ctx.indicator('sma:' + ctx.params.fast), s = ctx.indicator('sma:' + ctx.params.slow);
    if (f > s && ctx.position() <= 0) ctx.target(0.01);
    else if (f < s && ctx.position() >= 0) ctx.target(-0.01);
  },
  onFill(ctx, fill) { fills++; },
  onTrade(ctx, trade) { trades++; },
};`;
const fileName = 'sma-crossover.ts';
const info = codeStrategyInfo(source, fileName);

const inProcess = (): BacktestResult => runBacktest({
  config, datasets,
  strategy: { info, create: () => new CodeStrategy(sandboxedModule(source, { fileName, seed: 1 }), { id: info.id, version: info.version }) },
});

const res = await interleavedAsync([
  { name: 'boundary', run: () => runCodeBacktest({ config, source, fileName, datasets }) },
  { name: 'in-process', run: async () => inProcess() },
], { rounds: 7, warmup: 2 });
const a = res.get('boundary')!;
const b = res.get('in-process')!;
const ra = a.last as BacktestResult;
const rb = b.last as BacktestResult;
if (ra.status !== 'ok' || ra.determinismHash !== rb.determinismHash) {
  console.error(`bench sandbox: results differ (boundary ${ra.status} ${ra.determinismHash} ${ra.error?.message ?? ''}, in-process ${rb.status} ${rb.determinismHash})`);
  process.exit(1);
}
// onCandle per candle, onFill per fill, onTrade per closed round trip.
const callbacks = N + ra.counts.fills + ra.trades.length;
figure('sandbox sma-crossover 10/30 code strategy 1M candles through the process boundary (start, transfer, run, result)', N / (a.medianMs / 1000) / 1e6, `M candles/s (median ${a.medianMs.toFixed(0)} ms, min ${a.minMs.toFixed(0)} ms, ${ra.counts.fills} fills)`);
figure('sandbox same strategy in-process vm (previous design, no boundary)', N / (b.medianMs / 1000) / 1e6, `M candles/s (median ${b.medianMs.toFixed(0)} ms, min ${b.minMs.toFixed(0)} ms)`);
// Paper: candle by candle into a live kernel, each callback a round trip to the sandbox process.
const P = 2000;
const feeder = (strategy: Strategy): (() => number) => {
  const engine = buildEngine(parseBacktestConfig(config));
  engine.attach(SYMBOL, strategy, 60_000);
  let k = 0;
  return () => {
    for (const end = k + P; k < end; k++) engine.onCandle(SYMBOL, { ts: cols.ts[k]!, open: cols.open[k]!, high: cols.high[k]!, low: cols.low[k]!, close: cols.close[k]!, volume: cols.volume[k]! }, 60_000);
    return engine.portfolio.fills().length;
  };
};
const remote = new SandboxedStrategy(source, { fileName, id: info.id, version: info.version, callBudgetMs: 10_000 });
await remote.ready();
const remoteFeed = feeder(remote);
const localFeed = feeder(new CodeStrategy(sandboxedModule(source, { fileName, seed: 1 }), { id: info.id, version: info.version }));
const paper = await interleavedAsync([
  { name: 'boundary', run: async () => remoteFeed() },
  { name: 'in-process', run: async () => localFeed() },
], { rounds: 7, warmup: 2 });
remote.close();
if (paper.get('boundary')!.last !== paper.get('in-process')!.last) {
  console.error(`bench sandbox: paper fills differ (boundary ${String(paper.get('boundary')!.last)}, in-process ${String(paper.get('in-process')!.last)})`);
  process.exit(1);
}
const pa = paper.get('boundary')!;
const pb = paper.get('in-process')!;
figure('sandbox paper callbacks through the process boundary (one synchronous round trip each)', P / (pa.medianMs / 1000) / 1e3, `k callbacks/s (${((pa.medianMs * 1000) / P).toFixed(0)} µs each)`);
figure('sandbox paper callbacks in-process vm (previous design)', P / (pb.medianMs / 1000) / 1e3, `k callbacks/s (${((pb.medianMs * 1000) / P).toFixed(2)} µs each; the boundary costs ${(pa.medianMs / pb.medianMs).toFixed(0)}x per callback)`);
ratio('sandbox', 'in-process vm', callbacks / (a.medianMs / 1000) / 1e6, callbacks / (b.medianMs / 1000) / 1e6, 'M callbacks/s', true);
