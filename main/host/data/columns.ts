/** The pure data helpers the host-side data services use (one import point). */
export { prepareForStore, sliceColumns, timeframeMs, allocColumns, contentHash, qualityReport, aggregateColumns, fillGaps, parseCandlesCsv, serialiseCandlesCsv, generateDemoCandles, DEMO_EXCHANGE, DEMO_LABEL, DEFAULT_DEMO_SYMBOLS, DEMO_DEFAULTS, type OhlcvColumns, type QualityReport, type FillPolicy, lowerBound } from '../../core/data/index.ts';

