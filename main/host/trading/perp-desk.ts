/**
 * What a perpetual paper account adds to its session (desk.ts): the margin (mode and leverage per symbol,
 * checked against the venue's max; what the trader set per symbol in the app, kept with the account's books, wins
 * over settings.json), the venue's funding through a FundingFeed whose payments are written to
 * the ledger's funding rows in the batch that books them, and the payments earlier sessions booked (the
 * portfolio continues from them as it does from the fills). A spot account gets none of it.
 */
import type { AccountSettings } from '../../contract/settings.ts';
import { ValidationError } from '../../core/errors.ts';
import { floatToTicks, type Fill, type Instrument } from '../../core/model/index.ts';
import type { BookMargin } from './accounts.ts';
import type { FundingEvent } from '../../core/portfolio/portfolio.ts';
import type { LedgerScope, LedgerStores } from '../../storage/index.ts';
import type { HostContext } from '../context.ts';
import type { PaperMargin, VenuePaperSessionInput } from './compose.ts';
import { FundingFeed, type FundingSource } from './funding-feed.ts';
import type { TradingSession } from './session.ts';

/** Leverage of a perpetual the account names neither per symbol nor by default: Binance's default for a new position (capped at the venue's max). */
export const DEFAULT_LEVERAGE = 20;

export interface PerpetualParts {
  readonly compose: Pick<VenuePaperSessionInput, 'margin' | 'funding' | 'priorFunding' | 'marks'>;
  readonly margin: PaperMargin | undefined;
  readonly priorFunding: readonly FundingEvent[];
}

/** The account's leverage per perpetual; a value above the venue's max is refused (the venue would refuse it too). */
export function accountLeverage(a: AccountSettings, instruments: readonly Instrument[], book: BookMargin = {}): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of instruments) {
    if (i.kind !== 'perpetual') continue;
    const lev = book[i.symbol]?.leverage ?? a.leverage?.[i.symbol] ?? Math.min(a.defaultLeverage ?? DEFAULT_LEVERAGE, i.maxLeverage);
    if (lev > i.maxLeverage) throw new ValidationError(`Account "${a.name}": leverage ${lev}× for ${i.symbol} is above the venue's maximum of ${i.maxLeverage}×`, [{ path: `leverage.${i.symbol}`, message: `at most ${i.maxLeverage}` }]);
    out[i.symbol] = lev;
  }
  return out;
}

export function perpetualParts(
  a: AccountSettings, instruments: readonly Instrument[], startTs: number, source: FundingSource | undefined, ledger: LedgerStores, scope: LedgerScope,
  priorFills: readonly Fill[], session: () => TradingSession | undefined, log: HostContext['log'], book: BookMargin = {},
): PerpetualParts {
  if (a.marketType !== 'perpetual') return { compose: {}, margin: undefined, priorFunding: [] };
  const mode = a.marginMode ?? 'cross';
  const modes = Object.fromEntries(Object.entries(book).filter(([sym, m]) => m.mode !== mode && instruments.some((i) => i.symbol === sym)).map(([sym, m]) => [sym, m.mode]));
  const margin: PaperMargin = { mode, ...(Object.keys(modes).length ? { modes } : {}), leverage: accountLeverage(a, instruments, book) };
  const priorFunding: FundingEvent[] = ledger.ledger.funding(scope.accountId).map((f) => ({ symbol: f.symbol, ts: f.ts, rate: f.rate, markPrice: f.markPrice }));
  if (!source) return { compose: { margin, priorFunding }, margin, priorFunding };
  // Funding times passed while the account held perpetuals and no session ran (the app was closed) are booked
  // by the first poll: from the last payment booked, or the account's first perpetual fill.
  const perpFill = priorFills.find((f) => margin.leverage[f.symbol] !== undefined);
  const lastPaid = priorFunding.reduce((t, f) => Math.max(t, f.ts), -Infinity);
  const from = perpFill ? Math.max(lastPaid + 1, perpFill.ts) : undefined;
  const feed = new FundingFeed({
    source, instruments, startTs, ...(from !== undefined ? { catchUpFrom: from } : {}),
    // A venue record without a mark settles at the session's last price (Kestrel Sim and Binance state one).
    markOf: (symbol) => {
      const p = session()?.engine.lastPrice(symbol);
      const inst = instruments.find((i) => i.symbol === symbol);
      return inst && p !== undefined && p > 0 ? floatToTicks(inst, p) : undefined;
    },
    onError: (symbol, err) => log.warn({ symbol, err: (err as Error)?.message ?? String(err) }, 'funding data not available yet; asked again later'),
  });
  const booked = (b: Parameters<NonNullable<PerpetualParts['compose']['funding']>['booked']>[0]) => {
    ledger.ledger.recordFunding({ accountId: scope.accountId, sessionId: scope.sessionId, symbol: b.symbol, ts: b.ts, rate: b.rate, markPrice: b.markPrice, position: b.position, amount: b.amount, currency: b.currency });
  };
  const mark = source.mark?.bind(source);
  // The venue's mark stream where it has one; polled at its rate-limit pace where not, or while the stream is down.
  const marks = mark ? {
    mark, ...(source.watchMark ? { watch: source.watchMark } : {}), ...(source.markPollMs !== undefined ? { everyMs: source.markPollMs } : {}),
    onError: (symbol: string, err: unknown) => log.warn({ symbol, err: (err as Error)?.message ?? String(err) }, 'no mark price from the venue; asked again at the next poll'),
  } : undefined;
  return { compose: { margin, priorFunding, funding: { feed, booked }, ...(marks ? { marks } : {}) }, margin, priorFunding };
}
