/** Market-data primitives (pure): candle columns, validation, normalisation, quality, CSV, demo generator. */
export * from './candles.ts';
export * from './validate.ts';
export * from './normalise.ts';
export * from './gaps.ts';
export * from './calendar.ts';
export * from './outliers.ts';
export * from './hash.ts';
export * from './quality.ts';
export * from './aggregate.ts';
export * from './csv.ts';
export * from './demo.ts';
export { Rng } from './random.ts';
