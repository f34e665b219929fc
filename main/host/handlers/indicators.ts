import { computeIndicator, getIndicator, listIndicators, parseIndicatorSpec } from '../../core/indicators/index.ts';
import { computeSeries } from '../../../workers/indicators/client.ts';
import type { MarketService } from '../data/market-service.ts';
import type { HandlersFor } from '../ipc/handlers.ts';
import type { HostWorkers } from '../workers.ts';

/** Small series are cheaper to compute in place than to ship to a worker and back. */
const IN_PLACE_BELOW = 20_000;

export function indicatorHandlers(market: MarketService, workers: HostWorkers): HandlersFor<'indicators.list' | 'indicators.series'> {
  return {
    'indicators.list': () =>
      listIndicators().map((d) => ({ name: d.name, title: d.title, positional: [...d.positional], defaults: { ...d.defaults }, outputs: [...d.outputs], overlay: d.overlay })),
    'indicators.series': async (r, call) => {
      // Parse first: a bad spec is a ValidationError naming the problem before any data is read.
      const spec = parseIndicatorSpec(r.spec);
      const def = getIndicator(spec.name);
      const { columns: c } = market.candles({ source: r.source, symbol: r.symbol, timeframe: r.timeframe, ...(r.from !== undefined ? { from: r.from } : {}), ...(r.to !== undefined ? { to: r.to } : {}) });
      const candles = { ts: c.ts, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume };
      let result: { key: string; warmup: number; outputs: Record<string, Float64Array> };
      if (c.ts.length < IN_PLACE_BELOW) {
        result = computeIndicator(spec.key, candles);
      } else {
        const out = await computeSeries(workers.get(), candles, [spec.key], { signal: call.signal });
        result = out.results[0]!;
      }
      return {
        key: result.key,
        name: def.name,
        title: def.title,
        overlay: def.overlay,
        warmup: result.warmup,
        ts: c.ts.slice(),
        outputs: def.outputs.map((name) => ({ name, values: Float64Array.from(result.outputs[name] ?? []) })),
      };
    },
  };
}
