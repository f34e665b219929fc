/**
 * One account's trading desk: owns the account's running session (paper, or live through its venue), persists
 * its books (accounts.ts), settings and risk state. The trading service (service.ts) holds one desk per account;
 * the logic lives in TradingSession. Beside it: paper-start.ts / live-start.ts compose, audit and end the
 * sessions; desk-events.ts turns session changes into contract events (and appends the feed's closed 1m candles
 * when this desk is its venue's candle writer); desk-history.ts keeps the equity history and per-strategy P&L;
 * desk-risk.ts parses overrides and seeds the risk window; desk-options.ts is what the service hands it.
 *
 * Start-up cost is kept to opening the ledger rows it needs and reading one candle per demo symbol: the
 * Playwright journey starts a fresh host per test.
 */
import type { ProtectiveLostPolicy } from '../../core/execution/protection.ts';
import type { PaperSettings, RiskLimitsView, SessionView, SymbolMarginView, TradingState } from '../../contract/trading.ts';
import type { MarginMode } from '../../core/margin/margin.ts';
import { auditConfigChange, auditOverride } from '../../core/audit/session.ts';
import { DEMO_DEFAULTS } from '../../core/data/demo.ts';
import { KestrelError, ValidationError } from '../../core/errors.ts';
import { parseRiskProfile, type RiskProfile } from '../../core/risk/profile.ts';
import type { RiskReportView } from '../../contract/risk.ts';
import type { EquityHistoryView, StrategyPnlView } from '../../contract/equity.ts';
import { dailyRiskReport } from '../reports/risk-report.ts';
import { PaperAccounts, type PaperAccountData } from './accounts.ts';
import type { FeedConfig, PaperSession, VenuePaperSession } from './compose.ts';
import { DemoFeed, FEED_DEFAULTS } from './demo-feed.ts';
import { DeskEvents } from './desk-events.ts';
import { DeskHistory } from './desk-history.ts';
import type { DeskOptions, VenueMarket } from './desk-options.ts';
import { fillRiskWindow, parseOverride } from './desk-risk.ts';
import type { FundingSource } from './funding-feed.ts';
import type { LiveConnection } from './live-connect.ts';
import type { LiveControl, LiveBookData } from './live-control.ts';
import { setLiveMargin, type LivePerp } from './live-perp.ts';
import { startLiveRun, type LiveRun } from './live-session.ts';
import { openLive, recordLiveStop } from './live-start.ts';
import { composeDemoPaper, composeVenuePaper, paperPerpStatus, paperSessionId, recordPaperStop } from './paper-start.ts';
import { effectiveProfile, mergeLimits } from './risk.ts';
import { authenticatorFromEnv } from './risk-auth.ts';
import type { TradingSession } from './session.ts';

// The options and the venue-prices port live in desk-options.ts (host.ts builds VenuePrices); the service and
// the host keep importing them from here.
export type { DeskOptions, VenueMarket, VenuePrices } from './desk-options.ts';

export class AccountDesk {
  readonly accounts: PaperAccounts;
  private readonly o: DeskOptions;
  private readonly now: () => number;
  private paper: PaperSession | VenuePaperSession | undefined;
  /** The venue's instruments of a paper account on venue prices, loaded before its first session. */
  private venueMarkets: readonly VenueMarket[] | undefined;
  /** A perpetual paper account's funding source, opened with its markets. */
  private fundingSource: FundingSource | undefined;
  private liveRun: LiveRun | undefined;
  private liveConn: LiveConnection | undefined;
  private livePerp: LivePerp | undefined;
  private preparing: Promise<void> | undefined;
  private sessionN = 0;
  private feedCfg: FeedConfig;
  private ready: Promise<void> = Promise.resolve();
  private closed = false;
  /** The running session's equity history and per-strategy P&L (desk-history.ts). */
  private readonly history: DeskHistory;
  /** What the running session's listener turns into contract events (desk-events.ts). */
  private readonly events: DeskEvents;
  private protectiveLost: ProtectiveLostPolicy;

