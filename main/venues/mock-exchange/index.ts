export { MockExchange, startMockExchange, type MockExchangeOptions, type MockStats } from './server.ts';
export { FaultPlan, withMissingCandles, type FaultConfig, type HttpFault, type WsFault } from './faults.ts';
export { generatedSymbols, mockSymbol, type MockSymbol, type MockSymbolSpec, TRADES_PER_CANDLE } from './market.ts';
export { SimClock, type SimClockOptions } from './live.ts';
