/** Every exchange ccxt knows, with what it can do (`has`), built once and cached (instantiating all ~100 classes costs ~0.5 s). */
import ccxt from 'ccxt';

export type Capability = boolean | 'emulated';

export interface ExchangeInfo {
  readonly id: string;
  readonly name: string;
  readonly pro: boolean;
  readonly countries: readonly string[];
  readonly timeframes: readonly string[];
  /** Public market-data capabilities we use, plus the full `has` map. */
  readonly has: Readonly<Record<string, Capability>>;
}

export const MARKET_DATA_CAPABILITIES = ['fetchMarkets', 'fetchOHLCV', 'fetchTrades', 'fetchOrderBook', 'fetchTicker', 'watchOHLCV', 'watchTrades', 'watchOrderBook', 'watchTicker'] as const;

let cache: ExchangeInfo[] | undefined;

export function exchangeCatalogue(): readonly ExchangeInfo[] {
  if (cache) return cache;
  const proMap = ccxt.pro as unknown as Record<string, unknown>;
  const pro = new Set<string>(Object.keys(proMap).filter((k) => typeof proMap[k] === 'function'));
  const out: ExchangeInfo[] = [];
  for (const id of ccxt.exchanges) {
    const Ctor = (ccxt as unknown as Record<string, new () => InstanceType<typeof ccxt.Exchange>>)[id];
    if (!Ctor) continue;
    const ProCtor = pro.has(id) ? (ccxt.pro as unknown as Record<string, new () => InstanceType<typeof ccxt.Exchange>>)[id] : undefined;
    const ex = new (ProCtor ?? Ctor)();
    const has: Record<string, Capability> = {};
    for (const [k, v] of Object.entries(ex.has ?? {})) if (v === true || v === 'emulated' || v === false) has[k] = v;
    out.push({
      id,
      name: String(ex.name ?? id),
      pro: pro.has(id),
      countries: Array.isArray(ex.countries) ? ex.countries.map(String) : [],
      timeframes: Object.keys(ex.timeframes ?? {}),
      has,
    });
  }
  cache = out;
  return out;
}

export function exchangeInfo(id: string): ExchangeInfo | undefined {
  return exchangeCatalogue().find((e) => e.id === id);
}

export function ccxtVersion(): string {
  return String(ccxt.version);
}