  constructor(o: DeskOptions) {
    this.o = o;
    this.now = o.now ?? Date.now;
    this.accounts = new PaperAccounts(o.ledger.catalog, { id: o.account.id, name: o.account.name, venue: o.account.venue, currency: o.account.currency }, o.limits, this.now, o.riskProfile, o.live ? 'live' : 'paper');
    this.feedCfg = { seed: DEMO_DEFAULTS.seed, ...o.feed };
    this.protectiveLost = o.account.protectiveLost ?? 'replace';
    this.history = new DeskHistory(o, this.now);
    this.events = new DeskEvents(o, this.now, this, this.accounts, this.history);
  }

  get writesCandles(): boolean {
    return this.o.storesCandles === true && this.o.candles !== undefined;
  }

  /** A sim / testnet / live account (its session trades through a venue connection). */
  get isLive(): boolean {
    return this.o.live !== undefined;
  }

  /** A paper account trading on its venue's live prices (its session starts once the venue's markets are loaded). */
  get onVenuePrices(): boolean {
    return this.o.venuePrices !== undefined;
  }

  get hasSession(): boolean {
    return this.paper !== undefined || this.liveRun !== undefined;
  }

  /** The running session (throws when none: the service was closed). */
  get session(): TradingSession {
    if (this.liveRun) return this.liveRun.session;
    if (!this.paper) throw new Error('no trading session is running');
    return this.paper.session;
  }

  /**
   * The account's protective-order policy changed: kept for the sessions this desk starts next, and applied to the
   * running one's kernel at once (audited there, as the trader's decision).
   */
  setProtectiveLost(policy: ProtectiveLostPolicy, origin: string): void {
    this.protectiveLost = policy;
    if (!this.hasSession || this.session.engine.protectiveLost === policy) return;
    this.session.engine.protectiveLost = policy;
    auditOverride(this.session.parts.audit, this.now(), { action: 'protective-lost-policy', reason: `protective orders lost or refused at the venue: ${policy}`, by: origin, details: { protectiveLost: policy } });
  }

  /** A sim / testnet / live account's reconciliation gate and arming (refused for paper accounts). */
  get live(): LiveControl {
    if (!this.o.live) throw new KestrelError('conflict', `"${this.o.account.name}" is a paper account: it has no venue to reconcile with`);
    if (!this.liveRun) throw new KestrelError('conflict', `"${this.o.account.name}" has no running session`);
    return this.liveRun.control;
  }

  /**
   * Opens the venue connection of a live account (keys, markets); the session starts after it. A failure
   * leaves no session: the next command tries again and reports why.
   */
  private prepareLive(dryRun?: boolean): Promise<void> {
    const l = this.o.live!;
    const dry = dryRun ?? ((this.accounts.current().data as LiveBookData).dryRun === true || l.deps.dryRun?.(this.o.account.id) === true);
    this.preparing ??= openLive(this.o, this.accounts, this.now, dry, () => this.closed)
      .then((opened) => {
        if (!opened) return;
        this.livePerp = opened.perp;
        this.liveConn = opened.conn;
      })
      .finally(() => {
        this.preparing = undefined;
      });
    return this.preparing;
  }

  /** Restarts a live session in the other mode (sending / dry-run), keeping its working orders (taken over). */
  async setDryRun(dryRun: boolean, origin: string): Promise<void> {
    if (!this.o.live) throw new KestrelError('conflict', 'dry-run is for live accounts');
    if (this.liveRun && this.liveRun.control.status().dryRun === dryRun) return;
    this.accounts.update({ dryRun } as Partial<PaperAccountData>);
    this.stop(`switched to ${dryRun ? 'dry-run' : 'sending'} by ${origin}`);
    this.liveConn = undefined;
    await this.prepareLive(dryRun);
    this.start();
  }

  /** The synthetic demo feed of a paper session on it (tests drive it); refused for a session on venue prices. */
  get feed(): PaperSession['feed'] {
    if (!this.paper) throw new Error('no trading session is running');
    if (!(this.paper.feed instanceof DemoFeed)) throw new KestrelError('conflict', `"${this.o.account.name}" trades on ${this.o.venuePrices?.name ?? 'its venue'}'s prices, not on the demo feed`);
    return this.paper.feed;
  }

