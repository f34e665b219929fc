/**
 * How a paper venue (paper-venue.ts) is set up: instruments, clock, seed, latency, intrabar path, slippage,
 * participation, fees, and the account's funds and holdings for spot balances, perpetual liquidation. A
 * file of its own so that compositions and tests read what they can set without the matching code.
 */
import type { Instrument, Lots, Money, Ticks } from '../../core/model/index.ts';
import type { Clock } from '../../core/ports.ts';
import type { FeeModel } from './fees.ts';
import type { IntrabarPath } from './matching.ts';
import type { SlippageModel } from './slippage.ts';

export interface PaperVenueConfig {
  readonly id?: string;
  readonly instruments: readonly Instrument[];
  readonly clock: Clock;
  readonly seed?: number;
  /** Default delay of every submit and cancel (and of amends when `latency.amendMs` is not given: none). */
  readonly latencyMs?: number;
  readonly latencyJitterMs?: number;
  /** Per-request delays overriding `latencyMs`: a cancel can lose the race with a fill, an amend takes effect late. */
  readonly latency?: { readonly submitMs?: number; readonly cancelMs?: number; readonly amendMs?: number };
  readonly path?: IntrabarPath;
  readonly slippage?: SlippageModel;
  /** Max share (0..1] of each bar's / print's / level's volume our orders may take. */
  readonly participation?: number;
  readonly fees?: FeeModel;
  /**
   * The account's cash in a currency as the ledger has it (fills already applied): spot buys are limited to it
   * (see the header). Absent: no balance check (the venue alone, unit tests of matching).
   */
  readonly funds?: (currency: string) => Money;
  /**
   * The ledger's holding of each spot instrument's base asset, in lots. Given (with `funds`), spot balances
   * are strict (spot-balances.ts): free vs reserved per asset, an order needing more than is free is refused
   * at submit (`insufficient_balance`), and no sale of what is not held.
   */
  readonly holdings?: (symbol: string) => Lots;
  /**
   * Apply the minimum order value to market orders too, at the price they would trade at now (filters.ts).
   * Quantity limits and price bands apply whenever the instrument has them.
   */
  readonly exchangeFilters?: boolean;
  /**
   * Perpetuals: the position's liquidation price and size now (main/core/margin), undefined when none. When a
   * price crosses it the venue cancels the symbol's orders and closes the position AT the liquidation price
   * (taker fee), as a fill of its own (`liquidation-…`), before anything else on that event.
   */
  readonly liquidation?: (symbol: string) => { readonly price: Ticks; readonly qty: Lots } | undefined;
  /**
   * Liquidate on the venue's mark price only (`onMark`, e.g. a USDⓈ-M venue's premiumIndex), as the venue
   * does, instead of on every trade, book and bar: a wick in the last price then liquidates nothing.
   */
  readonly liquidateOnMark?: boolean;
}
