/**
 * `npm run bench -- sandbox`
 * The SMA(10/30) crossover as a code strategy (the `kestrel backtest strategy.ts` path) over 1M generated 1m
 * candles, two ways, interleaved:
 *   - ours: through the strategy boundary — a sandbox process (start, candles over the pipe, the run, the
 *     checked result back), timed end to end as the user waits for it;
 *   - peer: the previous design — the same vm-context strategy loaded in this process, no boundary.
 * Results must be identical (determinism hash). Figures: candles/s of each, strategy callbacks/s (one
 * onCandle per candle, plus onFill/onTrade), and the ratio of callbacks/s, boundary vs in-process, last.
 */
import { generateDemoCandles } from '../../main/core/data/demo.ts';
import type { BacktestResult } from '../../main/core/backtest/result.ts';
import { CodeStrategy } from '../../main/core/strategy/code.ts';
import { runBacktest, sliceForBench } from '../../workers/backtest/backtester.ts';
import { codeStrategyInfo, runCodeBacktest } from '../../workers/backtest/code-runner.ts';
import { sandboxedModule } from '../../workers/backtest/sandbox.ts';
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
ratio('sandbox', 'in-process vm', callbacks / (a.medianMs / 1000) / 1e6, callbacks / (b.medianMs / 1000) / 1e6, 'M callbacks/s', true);
