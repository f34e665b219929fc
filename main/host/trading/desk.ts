/**
 * One account's trading desk: owns the account's running paper session (composed in compose.ts), persists
 * its books (accounts.ts), settings and risk state, appends the feed's closed 1m candles to the market store
 * (when it is the venue's candle writer), and turns session changes into contract events. The trading
 * service (service.ts) holds one desk per account; the logic lives in TradingSession.
 *
 * Start-up cost is kept to opening the ledger rows it needs and reading one candle per demo symbol: the
 * Playwright journey starts a fresh host per test.
 */
import type { ProtectiveLostPolicy } from '../../core/execution/protection.ts';
import type { AccountSettings } from '../../contract/settings.ts';
import type { PaperSettings, RiskLimitsView, SessionView, SymbolMarginView, TradingState } from '../../contract/trading.ts';
import type { MarginMode } from '../../core/margin/margin.ts';
import { auditConfigChange, auditOverride, auditSessionStart, auditSessionStop, SessionAuditSink } from '../../core/audit/session.ts';
import { DEFAULT_DEMO_SYMBOLS, DEMO_DEFAULTS } from '../../core/data/demo.ts';
import { defineInstrument, type Candle, type Instrument } from '../../core/model/index.ts';
import type { CandleStore, LedgerStores } from '../../storage/index.ts';
import type { HostContext } from '../context.ts';
import { PAPER_CURRENCY, PaperAccounts, type PaperAccountData } from './accounts.ts';
import { composePaperSession, composeVenuePaperSession, type FeedConfig, type PaperSession, type VenuePaperSession } from './compose.ts';
import { DemoFeed, FEED_DEFAULTS, type FeedSymbol } from './demo-feed.ts';
import { demoInstrumentSpecs, demoInstruments, venueInstrumentSpecs, type VenueMarketSpec } from './instruments.ts';
import type { TradePrints } from './print-feed.ts';
import { seedRiskWindow, type RiskWindowRunner } from './risk-window.ts';
import { effectiveProfile, mergeLimits } from './risk.ts';
import { authenticatorFromEnv, type RiskAuthenticator } from './risk-auth.ts';
import { ValidationError } from '../../core/errors.ts';
import { OverrideRequestSchema } from '../../core/risk/override.ts';
import { parseRiskProfile, type RiskProfile } from '../../core/risk/profile.ts';
import type { RiskReportView } from '../../contract/risk.ts';
import { dailyRiskReport } from '../reports/risk-report.ts';
import type { SessionListener, TradingSession } from './session.ts';
import type { VenueSettings } from '../../contract/settings.ts';
import { KestrelError } from '../../core/errors.ts';
import { connectLive, type LiveConnection, type LiveDeps } from './live-connect.ts';
import { decimalString as decimalText } from '../../venues/ccxt/index.ts';
import type { LiveControl, LiveBookData } from './live-control.ts';
import { startLiveRun, type LiveRun } from './live-session.ts';
import { loadLivePerp, setLiveMargin, type LivePerp } from './live-perp.ts';
import type { FundingSource } from './funding-feed.ts';
import { perpetualParts } from './perp-desk.ts';
import { EquitySampler, sampleView } from './equity-sampler.ts';
import { StrategyPnl } from './strategy-pnl.ts';
import { accountFigures } from '../../core/portfolio/attribution.ts';
import type { EquityHistoryView, StrategyPnlView } from '../../contract/equity.ts';

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
  private lastPortfolioPush = 0;
  private portfolioTimer: ReturnType<typeof setTimeout> | undefined;
  private feedCfg: FeedConfig;
  private ready: Promise<void> = Promise.resolve();
  private closed = false;
  /** The running session's equity history and per-strategy P&L (equity-sampler.ts, strategy-pnl.ts). */
  private sampler: EquitySampler | undefined;
  private pnl: StrategyPnl | undefined;
  private protectiveLost: ProtectiveLostPolicy;

  constructor(o: DeskOptions) {
    this.o = o;
    this.now = o.now ?? Date.now;
    this.accounts = new PaperAccounts(o.ledger.catalog, { id: o.account.id, name: o.account.name, venue: o.account.venue, currency: o.account.currency }, o.limits, this.now, o.riskProfile, o.live ? 'live' : 'paper');
    this.feedCfg = { seed: DEMO_DEFAULTS.seed, ...o.feed };
    this.protectiveLost = o.account.protectiveLost ?? 'replace';
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
    this.preparing ??= connectLive(this.o.account, l.venue, l.deps, dry)
      .then(async (c) => {
        if (this.closed) return void c.close();
        await this.initLiveBook(c);
        // A perpetual account trades on the venue's own brackets, margin per symbol and mark (live-perp.ts).
        const perp = await loadLivePerp(this.o.account, c);
        this.livePerp = perp;
        this.liveConn = perp ? { ...c, instruments: perp.instruments } : c;
      })
      .finally(() => {
        this.preparing = undefined;
      });
    return this.preparing;
  }

  /**
   * A live book's first start: its starting balance is the venue's balance of the account currency then
   * (later starts continue from the book's fills; reconciliation compares with the venue every time).
   */
  private async initLiveBook(c: LiveConnection): Promise<void> {
    const data = this.accounts.current().data as PaperAccountData & { venueBalanceAt?: number };
    if (data.venueBalanceAt !== undefined || this.o.ledger.ledger.fills(this.accounts.current().record.id).length > 0) return;
    const bal = (await c.api.fetchBalances()).find((b) => b.currency === this.o.account.currency);
    this.accounts.update({ startingBalance: decimalText(bal?.total ?? 0), venueBalanceAt: this.now() } as Partial<PaperAccountData>);
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
    // The Demo account keeps the session ids earlier releases gave it; other accounts' ids name them.
    const prefix = this.o.account.id === 'demo' ? 'paper' : `${this.o.account.id}:paper`;
    const sessionId = `${prefix}-${startTs.toString(36)}-${++this.sessionN}`;
    const instruments = demoInstruments('paper', data);
    const ledger = this.o.ledger;
    this.closeStaleOrders(record.id);
    const audit = new SessionAuditSink(ledger.audit, { sessionId, kind: 'paper', account: this.o.account.id });
    const feedSymbols = this.feedSymbols(instruments);
    const priorFills = ledger.ledger.fills(record.id);
    this.paper = composePaperSession({
      sessionId, accountId: record.id, currency: PAPER_CURRENCY, account: data, instruments, feedSymbols,
      feed: this.feedCfg, startTs,
      // The paper venue lives in this process: intents commit with their batch (main/storage/README.md).
      store: ledger.ledger.storeFor({ accountId: record.id, sessionId }, { intents: 'batch' }),
      audit,
      batch: (fn) => ledger.ledger.batch(fn),
      priorFills,
      listener: this.listener(),
      ...(this.o.now ? { now: this.o.now } : {}),
    });
    const f = this.feedCfg;
    // Everything a re-run needs (main/host/audit/paper-rerun.ts): the feed is deterministic given these, the
    // venue given its seed and instruments, the kernel given the account's earlier fills and the risk state.
    auditSessionStart(audit, this.now(), {
      instruments: demoInstrumentSpecs('paper', data),
      portfolio: { baseCurrency: PAPER_CURRENCY, cash: { [PAPER_CURRENCY]: data.startingBalance } },
      venue: { id: sessionId, kind: 'paper', latencyMs: 0, balances: 'strict', seed: f.seed, accountId: record.id, account: this.o.account.id, venueId: this.o.account.venue, risk: { limits: data.limits, profile: data.riskProfile, tradingState: data.tradingState, reason: data.stateReason } },
      priorFills: priorFills.filter((x) => instruments.some((i) => i.symbol === x.symbol)).map((x) => ({ ...x })),
      data: {
        feed: 'demo', seed: f.seed, startTs, tickMs: this.paper.feed.tickMs, cycleMs: f.cycleMs ?? FEED_DEFAULTS.cycleMs, swingBps: f.swingBps ?? FEED_DEFAULTS.swingBps, sweepMs: f.sweepMs ?? FEED_DEFAULTS.sweepMs,
        anchors: Object.fromEntries(feedSymbols.map((s) => [s.symbol, s.anchor])), symbols: feedSymbols, intervalMs: 60_000,
      },
    });
    ledger.catalog.putSession({ id: sessionId, kind: 'paper', accountId: record.id, owner: this.o.account.id, strategyId: null, strategyVersion: null, status: 'running', startedAt: this.now(), endedAt: null, data: { feed: 'demo', seed: f.seed, startTs } });
    this.paper.start();
    this.fillRiskWindow();
    this.beginHistory();
    const view = this.sessionView();
    this.o.emit('trading.session', view);
    return view;
  }

  /** A paper session on the account's venue prices: local matching against the venue's trade prints. */
  private startOnVenue(): SessionView {
    const markets = this.venueMarkets;
    const vp = this.o.venuePrices!;
    if (!markets) throw new KestrelError('conflict', `"${this.o.account.name}" is still loading ${vp.name}'s markets`);
    const { record, data } = this.accounts.current();
    const startTs = this.now();
    const prefix = this.o.account.id === 'demo' ? 'paper' : `${this.o.account.id}:paper`;
    const sessionId = `${prefix}-${startTs.toString(36)}-${++this.sessionN}`;
    const specs = venueInstrumentSpecs(markets, data);
    const instruments = specs.map(defineInstrument);
    const ledger = this.o.ledger;
    this.closeStaleOrders(record.id);
    const audit = new SessionAuditSink(ledger.audit, { sessionId, kind: 'paper', account: this.o.account.id });
    const priorFills = ledger.ledger.fills(record.id);
    const seed = this.feedCfg.seed;
    const perp = perpetualParts(this.o.account, instruments, startTs, this.fundingSource, ledger, { accountId: record.id, sessionId }, priorFills, () => this.paper?.session, this.o.log, data.symbolMargin);
    this.paper = composeVenuePaperSession({
      sessionId, accountId: record.id, currency: this.o.account.currency, account: data, instruments, seed, startTs,
      prints: vp, source: this.o.account.venue, ...perp.compose,
      store: ledger.ledger.storeFor({ accountId: record.id, sessionId }),
      audit,
      batch: (fn) => ledger.ledger.batch(fn),
      priorFills,
      listener: this.listener(),
      onError: (symbol, err) => this.o.log.warn({ err: (err as Error)?.message ?? String(err), symbol, venue: this.o.account.venue }, 'no trade prints for a paper market'),
    });
    // A re-run (main/host/audit/paper-rerun.ts) replays the `prints` events this session records.
    auditSessionStart(audit, startTs, {
      instruments: specs,
      portfolio: { baseCurrency: this.o.account.currency, cash: { [this.o.account.currency]: data.startingBalance }, ...(perp.margin ? { leverage: perp.margin.leverage } : {}) },
      venue: { id: sessionId, kind: 'paper', latencyMs: 0, balances: 'strict', seed, accountId: record.id, account: this.o.account.id, venueId: this.o.account.venue, risk: { limits: data.limits, profile: data.riskProfile, tradingState: data.tradingState, reason: data.stateReason }, ...(perp.margin ? { margin: perp.margin, liquidateOn: perp.compose.marks ? 'mark' : 'prices' } : {}) },
      priorFills: priorFills.filter((x) => instruments.some((i) => i.symbol === x.symbol)).map((x) => ({ ...x })),
      ...(perp.priorFunding.length ? { priorFunding: perp.priorFunding.map((f) => ({ ...f })) } : {}),
      data: { feed: 'prints', venue: this.o.account.venue, startTs, symbols: specs.map((x) => x.symbol), intervalMs: 60_000 },
    });
    ledger.catalog.putSession({ id: sessionId, kind: 'paper', accountId: record.id, owner: this.o.account.id, strategyId: null, strategyVersion: null, status: 'running', startedAt: this.now(), endedAt: null, data: { feed: 'prints', venue: this.o.account.venue, startTs } });
    this.paper.start();
    this.fillRiskWindow();
    this.beginHistory();
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
      listener: this.listener(),
      book: () => this.accounts.current().data as LiveBookData,
      saveBook: (change) => void this.accounts.update(change as Partial<PaperAccountData>),
      setTradingState: (state, reason) => this.setTradingState(state, reason, 'reconciliation'),
      emit: this.o.emit, log: this.o.log, now: this.now,
      ...(l.checkMs !== undefined ? { checkMs: l.checkMs } : {}), ...(l.pollMs !== undefined ? { pollMs: l.pollMs } : {}),
      ...(this.livePerp ? { perp: this.livePerp } : {}),
    });
    this.fillRiskWindow();
    this.beginHistory();
    const view = this.sessionView();
    this.o.emit('trading.session', view);
    return view;
  }

  sessionView(): SessionView {
    const r = this.liveRun;
    if (r) {
      const s = r.session;
      return {
        sessionId: s.parts.sessionId, accountId: s.parts.accountId, account: this.o.account.id, accountName: this.o.account.name, mode: 'live', venue: s.parts.venue.id,
        feed: `${r.label} trades`, feedTickMs: 0, startedAt: s.startedAt, status: s.running ? 'running' : 'stopped',
      };
    }
    const p = this.paper;
    if (!p) throw new Error('no trading session is running');
    const s = p.session;
    return {
      sessionId: s.parts.sessionId, accountId: s.parts.accountId, account: this.o.account.id, accountName: this.o.account.name, mode: s.parts.mode, venue: s.parts.venue.id,
      feed: p.feed instanceof DemoFeed ? 'demo feed (synthetic prices)' : `${this.o.venuePrices?.name ?? s.parts.source} trades`, feedTickMs: p.feed instanceof DemoFeed ? p.feed.tickMs : 0, startedAt: s.startedAt, status: s.running ? 'running' : 'stopped',
    };
  }

  /** Stops the session: feed off, audited, session record closed. Open paper orders end with the session. */
  stop(reason = 'host shutdown'): void {
    if (this.liveRun) return this.stopLive(reason);
    const p = this.paper;
    if (!p) return;
    this.endHistory();
    this.paper = undefined;
    if (this.portfolioTimer) clearTimeout(this.portfolioTimer);
    this.portfolioTimer = undefined;
    p.stop();
    const s = p.session;
    try {
      // lastPrintTs: where the feed stopped, so a re-run plays exactly the prints this session saw.
      const lastPrintTs = p.feed instanceof DemoFeed ? p.feed.nextTs - p.feed.tickMs : p.feed.lastTs;
      auditSessionStop(s.parts.audit, this.now(), { reason, summary: { openOrders: s.engine.openOrders().length, equity: s.account().equity, lastPrintTs } });
      const rec = this.o.ledger.catalog.session(s.parts.sessionId);
      if (rec) this.o.ledger.catalog.putSession({ ...rec, status: 'stopped', endedAt: this.now() });
    } catch (e) {
      this.o.log.warn({ err: e }, 'could not record the end of the trading session');
    }
  }

  /** A live session stops; its working orders stay at the venue (and in the ledger) for the next run to take over. */
  private stopLive(reason: string): void {
    const r = this.liveRun!;
    this.endHistory();
    this.liveRun = undefined;
    if (this.portfolioTimer) clearTimeout(this.portfolioTimer);
    this.portfolioTimer = undefined;
    r.stop();
    const s = r.session;
    try {
      auditSessionStop(s.parts.audit, this.now(), { reason, summary: { openOrders: s.engine.openOrders().length, equity: s.account().equity, left: s.engine.openOrders().map((o) => o.clientOrderId) } });
      const rec = this.o.ledger.catalog.session(s.parts.sessionId);
      if (rec) this.o.ledger.catalog.putSession({ ...rec, status: 'stopped', endedAt: this.now() });
    } catch (e) {
      this.o.log.warn({ err: e }, 'could not record the end of the live session');
    }
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
    const r = OverrideRequestSchema.safeParse(req);
    if (!r.success) throw new ValidationError(`invalid override: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`, r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    const who = await (this.o.authenticator ?? authenticatorFromEnv()).confirm(r.data.reason, passphrase);
    this.session.applyOverride(r.data, `${who} via ${origin}`);
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
    const book = r.book ?? this.session.parts.accountId;
    const rec = this.o.ledger.catalog.account(book);
    if (!rec || rec.owner !== this.o.account.id) throw new ValidationError(`"${book}" is not a book of account "${this.o.account.id}"`, [{ path: 'book', message: 'not a book of this account' }]);
    const { samples, truncated } = this.o.ledger.equity.range(book, r);
    return { book, currency: rec.currency, samples: samples.map(sampleView), truncated };
  }

  strategyPnl(): StrategyPnlView {
    const s = this.session;
    if (this.pnl?.session !== s) this.pnl = new StrategyPnl(this.o.ledger.equity, s);
    return this.pnl.view();
  }

  private beginHistory(): void {
    const s = this.session;
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

  private endHistory(): void {
    this.sampler?.stop();
    this.sampler = undefined;
  }

  // ───────────── internals ─────────────

  private alignedNow(): number {
    const tick = this.feedCfg.tickMs ?? FEED_DEFAULTS.tickMs;
    return Math.floor(this.now() / tick) * tick;
  }

  /** Continue each demo symbol from its last stored close (so live prices join the stored history). */
  private feedSymbols(instruments: readonly Instrument[]): FeedSymbol[] {
    return DEFAULT_DEMO_SYMBOLS.filter((d) => instruments.some((i) => i.symbol === d.symbol)).map((d) => {
      const inst = instruments.find((i) => i.symbol === d.symbol)!;
      return { symbol: d.symbol, anchor: this.lastStoredClose(d.symbol) ?? d.start, tickSize: inst.tickF, lotSize: inst.lotF, rho: d.rho, volScale: d.volScale, volumePerMinute: d.volume };
    });
  }

  private lastStoredClose(symbol: string): number | undefined {
    const c = this.o.candles;
    if (!c) return undefined;
    try {
      const key = { source: this.o.candleSource, symbol, timeframe: '1m' };
      const last = c.lastTs(key);
      if (last === undefined) return undefined;
      const cols = c.range(key, last, last + 1);
      const v = cols.close[cols.close.length - 1];
      return v !== undefined && Number.isFinite(v) && v > 0 ? v : undefined;
    } catch (e) {
      this.o.log.warn({ err: e, symbol }, 'could not read the last demo candle; the feed starts from the demo start price');
      return undefined;
    }
  }

  /**
   * Hands the gate's correlation/VaR stats (when the profile has those rules) a window from the stored candles
   * of the session's instruments; the stats ignore it when they already hold a longer one (a carried window).
   */
  private fillRiskWindow(): void {
    const stats = this.session.parts.risk.core.stats;
    const { riskWindow: run, candles } = this.o;
    if (!stats || !run || !candles) return;
    const symbols = this.session.parts.instruments.map((i) => i.symbol);
    // A session on the venue's prices (live, or paper on its prints) reads the venue's stored bars: the market
    // streams persist them under its id.
    const source = this.liveRun || (this.o.venuePrices && this.venueMarkets) ? this.o.account.venue : this.o.candleSource;
    seedRiskWindow(stats, { candles, source, symbols, now: this.now() }, run).then(
      (rec) => {
        if (!rec || this.session.parts.risk.core.stats !== stats) return;
        // In the log, so that the window is what a re-run's gate is given too (paper-rerun.ts).
        auditConfigChange(this.session.parts.audit, this.now(), { what: 'risk-window', from: null, to: rec, by: 'system' });
        this.o.emit('risk.state', this.session.riskStatus());
      },
      (e: unknown) => this.o.log.warn({ err: e }, 'could not build the risk window from stored candles; it fills from live prices'),
    );
  }

  /** Orders an earlier session left open cannot fill any more (the paper venue lived in that process). */
  private closeStaleOrders(accountId: string): void {
    const ledger = this.o.ledger.ledger;
    for (const so of ledger.openOrders()) {
      if (so.accountId !== accountId) continue;
      try {
        ledger.recordOrderUpdate({ accountId, sessionId: so.sessionId }, { ...so.order, state: 'canceled', reason: 'session_ended', updatedTs: this.now() });
      } catch (e) {
        this.o.log.warn({ err: e, clientOrderId: so.order.clientOrderId }, 'could not close a stale paper order');
      }
    }
  }

  private listener(): SessionListener {
    const emit = this.o.emit;
    return {
      orders: (orders) => emit('trading.orders', { orders }),
      fill: (fill) => emit('trading.fill', { fill }),
      portfolioChanged: (urgent) => {
        this.sampler?.changed(urgent);
        this.pushPortfolio(urgent);
      },
      ticks: (prices) => emit('trading.ticks', { prices }),
      candle: (c, closed) => {
        if (closed) this.storeCandle(c.symbol, closed);
        emit('trading.candle', c);
      },
      tradingState: (state, reason) => {
        if (!this.paper && !this.liveRun) return;
        // A monitor's halt must survive a restart like the trader's own.
        const cur = this.accounts.current().data;
        if (cur.tradingState !== state || cur.stateReason !== reason) this.accounts.update({ tradingState: state, stateReason: reason });
        emit('risk.state', this.session.riskStatus());
      },
    };
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
    if (!this.hasSession) return;
    this.lastPortfolioPush = t;
    const s = this.session;
    this.o.emit('trading.portfolio', { account: s.account(), positions: s.positions() });
  }
}

export type { PaperAccountData };
