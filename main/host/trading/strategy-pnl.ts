/**
 * Per-strategy P&L of a book, from the ledger: the book's fills joined with the strategy that created their
 * order (`order_strategies`, written by PaperStrategies) or the order's source ("manual" for the ticket),
 * booked per strategy by core/portfolio/attribution.ts and marked at the running session's marks.
 *
 * Incremental: each request reads only the fills stored since the last one (by ledger seq), so asking
 * often costs a small query, and nothing is done on the order path.
 */
import type { StrategyPnlRow, StrategyPnlView } from '../../contract/equity.ts';
import { lotsToQty, type Instrument, type Money } from '../../core/model/index.ts';
import { accountFigures, StrategyBooks, type AccountFigures } from '../../core/portfolio/attribution.ts';
import type { EquityHistory } from '../../storage/index.ts';
import type { TradingSession } from './session.ts';
import { moneyText } from './views.ts';

export class StrategyPnl {
  private readonly store: EquityHistory;
  readonly session: TradingSession;
  private readonly books: StrategyBooks;
  private readonly insts: Map<string, Instrument>;
  private lastSeq = 0;

  constructor(store: EquityHistory, session: TradingSession) {
    this.store = store;
    this.session = session;
    this.insts = new Map(session.parts.instruments.map((i) => [i.symbol, i]));
    this.books = new StrategyBooks(session.parts.instruments, session.parts.portfolio.baseCurrency);
  }

  view(): StrategyPnlView {
    const s = this.session;
    const book = s.parts.accountId;
    for (const f of this.store.attributedFills(book, this.lastSeq)) {
      this.lastSeq = f.seq;
      this.books.add(f, f);
    }
    const pf = s.engine.portfolio;
    this.books.funding(pf.fundingEvents());
    // The account's P&L mark (a perpetual's venue mark), so the books add up to the account's unrealized P&L.
    for (const [sym, p] of pf.positions) this.books.mark(sym, p.pnlMarkF());
    const ccy = s.parts.portfolio.baseCurrency;
    const rows = this.books.rows().map((r): StrategyPnlRow => ({
      key: r.key, label: r.label, kind: r.kind, fills: r.fills,
      positions: Object.entries(r.positions).map(([symbol, q]) => ({ symbol, qty: lotsToQty(this.insts.get(symbol)!, q) })),
      ...money(r),
    }));
    const total = accountFigures(pf, ccy);
    return { book, currency: ccy, rows, total: { fills: rows.reduce((n, r) => n + r.fills, 0), ...money(total) }, ts: s.parts.clock.now() };
  }
}

function money(f: AccountFigures): Pick<StrategyPnlRow, 'realized' | 'unrealized' | 'fees' | 'funding' | 'net'> {
  const net: Money = f.realized + f.unrealized - f.fees - f.funding;
  return { realized: moneyText(f.realized), unrealized: moneyText(f.unrealized), fees: moneyText(f.fees), funding: moneyText(f.funding), net: moneyText(net) };
}
