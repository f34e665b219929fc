/**
 * A venue's USDⓈ-M perpetuals for paper accounts: one public (keyless) connection per venue through ccxt's
 * USDⓈ-M class (binanceusdm for Binance and Kestrel Sim, whose /fapi serves exchangeInfo, premiumIndex and
 * funding history), for the perpetuals' grids and stated margin, and for their funding data and mark. Their
 * prices come through the market streams: on an exchange the perpetual's own; Kestrel Sim's perpetuals trade on
 * its spot prices (mock-exchange/futures-public.ts), so the streams give the pair's (MarketStreams `alias`).
 *
 * Margin tiers: the venue's leverage brackets where it publishes them to a keyless client (ccxt fetchPublicTiers:
 * Kestrel Sim lists them with its markets; a venue whose fetchLeverageTiers is public answers that), so max leverage,
 * the maintenance rate per notional tier and the -2027 tier rule are the venue's. Binance serves its brackets only
 * signed: its paper perpetuals fall back to the one tier exchangeInfo states (maintMarginPercent /
 * requiredMarginPercent), and each market says so (`tiers`), as the account's status does.
 */
import type { VenueSettings } from '../../contract/settings.ts';
import type { MarginTier } from '../../core/model/index.ts';
import { fetchPublicTiers, type CcxtVenue, type PublicTiers, type VenueOptions } from '../../venues/ccxt/index.ts';
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
      const c = await conn();
      const perps = [...(await c.loadInstruments()).values()].filter((i) => i.kind === 'perpetual');
      // The venue's tiers not readable now (unreachable, a broken reply): the stated tier, and the status says why.
      const pub: PublicTiers | { tiers: Map<string, MarginTier[]>; failed: string } = await fetchPublicTiers(c, perps.map((i) => i.symbol))
        .catch((e: unknown) => ({ tiers: new Map<string, MarginTier[]>(), failed: (e as Error)?.message ?? String(e) }));
      const fallback = `one tier stated in the venue's market data (fallback: ${'failed' in pub ? `its leverage brackets could not be read: ${pub.failed}` : pub.missing === 'private' ? 'its leverage brackets need an API key' : 'it publishes no leverage brackets'})`;
      return perps.map((i) => {
        const t = pub.tiers.get(i.symbol);
        const margin = t?.length && 'source' in pub && pub.source
          ? { maxLeverage: Math.max(...t.map((x) => x.maxLeverage)), marginTiers: t, tiers: TIERS_FROM[pub.source] }
          : { maxLeverage: i.maxLeverage, marginTiers: i.marginTiers, tiers: fallback };
        return {
          symbol: i.symbol, base: i.base, quote: i.quote, type: 'perp' as const, tickSize: i.tickSize, lotStep: i.lotSize,
          minNotional: i.minNotional === '0' ? null : i.minNotional, settle: i.settle, ...margin,
        };
      });
    },
    funding: async () => ccxtFundingSource(await conn()),
  };
}

/** What a perpetual's margin tiers are, as the account's status states it. */
const TIERS_FROM = {
  'market-info': "the venue's leverage brackets (listed with its markets)",
  'public-endpoint': "the venue's leverage brackets (its public leverage-tier data)",
} as const;
