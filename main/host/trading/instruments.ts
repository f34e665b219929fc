/**
 * The paper session's instruments: the demo symbols as spot instruments on the paper venue, with the fee
 * rates of the paper account's settings. Grids follow the demo generator (its price/qty decimals), so
 * stored demo candles, live prints and orders all sit on the same tick and lot grid.
 */
import { DEFAULT_DEMO_SYMBOLS, type DemoSymbol } from '../../core/data/demo.ts';
import { defineInstrument, type Instrument, type InstrumentSpec, type MarginTier } from '../../core/model/index.ts';
import type { MarketEntry } from '../../contract/streams.ts';

/** Smallest order value the paper venue accepts, in the quote currency (what typical spot venues use). */
export const PAPER_MIN_NOTIONAL = '5';

export interface FeeRates {
  readonly makerFee: string;
  readonly takerFee: string;
}

export function demoInstrumentSpecs(venue: string, fees: FeeRates, symbols: readonly DemoSymbol[] = DEFAULT_DEMO_SYMBOLS): InstrumentSpec[] {
  return symbols.map((s) => {
    const [base, quote] = s.symbol.split('/') as [string, string];
    return {
      symbol: s.symbol,
      venue,
      base,
      quote,
      kind: 'spot',
      tickSize: step(s.priceDecimals),
      lotSize: step(s.qtyDecimals),
      minNotional: PAPER_MIN_NOTIONAL,
      makerFee: fees.makerFee,
      takerFee: fees.takerFee,
    };
  });
}

/**
 * A paper account's instruments on its venue's prices: the venue's own grids (tick, lot step, min notional
 * from its ccxt markets), so a paper order is refused or snapped exactly as the venue would; the fee rates
 * are the paper account's settings.
 */
export function venueInstrumentSpecs(markets: readonly VenueMarketSpec[], fees: FeeRates): InstrumentSpec[] {
  return markets.map((m) => ({
    symbol: m.symbol, venue: 'paper', base: m.base, quote: m.quote, kind: m.type === 'perp' ? 'perpetual' : 'spot',
    tickSize: m.tickSize, lotSize: m.lotStep, ...(m.minNotional !== null ? { minNotional: m.minNotional } : {}),
    makerFee: fees.makerFee, takerFee: fees.takerFee,
    // Perpetuals (linear: settled in the quote): margined by the venue's stated tiers and max leverage.
    ...(m.type === 'perp' ? { ...(m.maxLeverage !== undefined ? { maxLeverage: m.maxLeverage } : {}), ...(m.marginTiers?.length ? { marginTiers: m.marginTiers } : {}) } : {}),
  }));
}

/** A venue market with the margin a perpetual states (desk.ts VenueMarket). */
export interface VenueMarketSpec extends MarketEntry {
  readonly maxLeverage?: number;
  readonly marginTiers?: readonly MarginTier[];
  /** Perpetuals: where the tiers came from (the venue's brackets, or a stated fallback), for the account's status. */
  readonly tiers?: string;
}

export function demoInstruments(venue: string, fees: FeeRates): Instrument[] {
  return demoInstrumentSpecs(venue, fees).map(defineInstrument);
}

function step(decimals: number): string {
  return decimals <= 0 ? '1' : `0.${'0'.repeat(decimals - 1)}1`;
}
