export * from './money.ts';
export * from './instrument.ts';
export * from './market.ts';
export * from './order.ts';
export * from './position.ts';
export * from './number-text.ts';
