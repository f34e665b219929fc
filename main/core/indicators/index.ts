/**
 * Kestrel's indicator library: typed arrays in, fresh Float64Arrays out, NaN until ready; every indicator also
 * has a streaming class with identical results. Importing this module registers the built-in catalog.
 * Conventions per indicator: ./README.md.
 */
import './catalog.ts';

export * from './averages.ts';
export * from './momentum.ts';
export * from './oscillators.ts';
export * from './volatility.ts';
export * from './trend.ts';
export * from './volume.ts';
export { nanPrefixed, OutputArena, type Series, withOutputArena } from './util.ts';
export {
  checkColumns,
  computeIndicator,
  createIndicatorStream,
  getIndicator,
  indicatorSpec,
  listIndicators,
  parseIndicatorSpec,
  registerIndicator,
  SOURCES,
  type Bar,
  type CandleColumns,
  type Column,
  type ComputeOptions,
  type IndicatorDefinition,
  type IndicatorDescriptor,
  type IndicatorResult,
  type IndicatorSpec,
  type IndicatorStream,
  type Params,
  type Source,
} from './registry.ts';
