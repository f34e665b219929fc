/**
 * A desk's session changes as contract events: orders, fills, ticks and candles as they come; the portfolio at
 * most every `portfolioThrottleMs` while only marks move (fills push it at once); closed 1m candles appended to
 * the market store when this desk is its venue's candle writer; a monitor's trading-state change persisted
 * with the account, as the trader's own would be.
 */
import type { Candle } from '../../core/model/index.ts';
import type { PaperAccounts } from './accounts.ts';
import type { DeskHistory } from './desk-history.ts';
import type { DeskOptions } from './desk-options.ts';
import type { SessionListener, TradingSession } from './session.ts';

/** The desk as its events see it: whether a session runs, and which. */
export interface DeskSessions {
  readonly hasSession: boolean;
  readonly session: TradingSession;
}

export class DeskEvents {
  private readonly o: DeskOptions;
  private readonly now: () => number;
  private readonly desk: DeskSessions;
  private readonly accounts: PaperAccounts;
  private readonly history: DeskHistory;
  private lastPortfolioPush = 0;
  private portfolioTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(o: DeskOptions, now: () => number, desk: DeskSessions, accounts: PaperAccounts, history: DeskHistory) {
    this.o = o;
    this.now = now;
    this.desk = desk;
    this.accounts = accounts;
    this.history = history;
  }

  /** The listener a new session reports to. */
  listener(): SessionListener {
    const emit = this.o.emit;
    return {
      orders: (orders) => emit('trading.orders', { orders }),
      fill: (fill) => emit('trading.fill', { fill }),
      portfolioChanged: (urgent) => {
        this.history.changed(urgent);
        this.pushPortfolio(urgent);
      },
      ticks: (prices) => emit('trading.ticks', { prices }),
      candle: (c, closed) => {
        if (closed) this.storeCandle(c.symbol, closed);
        emit('trading.candle', c);
      },
      tradingState: (state, reason) => {
        if (!this.desk.hasSession) return;
        // A monitor's halt must survive a restart like the trader's own.
        const cur = this.accounts.current().data;
        if (cur.tradingState !== state || cur.stateReason !== reason) this.accounts.update({ tradingState: state, stateReason: reason });
        emit('risk.state', this.desk.session.riskStatus());
      },
    };
  }

  /** The session stops: a throttled portfolio push still pending is dropped. */
  stopped(): void {
    if (this.portfolioTimer) clearTimeout(this.portfolioTimer);
    this.portfolioTimer = undefined;
  }

  private storeCandle(symbol: string, c: Candle): void {
    if (!this.o.candles || !this.o.storesCandles) return;
    try {
      this.o.candles.upsert({ source: this.o.candleSource, symbol, timeframe: '1m' }, { ts: [c.ts], open: [c.open], high: [c.high], low: [c.low], close: [c.close], volume: [c.volume] });
    } catch (e) {
      this.o.log.warn({ err: e, symbol }, 'could not store a live demo candle');
    }
  }

  private pushPortfolio(urgent: boolean): void {
    const gap = this.o.portfolioThrottleMs ?? 500;
    const t = this.now();
    if (!urgent && t - this.lastPortfolioPush < gap) {
      this.portfolioTimer ??= setTimeout(() => {
        this.portfolioTimer = undefined;
        this.pushPortfolio(true);
      }, gap - (t - this.lastPortfolioPush));
      this.portfolioTimer.unref?.();
      return;
    }
    if (!this.desk.hasSession) return;
    this.lastPortfolioPush = t;
    const s = this.desk.session;
    this.o.emit('trading.portfolio', { account: s.account(), positions: s.positions() });
  }
}
