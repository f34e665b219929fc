/**
 * Account figures and per-strategy P&L, exact (Money).
 *
 * `accountFigures`: what an equity sample records — cash, equity (cash + spot holdings / perpetual unrealized
 * at the marks), realized and unrealized P&L, fees, funding — read off one portfolio at its current marks.
 * Funding and fees are already in cash (the ledger books them there), so equity needs no special case.
 *
 * `StrategyBooks`: one sub-portfolio per attribution key (a strategy, or "manual" for ticket orders), fed the
 * account's fills by who placed them and marked at the account's marks. Each book is FIFO on its own, so a
 * strategy's realized P&L is its own round trips. Realized + unrealized is cash flow + position × mark, which
 * is linear in fills: summed over books it equals the account's exactly, and so do fees and positions.
 * Funding is charged on each book's own position at the funding time (each share rounded half-even, so the
 * shares may differ from the account's figure by a few atto-units).
 */
import type { Fill, Instrument, Lots, Money } from '../model/index.ts';
import { Portfolio, type FundingEvent } from './portfolio.ts';

export interface AccountFigures {
  readonly cash: Money;
  readonly equity: Money;
  readonly realized: Money;
  readonly unrealized: Money;
  readonly fees: Money;
  readonly funding: Money;
}

/** The account's figures in `ccy` (the account currency: every instrument settles in it). */
export function accountFigures(pf: Portfolio, ccy: string): AccountFigures {
  let realized = 0n, unrealized = 0n, fees = 0n, funding = 0n;
  for (const sym of pf.positions.keys()) {
    const p = pf.position(sym);
    realized += p.realizedPnl; unrealized += p.unrealizedPnl; fees += p.fees; funding += p.funding;
  }
  return { cash: pf.cash(ccy), equity: pf.equityByCurrency().get(ccy) ?? 0n, realized, unrealized, fees, funding };
}

/** Who placed an order, as the ledger knows it. */
export interface Attribution {
  readonly strategyId: string | null;
  readonly strategyName: string | null;
  /** The order's source (null: no order row, e.g. a foreign fill adopted by reconciliation). */
  readonly source: string | null;
}

export type BookKind = 'strategy' | 'manual' | 'other';

/** The book a fill belongs to: its strategy, else "manual" for the trader's own orders, else its source. */
export function bookOf(a: Attribution): { key: string; label: string; kind: BookKind } {
  if (a.strategyId !== null) return { key: `strategy:${a.strategyId}`, label: a.strategyName ?? a.strategyId, kind: 'strategy' };
  switch (a.source) {
    case 'ticket':
    case 'hotkey':
      return { key: 'manual', label: 'Manual', kind: 'manual' };
    case 'strategy':
      // Placed by a strategy before attribution was recorded (ledger schema < 5).
      return { key: 'strategy:?', label: 'Strategies (unattributed)', kind: 'strategy' };
    case 'webhook':
      return { key: 'webhook', label: 'Webhooks', kind: 'other' };
    case 'system':
      return { key: 'system', label: 'System (kill switch, liquidation)', kind: 'other' };
    case 'reconcile':
      return { key: 'reconcile', label: 'Reconciliation', kind: 'other' };
    default:
      return { key: 'other', label: 'Other (no order on record)', kind: 'other' };
  }
}

export interface BookPnl extends AccountFigures {
  readonly key: string;
  readonly label: string;
  readonly kind: BookKind;
  readonly fills: number;
  /** Net position per symbol in lots (only symbols the book holds). */
  readonly positions: Readonly<Record<string, Lots>>;
}

interface Book {
  readonly key: string;
  readonly label: string;
  readonly kind: BookKind;
  readonly pf: Portfolio;
  fills: number;
}

export class StrategyBooks {
  private readonly instruments: readonly Instrument[];
  private readonly symbols: ReadonlySet<string>;
  private readonly ccy: string;
  private readonly books = new Map<string, Book>();

  constructor(instruments: readonly Instrument[], ccy: string) {
    this.instruments = instruments;
    this.symbols = new Set(instruments.map((i) => i.symbol));
    this.ccy = ccy;
  }

  /** Books a fill in its attribution's book; false for a duplicate or an instrument this account does not trade. */
  add(f: Fill, a: Attribution): boolean {
    if (!this.symbols.has(f.symbol)) return false;
    const b = bookOf(a);
    let book = this.books.get(b.key);
    if (!book) {
      book = { ...b, pf: new Portfolio({ baseCurrency: this.ccy, cash: {} }, this.instruments), fills: 0 };
      this.books.set(b.key, book);
    }
    if (!book.pf.applyFill(f)) return false;
    book.fills++;
    return true;
  }

  /** Charges funding events on each book's own position (already charged ones are skipped). */
  funding(events: readonly FundingEvent[]): void {
    for (const e of events) if (this.symbols.has(e.symbol)) for (const b of this.books.values()) b.pf.applyFunding(e);
  }

  /** Marks every book at a float price (the account portfolio's mark, so unrealized P&L matches it to the tick). */
  mark(symbol: string, price: number): void {
    for (const b of this.books.values()) b.pf.mark(symbol, price);
  }

  /** Per-book figures, strategies first (by label), then manual, then the rest. */
  rows(): BookPnl[] {
    const order: Record<BookKind, number> = { strategy: 0, manual: 1, other: 2 };
    return [...this.books.values()]
      .map((b) => {
        const positions: Record<string, Lots> = {};
        for (const [sym, p] of b.pf.positions) if (p.qty !== 0) positions[sym] = p.qty;
        const fig = accountFigures(b.pf, this.ccy);
        // A book's "cash" is its cash flow from zero: what it spent and received, fees and funding included.
        return { key: b.key, label: b.label, kind: b.kind, fills: b.fills, positions, ...fig };
      })
      .sort((x, y) => order[x.kind] - order[y.kind] || (x.label < y.label ? -1 : x.label > y.label ? 1 : 0));
  }
}
