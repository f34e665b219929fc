/** The pure data helpers the host-side data services use (one import point). */
export { prepareForStore, sliceColumns, timeframeMs, allocColumns, contentHash, qualityReport, aggregateColumns, fillGaps, parseCandlesCsv, serialiseCandlesCsv, generateDemoCandles, DEMO_EXCHANGE, DEMO_LABEL, DEFAULT_DEMO_SYMBOLS, DEMO_DEFAULTS, type OhlcvColumns, type QualityReport, type FillPolicy } from '../../core/data/index.ts';

/** Index of the first element ≥ t in an ascending Float64Array. */
export function lowerBound(ts: Float64Array, t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
