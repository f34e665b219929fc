/**
 * `npm run bench -- sandbox`
 * Code strategies (the `kestrel backtest strategy.ts` path) over 1M generated 1m candles, each two or three
 * ways, interleaved:
 *   - ours: through the strategy boundary — a sandbox process (candles over the pipe, the run, the checked
 *     result back), timed end to end as the user waits for it: with the spare process the app and the CLI
 *     start ahead (warm), and with the process started inside the timing (cold);
 *   - peer: the previous design — the same vm-context strategy loaded in this process, no boundary.
 * Two strategies: the SMA(50/200) long-only crossover (the core engine bench's strategy; the check:
 * ≥ 1M candles/s through the boundary), and the busier SMA(10/30) long/short (~39k fills, where the
 * kernel's per-order path, the same in every design, is most of the time).
 * Results must be identical (determinism hash). Figures: candles/s of each (median, and best of the rounds),
 * strategy callbacks/s (one onCandle per candle, plus onFill/onTrade), and the ratio of callbacks/s,
 * boundary (warm) vs in-process, last.
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
import { prewarmSandbox, SANDBOX_MEMORY_MB, useSandboxRuntime } from '../../workers/sandbox/spawn.ts';
import { figure, interleavedAsync, ratio, type CaseResult } from './harness.ts';

const N = 1_000_000;
const SYMBOL = 'BTC/USDT';
const demo = generateDemoCandles({ seed: 42, days: Math.ceil(N / 1440), symbols: [{ symbol: SYMBOL, start: 42_000, priceDecimals: 2, qtyDecimals: 5, rho: 0.9, volScale: 1, volume: 25 }] });
const cols = sliceForBench(demo.get(SYMBOL)!, N);
const config = { symbols: [SYMBOL], timeframe: '1m', instruments: { [SYMBOL]: { tickSize: '0.01', lotSize: '0.00001' } } };
const datasets = [{ symbol: SYMBOL, columns: cols, source: 'demo' }];
const LONG_ONLY = `let fills = 0, trades = 0;
export default {
  params: { fast: 50, slow: 200 },
  onCandle(ctx, bar) {
    const f = ctx.indicator('sma:' + ctx.params.fast), s = ctx.indicator('sma:' + ctx.params.slow);
    if (f > s && ctx.position() === 0) ctx.target(0.01);
    else if (f < s && ctx.position() > 0) ctx.target(0);
  },
  onFill(ctx, fill) { fills++; },
  onTrade(ctx, trade) { trades++; },
};`;
const LONG_SHORT = `let fills = 0, trades = 0;
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
const mps = (c: CaseResult): string => `median ${c.medianMs.toFixed(0)} ms; best of ${c.samples.length}: ${(N / (c.minMs / 1000) / 1e6).toFixed(2)} M candles/s, ${c.minMs.toFixed(0)} ms`;

/** Warm, cold and in-process runs of one strategy; exits when their results differ. */
async function measure(label: string, source: string): Promise<{ warm: CaseResult; inProcess: CaseResult; callbacks: number }> {
  const info = codeStrategyInfo(source, fileName);
  const inProcess = (): BacktestResult => runBacktest({
    config, datasets,
    strategy: { info, create: () => new CodeStrategy(sandboxedModule(source, { fileName, seed: 1 }), { id: info.id, version: info.version }) },
  });
  const res = await interleavedAsync([
    // The spare started when the previous boundary run ended (as in the app; the CLI starts it while it
    // loads the data); started here too in case it is not there yet.
    { name: 'warm', run: () => (prewarmSandbox({ memoryMb: SANDBOX_MEMORY_MB }), runCodeBacktest({ config, source, fileName, datasets })) },
    // No spare: the process starts inside the timing. (Dropping the spare is what a runtime change does.)
    { name: 'cold', run: () => (useSandboxRuntime(undefined), runCodeBacktest({ config, source, fileName, datasets })) },
    { name: 'in-process', run: async () => inProcess() },
  ], { rounds: 7, warmup: 2 });
  const warm = res.get('warm')!, cold = res.get('cold')!, b = res.get('in-process')!;
  const rb = b.last as BacktestResult;
  for (const r of [warm.last, cold.last] as BacktestResult[]) {
    if (r.status !== 'ok' || r.determinismHash !== rb.determinismHash) {
      console.error(`bench sandbox: ${label} results differ (boundary ${r.status} ${r.determinismHash} ${r.error?.message ?? ''}, in-process ${rb.status} ${rb.determinismHash})`);
      process.exit(1);
    }
  }
  const fills = rb.counts.fills;
  figure(`sandbox ${label} 1M candles through the process boundary, spare process (transfer, run, result)`, N / (warm.medianMs / 1000) / 1e6, `M candles/s (${mps(warm)}; ${fills} fills; check ≥ 1 M candles/s: median ${N / (warm.medianMs / 1000) >= 1e6 ? 'met' : 'NOT met'}, best ${N / (warm.minMs / 1000) >= 1e6 ? 'met' : 'NOT met'})`);
  figure(`sandbox ${label} 1M candles through the process boundary, process started in the timing`, N / (cold.medianMs / 1000) / 1e6, `M candles/s (${mps(cold)})`);
  figure(`sandbox ${label} 1M candles in-process vm (previous design, no boundary)`, N / (b.medianMs / 1000) / 1e6, `M candles/s (${mps(b)})`);
  // onCandle per candle, onFill per fill, onTrade per closed round trip.
  return { warm, inProcess: b, callbacks: N + fills + rb.trades.length };
}

const check = await measure('sma 50/200 long-only code strategy', LONG_ONLY);
await measure('sma 10/30 long/short code strategy', LONG_SHORT);
const source = LONG_SHORT;
const info = codeStrategyInfo(source, fileName);
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
ratio('sandbox', 'in-process vm', check.callbacks / (check.warm.medianMs / 1000) / 1e6, check.callbacks / (check.inProcess.medianMs / 1000) / 1e6, 'M callbacks/s', true);