  /** A paper account on venue prices: its venue's markets, loaded once (a failure is retried by the next command). */
  private preparePaper(): Promise<void> {
    const vp = this.o.venuePrices!;
    const perp = this.o.account.marketType === 'perpetual';
    this.preparing ??= vp
      .markets(perp ? 'perp' : 'spot')
      .then(async (m) => {
        const own = m.filter((x) => (perp ? x.type === 'perp' && x.settle === this.o.account.currency : x.type === 'spot' && x.quote === this.o.account.currency));
        if (own.length === 0) throw new ValidationError(`${vp.name} lists no ${perp ? 'perpetual settled' : 'spot market quoted'} in ${this.o.account.currency}: "${this.o.account.name}" has nothing to trade`);
        if (perp && vp.funding) this.fundingSource = await vp.funding();
        this.venueMarkets = own;
      })
      .finally(() => {
        this.preparing = undefined;
      });
    return this.preparing;
  }

  /**
   * Starts the session once `before` settles (the first start waits for the demo history being generated,
   * so the live prices continue from its last close instead of jumping). Commands wait via `whenReady()`.
   */
  startAfter(before: Promise<unknown>): void {
    this.ready = before.then(
      () => undefined,
      () => undefined,
    ).then(async () => {
      if (this.closed) return;
      try {
        if (this.o.live) await this.prepareLive();
        else if (this.o.venuePrices) await this.preparePaper();
        this.start();
      } catch (e) {
        this.o.log.error({ err: e }, 'the trading session could not start');
      }
    });
  }

  /** Resolves when a pending start (see startAfter) has happened; a live account's connection is opened here. */
  whenReady(): Promise<void> {
    if (this.o.live) return this.ready.then(() => (this.liveConn || this.liveRun ? undefined : this.prepareLive()));
    if (this.o.venuePrices) return this.ready.then(() => (this.venueMarkets ? undefined : this.preparePaper()));
    return this.ready;
  }

  /** Starts the session of the account's current book (paper: demo feed + local matching; else: the venue). */
  start(): SessionView {
    if (this.paper || this.liveRun) return this.sessionView();
    if (this.o.live) return this.startLive();
    if (this.o.venuePrices) return this.startOnVenue();
    const { record, data } = this.accounts.current();
    const startTs = this.alignedNow();
    const sessionId = paperSessionId(this.o.account.id, startTs, ++this.sessionN);
    this.paper = composeDemoPaper({ o: this.o, now: this.now, record, data, sessionId, startTs, listener: this.events.listener() }, this.feedCfg);
    this.paper.start();
    return this.started();
  }

  /** A paper session on the account's venue prices: local matching against the venue's trade prints. */
  private startOnVenue(): SessionView {
    const markets = this.venueMarkets;
    const vp = this.o.venuePrices!;
    if (!markets) throw new KestrelError('conflict', `"${this.o.account.name}" is still loading ${vp.name}'s markets`);
    const { record, data } = this.accounts.current();
    const startTs = this.now();
    const sessionId = paperSessionId(this.o.account.id, startTs, ++this.sessionN);
    this.paper = composeVenuePaper({
      o: this.o, now: this.now, record, data, sessionId, startTs, listener: this.events.listener(),
      vp, markets, seed: this.feedCfg.seed, fundingSource: this.fundingSource, running: () => this.paper?.session,
    });
    this.paper.start();
    return this.started();
  }

  /** A session runs: the risk window and the equity history start with it, and the UI is told. */
  private started(): SessionView {
    this.fillRiskWindow();
    this.history.begin(this.session);
    const view = this.sessionView();
    this.o.emit('trading.session', view);
    return view;
  }

  private startLive(): SessionView {
    const conn = this.liveConn;
    if (!conn) throw new KestrelError('conflict', `"${this.o.account.name}" is still connecting to its venue`);
    const { record, data } = this.accounts.current();
    const sessionId = `L${this.now().toString(36)}${++this.sessionN}`;
    const l = this.o.live!;
    this.liveRun = startLiveRun({
      account: this.o.account, protectiveLost: this.protectiveLost, conn, sessionId, bookId: record.id, data: data as PaperAccountData & LiveBookData, ledger: this.o.ledger,
      listener: this.events.listener(),
      book: () => this.accounts.current().data as LiveBookData,
      saveBook: (change) => void this.accounts.update(change as Partial<PaperAccountData>),
      setTradingState: (state, reason) => this.setTradingState(state, reason, 'reconciliation'),
      emit: this.o.emit, log: this.o.log, now: this.now,
      ...(l.checkMs !== undefined ? { checkMs: l.checkMs } : {}), ...(l.pollMs !== undefined ? { pollMs: l.pollMs } : {}),
      ...(this.livePerp ? { perp: this.livePerp } : {}),
    });
    return this.started();
  }

