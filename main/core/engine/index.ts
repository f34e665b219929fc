export * from './kernel.ts';
export * from './strategy.ts';
export * from './bus.ts';
export * from './clock.ts';
export * from './series.ts';
