export { MockExchange, startMockExchange, type MockExchangeOptions, type MockStats } from './server.ts';
export { FaultPlan, withMissingCandles, type FaultConfig, type HttpFault, type WsFault } from './faults.ts';
export { generatedSymbols, mockSymbol, type MockSymbol, type MockSymbolSpec, TRADES_PER_CANDLE } from './market.ts';
export { SimPrivateApi, DEFAULT_SPOT_BALANCES, type NewKeyOptions, type PrivateApiOptions } from './private-api.ts';
export { PrivateFaultPlan, type PrivateFault, type PrivateFaultConfig } from './private-faults.ts';
export { hmacHex, type SimKey, type SimKeyPermissions } from './signing.ts';
export type { SimEvent, EngineOptions } from './sim-engine.ts';