  sessionView(): SessionView {
    const r = this.liveRun;
    if (r) {
      const s = r.session;
      return {
        sessionId: s.parts.sessionId, accountId: s.parts.accountId, account: this.o.account.id, accountName: this.o.account.name, mode: 'live', venue: s.parts.venue.id,
        feed: `${r.label} trades`, feedTickMs: 0, startedAt: s.startedAt, status: s.running ? 'running' : 'stopped',
        ...(r.marks ? { perpetual: { marks: r.marks.describe(), markPolls: r.marks.pollCount, tiers: 'the venue\'s leverage brackets (read with the account\'s key)' } } : {}),
      };
    }
    const p = this.paper;
    if (!p) throw new Error('no trading session is running');
    const s = p.session;
    return {
      sessionId: s.parts.sessionId, accountId: s.parts.accountId, account: this.o.account.id, accountName: this.o.account.name, mode: s.parts.mode, venue: s.parts.venue.id,
      feed: p.feed instanceof DemoFeed ? 'demo feed (synthetic prices)' : `${this.o.venuePrices?.name ?? s.parts.source} trades`, feedTickMs: p.feed instanceof DemoFeed ? p.feed.tickMs : 0, startedAt: s.startedAt, status: s.running ? 'running' : 'stopped',
      ...(this.o.account.marketType === 'perpetual' && !(p.feed instanceof DemoFeed) ? { perpetual: paperPerpStatus(p as VenuePaperSession, this.venueMarkets ?? []) } : {}),
    };
  }

  /** Stops the session: feed off, audited, session record closed. Open paper orders end with the session. */
  stop(reason = 'host shutdown'): void {
    if (this.liveRun) return this.stopLive(reason);
    const p = this.paper;
    if (!p) return;
    this.history.end();
    this.paper = undefined;
    this.events.stopped();
    p.stop();
    recordPaperStop(this.o, this.now, p, reason);
  }

  /** A live session stops; its working orders stay at the venue (and in the ledger) for the next run to take over. */
  private stopLive(reason: string): void {
    const r = this.liveRun!;
    this.history.end();
    this.liveRun = undefined;
    this.events.stopped();
    r.stop();
    recordLiveStop(this.o, this.now, r, reason);
  }

  // ───────────── risk (persisted with the account) ─────────────

  setLimits(change: Partial<RiskLimitsView>, origin: string): void {
    const s = this.session;
    const from = s.parts.risk.limits;
    s.setLimits(mergeLimits(from, change), origin);
    this.fillRiskWindow();
    this.accounts.update({ limits: s.parts.risk.limits });
    this.o.emit('risk.state', s.riskStatus());
  }

  /**
   * A perpetual's leverage and/or margin mode. Paper: the session applies it under the venue's rules and audits it;
   * it is kept with the account's books per symbol, so the next session (and a reset) starts from it. Live: the venue
   * is told (live-perp.ts) and the session follows what it accepted.
   */
  async setMargin(symbol: string, to: { readonly mode?: MarginMode | undefined; readonly leverage?: number | undefined }, origin: string): Promise<SymbolMarginView> {
    const s = this.session;
    // A live account's margin lives at the venue: the change goes there first, and is read back from it at each start.
    if (this.liveRun && this.liveConn) {
      const v = await setLiveMargin(s, this.liveConn, symbol, to, origin);
      this.o.emit('risk.state', s.riskStatus());
      return v;
    }
    const v = s.setMargin(symbol, to, origin);
    const cur = this.accounts.current().data.symbolMargin ?? {};
    this.accounts.update({ symbolMargin: { ...cur, [symbol]: { mode: v.mode, leverage: v.leverage } } });
    this.o.emit('risk.state', s.riskStatus());
    return v;
  }

  setTradingState(state: TradingState, reason: string, origin: string): void {
    this.session.setTradingState(state, reason);
    this.accounts.update({ tradingState: state, stateReason: reason });
    auditOverride(this.session.parts.audit, this.now(), { action: 'set-trading-state', reason, by: origin, details: { state } });
  }

  killSwitch(reason: string, origin: string, flatten = true): { canceled: number; flattening: number } {
    const n = this.session.killSwitch(reason, origin, flatten);
    this.accounts.update({ tradingState: 'halted', stateReason: reason });
    // The state change was pushed as it happened; push again now that the cancels are through.
    this.o.emit('risk.state', this.session.riskStatus());
    return n;
  }

