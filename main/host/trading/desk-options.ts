/**
 * What the trading service hands an account's desk (desk.ts): the account, its stores, events and, per kind of
 * account, where its prices come from (the venue's prints, or the demo feed) or how it reaches its venue (live).
 * Kept apart from the desk so that host.ts can build `VenuePrices` without reading the desk's logic.
 */
import type { AccountSettings, VenueSettings } from '../../contract/settings.ts';
import type { RiskLimitsView } from '../../contract/trading.ts';
import type { RiskProfile } from '../../core/risk/profile.ts';
import type { CandleStore, LedgerStores } from '../../storage/index.ts';
import type { HostContext } from '../context.ts';
import type { FeedConfig } from './compose.ts';
import type { FundingSource } from './funding-feed.ts';
import type { VenueMarketSpec } from './instruments.ts';
import type { LiveDeps } from './live-connect.ts';
import type { TradePrints } from './print-feed.ts';
import type { RiskAuthenticator } from './risk-auth.ts';
import type { RiskWindowRunner } from './risk-window.ts';

export interface DeskOptions {
  readonly account: AccountSettings;
  /** Limits of the account's risk profile: where a new book starts. */
  readonly limits: RiskLimitsView;
  /** The profile's account-wide limits (settings' riskProfiles[id].account): where a new book starts. */
  readonly riskProfile?: RiskProfile;
  readonly ledger: LedgerStores;
  /** Where the feed's prices continue from (its last stored 1m close); the source of the account's venue. */
  readonly candleSource: string;
  /** Where closed live candles are appended (1m). Absent: candles are only read, and pushed as events. */
  readonly candles?: CandleStore;
  /** Append this desk's closed candles (one desk per venue writes them). */
  readonly storesCandles?: boolean;
  readonly emit: HostContext['emit'];
  readonly log: HostContext['log'];
  readonly feed?: Partial<FeedConfig>;
  /** Wall clock (tests inject one). */
  readonly now?: () => number;
  /** Re-authentication for risk overrides (default: KESTREL_RISK_PASSPHRASE, else overrides are refused). */
  readonly authenticator?: RiskAuthenticator;
  /** Min interval between mark-to-market portfolio events (fills always push at once). */
  readonly portfolioThrottleMs?: number;
  /**
   * A paper account's venue prices: its markets (tick, lot, min notional) and trade prints, from the host's
   * market streams. Absent: the paper session runs on the synthetic demo feed (hosts without streams, tests).
   */
  readonly venuePrices?: VenuePrices;
  /** Sim / testnet / live accounts: the account's venue and how to open connections to it. */
  readonly live?: { readonly venue: VenueSettings; readonly deps: LiveDeps; readonly checkMs?: number; readonly pollMs?: number };
  /** Builds the correlation/VaR window from stored candles on a pool thread (risk-window.ts); absent: it fills live. */
  readonly riskWindow?: RiskWindowRunner;
}

/** A venue's markets and trade prints, as a paper desk uses them (host.ts builds it over MarketStreams). */
export interface VenuePrices extends TradePrints {
  /** The venue's display name (the session view says whose trades it runs on). */
  readonly name: string;
  /**
   * The venue's markets of a type (ccxt markets: tick, lot step, min notional): spot, or its USDⓈ-M
   * perpetuals with the margin they state (max leverage, maintenance tiers).
   */
  markets(type?: 'spot' | 'perp'): Promise<readonly VenueMarket[]>;
  /** Perpetuals: the venue's funding-rate data (a USDⓈ-M connection); absent: no funding is booked. */
  funding?(): Promise<FundingSource>;
}

/** A market as a paper desk trades it; perpetuals carry their margin. */
export type VenueMarket = VenueMarketSpec;
