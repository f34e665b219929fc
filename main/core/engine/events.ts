/** The engine's configuration, its bus events and what a run returns (see kernel.ts). */
import type { ProtectiveLostPolicy } from '../execution/protection.ts';
import type { KestrelError } from '../errors.ts';
import type { CandleColumns, Fill, Instrument, Order, OrderRequest, OrderSource } from '../model/index.ts';
import type { AuditSink, Clock, RiskAlert, RiskGate, RiskVerdict, Store, TradingState, Venue, VenueEvent } from '../ports.ts';
import type { PortfolioConfig } from '../portfolio/portfolio.ts';

export interface EngineConfig {
  readonly instruments: readonly Instrument[];
  readonly venue: Venue;
  readonly portfolio: PortfolioConfig;
  readonly clock?: Clock;
  readonly store?: Store;
  readonly audit?: AuditSink;
  readonly risk?: RiskGate;
  /**
   * The session's id, unique per session (e.g. the ledger's session id): the prefix of generated client
   * order ids, and handed to the venue on connect so simulated trade ids are unique across sessions too.
   */
  readonly sessionId?: string;
  /**
   * Keep every order and fill of the session (default true). A run whose fills are read off the bus as they
   * happen (a sweep row) turns it off: orders are forgotten once final and the portfolio keeps no ledger, so
   * oms.all() lists open orders and portfolio.fills() is refused.
   */
  readonly history?: boolean;
  /**
   * A protective order that ends at the venue without Kestrel asking (execution/protection.ts): `replace`
   * (default) places it again in the same OCO set; `flag` alerts that the position is unprotected. Its
   * sibling keeps working either way.
   */
  readonly protectiveLost?: ProtectiveLostPolicy;
}

export type OrderEventKind = 'created' | 'accepted' | 'rejected' | 'triggered' | 'trail-moved' | 'filled' | 'partially-filled' | 'pending-cancel' | 'canceled' | 'cancel-rejected' | 'pending-amend' | 'amended' | 'amend-rejected' | 'expired' | 'released' | 'adopted';

export interface EngineEvents {
  order: { readonly event: OrderEventKind; readonly order: Readonly<Order> };
  /** The order it filled; undefined for a fill of an order this session did not place. */
  fill: { readonly fill: Fill; readonly order: Readonly<Order> | undefined };
  risk: { readonly request: OrderRequest; readonly source: OrderSource; readonly verdict: RiskVerdict };
  'trading-state': { readonly state: TradingState; readonly reason: string };
  /** A monitor between orders found something (daily loss, drawdown, black swan, venue outage). */
  'risk-alert': RiskAlert;
  /** A venue event the kernel could not apply (unknown order, illegal transition): never silently dropped. */
  error: { readonly error: KestrelError; readonly event: VenueEvent };
  bar: { readonly symbol: string; readonly i: number; readonly bars: CandleColumns };
}

export interface RunResult {
  /** Equity at each bar's close (float valuation of the exact ledger). */
  readonly equity: Float64Array;
  /** The session's fills; empty when the engine keeps no history. */
  readonly fills: Fill[];
}