  /** Re-authenticates, then applies a time-limited override within the profile's ceilings (RiskDesk). */
  async override(req: unknown, passphrase: string | undefined, origin: string): Promise<void> {
    const r = parseOverride(req);
    const who = await (this.o.authenticator ?? authenticatorFromEnv()).confirm(r.reason, passphrase);
    this.session.applyOverride(r, `${who} via ${origin}`);
    this.persistState();
  }

  endOverride(reason: string, origin: string): void {
    this.session.endOverride(reason, origin);
    this.persistState();
  }

  riskProfile(): RiskProfile {
    return this.session.parts.risk.profile;
  }

  /** What this account's gate enforces, as one profile: what its backtests run with by default. */
  effectiveRiskProfile(): RiskProfile {
    const r = this.session.parts.risk;
    return effectiveProfile(r.limits, r.profile);
  }

  setRiskProfile(profile: unknown, origin: string): void {
    const p = parseRiskProfile(profile);
    const s = this.session;
    const from = s.parts.risk.profile;
    s.setRiskProfile(p);
    this.fillRiskWindow();
    this.accounts.update({ riskProfile: p });
    auditConfigChange(s.parts.audit, this.now(), { what: 'risk-profile', from, to: p, by: origin });
    this.o.emit('risk.state', s.riskStatus());
  }

  /** The daily risk report of the account (JSON, CSV, HTML section). */
  riskReport(): RiskReportView {
    return dailyRiskReport(this.session.parts.accountId, this.session.riskStatus());
  }

  private persistState(): void {
    const s = this.session;
    this.accounts.update({ tradingState: s.engine.tradingState, stateReason: s.riskStatus().stateReason });
  }

  // ───────────── paper settings ─────────────

  settings(): PaperSettings {
    return this.accounts.view();
  }

  saveSettings(change: { startingBalance?: string | undefined; makerFee?: string | undefined; takerFee?: string | undefined }, origin: string): PaperSettings {
    const before = this.accounts.view();
    this.accounts.saveSettings(change);
    const after = this.accounts.view();
    if (this.paper) auditConfigChange(this.session.parts.audit, this.now(), { what: 'paper-settings', from: before, to: after, by: origin });
    return after;
  }

  /** Cancels everything, closes the account and starts a fresh one (new session) from the saved settings. */
  resetAccount(origin: string): SessionView {
    if (this.o.live) throw new KestrelError('conflict', `"${this.o.account.name}" trades on ${this.o.account.environment === 'sim' ? 'Kestrel Sim' : 'an exchange'}: its balances are the venue's, there is nothing to reset`);
    if (this.paper) {
      const s = this.session;
      s.cancelAll();
      auditOverride(s.parts.audit, this.now(), { action: 'reset-paper-account', reason: 'requested', by: origin, details: { accountId: s.parts.accountId } });
    }
    this.stop('account reset');
    this.accounts.reset();
    return this.start();
  }

  close(): void {
    this.closed = true;
    this.stop();
  }

  // ───────────── equity history and per-strategy P&L ─────────────

  /** Samples of a book of this account (default: the running session's), oldest first. */
  equityHistory(r: { book?: string | undefined; from?: number | undefined; to?: number | undefined; limit?: number | undefined }): EquityHistoryView {
    return this.history.history(() => this.session.parts.accountId, r);
  }

  strategyPnl(): StrategyPnlView {
    return this.history.strategyPnl(this.session);
  }

  // ───────────── internals ─────────────

  private alignedNow(): number {
    const tick = this.feedCfg.tickMs ?? FEED_DEFAULTS.tickMs;
    return Math.floor(this.now() / tick) * tick;
  }

  /** Seeds the gate's correlation/VaR window (desk-risk.ts) from the stored bars the session's prices come from. */
  private fillRiskWindow(): void {
    // A session on the venue's prices (live, or paper on its prints) reads the venue's stored bars: the market
    // streams persist them under its id.
    const source = this.liveRun || (this.o.venuePrices && this.venueMarkets) ? this.o.account.venue : this.o.candleSource;
    fillRiskWindow(this.o, this.now, this.session, source, () => this.session);
  }
}

export type { PaperAccountData };
