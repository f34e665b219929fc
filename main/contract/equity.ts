/**
 * Equity history and per-strategy P&L of an account's current book (the book its session trades in).
 *
 * Samples are taken by the host (main/host/trading/equity-sampler.ts): one when a session starts and stops,
 * one after fills (at most one a second), and one a minute while marks move the equity; they are stored
 * in the ledger and survive restarts. Money is decimal text, as everywhere in the trading contract.
 */
import { z } from 'zod';
import { command, event, id, req } from './define.ts';
import { SignedDecimal } from './trading.ts';

export const EquitySampleView = z.object({
  ts: z.number(),
  /** Why it was taken: session start / stop, after fills, or marks moving the equity. */
  reason: z.enum(['start', 'fill', 'mark', 'stop']),
  /** Cash + holdings (spot) / unrealized P&L (perpetuals) at the marks; fees and funding are in cash. */
  equity: SignedDecimal,
  cash: SignedDecimal,
  realized: SignedDecimal,
  unrealized: SignedDecimal,
  fees: SignedDecimal,
  /** Funding paid (+) or received (−). */
  funding: SignedDecimal,
});
export type EquitySampleView = z.infer<typeof EquitySampleView>;

export const EquityHistoryView = z.object({
  /** The book (ledger account id) the samples are of. */
  book: z.string(),
  currency: z.string(),
  samples: z.array(EquitySampleView),
  /** Older samples in the range were left out (the newest `limit` are returned). */
  truncated: z.boolean(),
});
export type EquityHistoryView = z.infer<typeof EquityHistoryView>;

export const StrategyPnlRow = z.object({
  /** `strategy:<id>`, `manual` (ticket and hotkey orders), `webhook`, `system`, `reconcile`, `other`. */
  key: z.string(),
  label: z.string(),
  kind: z.enum(['strategy', 'manual', 'other']),
  fills: z.number().int(),
  /** Net position per symbol (decimal quantity), symbols held only. */
  positions: z.array(z.object({ symbol: z.string(), qty: SignedDecimal })),
  realized: SignedDecimal,
  unrealized: SignedDecimal,
  fees: SignedDecimal,
  funding: SignedDecimal,
  /** realized + unrealized − fees − funding: what the book made. */
  net: SignedDecimal,
});
export type StrategyPnlRow = z.infer<typeof StrategyPnlRow>;

export const StrategyPnlView = z.object({
  book: z.string(),
  currency: z.string(),
  rows: z.array(StrategyPnlRow),
  /** The account's own figures (the rows add up to them; funding to within rounding). */
  total: StrategyPnlRow.omit({ key: true, label: true, kind: true, positions: true }),
  ts: z.number(),
});
export type StrategyPnlView = z.infer<typeof StrategyPnlView>;

const MAX_TS = 8_640_000_000_000_000;

export const EquityHistoryRequest = req({
  /** A book of the account (default: its current one). */
  book: id().optional(),
  from: z.number().int().min(0).max(MAX_TS).optional(),
  to: z.number().int().min(0).max(MAX_TS).optional(),
  limit: z.number().int().min(1).max(100_000).optional(),
});

export const equityCommands = {
  'equity.history': command('Equity samples of the account\'s book, oldest first (the newest `limit`, default 10,000, of [from, to)).', EquityHistoryRequest, EquityHistoryView),
  'equity.strategyPnl': command('Realized, unrealized P&L, fees and funding of the account\'s current book per strategy ("manual" for ticket orders), from the ledger\'s fills at the current marks.', req({}), StrategyPnlView),
};

export const equityEvents = {
  'equity.sample': event('An equity sample of the selected account\'s book was stored.', z.object({ book: z.string(), currency: z.string(), sample: EquitySampleView })),
};
