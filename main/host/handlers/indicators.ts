import { computeIndicator, getIndicator, listIndicators, parseIndicatorSpec } from '../../core/indicators/index.ts';
import { computeSeries } from '../../../workers/indicators/client.ts';
import type { MarketService } from '../data/market-service.ts';
import type { HandlersFor } from '../ipc/handlers.ts';
import type { HostWorkers } from '../workers.ts';
import type { FormingBar } from '../../contract/indicators.ts';
import { isReplayAccount } from '../../contract/replay.ts';
import { NotFoundError } from '../../core/errors.ts';
import type { ReplayService } from '../trading/replay-service.ts';

type Columns = { ts: Float64Array; open: Float64Array; high: Float64Array; low: Float64Array; close: Float64Array; volume: Float64Array };

/**
 * The stored bars with the live forming bar at the end: it replaces the stored bar of its bucket (the host
 * stores the closed minutes of a forming higher-timeframe bar) or follows the last one; an older one is stale
 * (a later bar is stored already) and left out.
 */
export function withForming(c: Columns, bar: FormingBar): Columns {
  const n = c.ts.length;
  const last = n ? c.ts[n - 1]! : -Infinity;
  if (bar.ts < last) return c;
  const m = bar.ts === last ? n : n + 1;
  const grow = (a: Float64Array, v: number) => {
    const out = new Float64Array(m);
    out.set(a.subarray(0, m - 1));
    out[m - 1] = v;
    return out;
  };
  return { ts: grow(c.ts, bar.ts), open: grow(c.open, bar.open), high: grow(c.high, bar.high), low: grow(c.low, bar.low), close: grow(c.close, bar.close), volume: grow(c.volume, bar.volume) };
}

/** Small series are cheaper to compute in place than to ship to a worker and back. */
const IN_PLACE_BELOW = 20_000;

/**
 * A market replay's chart (source: the replay's account, `replay:<id>`) gets its indicators over the bars it shows
 * (`replay.bars`: context before the range, then the delivered bars, never one after the replay clock), so an
 * indicator on a replay never sees the future either.
 */
export function indicatorHandlers(market: MarketService, workers: HostWorkers, replay?: ReplayService): HandlersFor<'indicators.list' | 'indicators.series'> {
  const columnsOf = (r: { source: string; symbol: string; timeframe: string; from?: number | undefined; to?: number | undefined }) => {
    if (!isReplayAccount(r.source)) return market.candles({ source: r.source, symbol: r.symbol, timeframe: r.timeframe, ...(r.from !== undefined ? { from: r.from } : {}), ...(r.to !== undefined ? { to: r.to } : {}) }).columns;
    if (!replay || replay.status()?.account !== r.source) throw new NotFoundError('replay', `${r.source} (it has been stopped or replaced)`);
    return replay.bars({ symbol: r.symbol, timeframe: r.timeframe });
  };
  return {
    'indicators.list': () =>
      listIndicators().map((d) => ({ name: d.name, title: d.title, positional: [...d.positional], defaults: { ...d.defaults }, outputs: [...d.outputs], overlay: d.overlay })),
    'indicators.series': async (r, call) => {
      // Parse first: a bad spec is a ValidationError naming the problem before any data is read.
      const spec = parseIndicatorSpec(r.spec);
      const def = getIndicator(spec.name);
      const stored = columnsOf(r);
      // A replay's chart has no forming bar of its own: its bars are the replay's, never past its clock.
      const c = r.forming && !isReplayAccount(r.source) && (r.to === undefined || r.forming.ts < r.to) ? withForming(stored, r.forming) : stored;
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
