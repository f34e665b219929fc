/**
 * A desk's equity history and per-strategy P&L (the account tab): the running session's sampler
 * (equity-sampler.ts) and, on demand, the per-strategy sub-books (strategy-pnl.ts). The desk calls `changed`
 * where it already pushes the portfolio, so nothing here runs per order.
 */
import type { EquityHistoryView, StrategyPnlView } from '../../contract/equity.ts';
import { ValidationError } from '../../core/errors.ts';
import { accountFigures } from '../../core/portfolio/attribution.ts';
import type { DeskOptions } from './desk-options.ts';
import { EquitySampler, sampleView } from './equity-sampler.ts';
import type { TradingSession } from './session.ts';
import { StrategyPnl } from './strategy-pnl.ts';

export class DeskHistory {
  private sampler: EquitySampler | undefined;
  private pnl: StrategyPnl | undefined;

  private readonly o: DeskOptions;
  private readonly now: () => number;

  constructor(o: DeskOptions, now: () => number) {
    this.o = o;
    this.now = now;
  }

  /** A session started: samples its book from now on. */
  begin(s: TradingSession): void {
    const ccy = s.parts.portfolio.baseCurrency;
    const book = s.parts.accountId;
    this.sampler = new EquitySampler({
      store: this.o.ledger.equity, bookId: book, currency: ccy, log: this.o.log,
      figures: () => accountFigures(s.engine.portfolio, ccy),
      clock: () => s.parts.clock.now(), wall: this.now,
      onSample: (x) => this.o.emit('equity.sample', { book, currency: ccy, sample: sampleView(x) }),
    });
    this.sampler.start();
  }

  /** The portfolio changed (`urgent`: fills or funding). */
  changed(urgent: boolean): void {
    this.sampler?.changed(urgent);
  }

  end(): void {
    this.sampler?.stop();
    this.sampler = undefined;
  }

  /** Samples of a book of this account (default: `current`, the running session's), oldest first. */
  history(current: () => string, r: { book?: string | undefined; from?: number | undefined; to?: number | undefined; limit?: number | undefined }): EquityHistoryView {
    const book = r.book ?? current();
    const rec = this.o.ledger.catalog.account(book);
    if (!rec || rec.owner !== this.o.account.id) throw new ValidationError(`"${book}" is not a book of account "${this.o.account.id}"`, [{ path: 'book', message: 'not a book of this account' }]);
    const { samples, truncated } = this.o.ledger.equity.range(book, r);
    return { book, currency: rec.currency, samples: samples.map(sampleView), truncated };
  }

  strategyPnl(s: TradingSession): StrategyPnlView {
    if (this.pnl?.session !== s) this.pnl = new StrategyPnl(this.o.ledger.equity, s);
    return this.pnl.view();
  }
}
