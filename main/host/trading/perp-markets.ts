/**
 * A venue's USDⓈ-M perpetuals for paper accounts: one public (keyless) connection per venue through ccxt's
 * USDⓈ-M class (binanceusdm for Binance and Kestrel Sim, whose /fapi serves exchangeInfo, premiumIndex and
 * funding history), for the perpetuals' grids and stated margin, and for their funding data and mark. Their
 * prices come through the market streams: on an exchange the perpetual's own; Kestrel Sim's perpetuals trade on
 * its spot prices (mock-exchange/futures-public.ts), so the streams give the pair's (MarketStreams `alias`).
 */
import type { VenueSettings } from '../../contract/settings.ts';
import type { CcxtVenue, VenueOptions } from '../../venues/ccxt/index.ts';
import type { KestrelSim } from '../venues/kestrel-sim.ts';
import type { VenuePool } from '../venues/pool.ts';
import { ccxtFundingSource, type FundingSource } from './funding-feed.ts';
import type { VenueMarketSpec } from './instruments.ts';

export interface PerpVenue {
  markets(): Promise<VenueMarketSpec[]>;
  funding(): Promise<FundingSource>;
}

export function perpVenue(v: VenueSettings, pool: VenuePool, sim: (v: VenueSettings) => Pick<KestrelSim, 'endpoints'>): PerpVenue {
  const conn = async (): Promise<CcxtVenue> => {
    const opts: VenueOptions = {
      exchange: v.exchange === 'binance' ? 'binanceusdm' : v.exchange, marketTypes: ['linear'],
      ...(v.builtin ? { endpoints: await sim(v).endpoints(), timeoutMs: 5_000 } : {}),
    };
    return pool.get(opts);
  };
  return {
    markets: async () => {
      const all = await (await conn()).loadInstruments();
      return [...all.values()].filter((i) => i.kind === 'perpetual').map((i) => ({
        symbol: i.symbol, base: i.base, quote: i.quote, type: 'perp' as const, tickSize: i.tickSize, lotStep: i.lotSize,
        minNotional: i.minNotional === '0' ? null : i.minNotional, settle: i.settle, maxLeverage: i.maxLeverage, marginTiers: i.marginTiers,
      }));
    },
    funding: async () => ccxtFundingSource(await conn()),
  };
}
