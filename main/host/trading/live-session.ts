/**
 * Starts a live (sim / testnet / live) account's session around an open venue connection: the same
 * TradingSession as paper (kernel, risk gate, ledger store, audit sink), with the live venue, the venue's
 * trade stream as market data and the wall clock — plus what a restart needs:
 *
 * - orders an earlier run left working are taken over (kernel `adopt`, then the venue's tracking); their
 *   ledger rows stay under the session that placed them (the store routes their updates there), and those
 *   whose submit was in flight when the process died are resolved by client order id like any UNKNOWN;
 * - the portfolio continues from the account's booked fills, whose trade ids the venue then ignores.
 *
 * The risk gate refuses every order until the LiveControl lets it (reconciled this run, armed).
 */
import type { ProtectiveLostPolicy } from '../../core/execution/protection.ts';
import type { AccountSettings } from '../../contract/settings.ts';
import type { TradingState } from '../../core/ports.ts';
import { auditSessionStart, SessionAuditSink } from '../../core/audit/session.ts';
import type { Fill, Order } from '../../core/model/index.ts';
import type { MarketData, Store } from '../../core/ports.ts';
import { LiveVenue } from '../../venues/live/live-venue.ts';
import { PrivateSync } from '../../venues/live/private-sync.ts';
import type { LedgerStores } from '../../storage/index.ts';
import type { HostContext } from '../context.ts';
import type { PaperAccountData } from './accounts.ts';
import { composeLiveSession } from './compose.ts';
import type { LiveConnection } from './live-connect.ts';
import { LiveControl, type LiveBookData } from './live-control.ts';
import { AdjustableRiskGate } from './risk.ts';
import type { SessionListener, TradingSession } from './session.ts';
import { VenueFeed } from './venue-feed.ts';
import type { LivePerp } from './live-perp.ts';
import { MarkFeed } from './mark-feed.ts';

export interface LiveRun {
  readonly session: TradingSession;
  readonly control: LiveControl;
  readonly label: string;
  /** Perpetual accounts: the venue's marks (stream or polls: the account's status says which). */
  readonly marks?: MarkFeed;
  stop(): void;
}

export interface LiveSessionInput {
  readonly account: AccountSettings;
  /** The account's policy now (its settings may have changed since the desk read `account`). */
  readonly protectiveLost: ProtectiveLostPolicy;
  readonly conn: LiveConnection;
  readonly sessionId: string;
  readonly bookId: string;
  readonly data: PaperAccountData & LiveBookData;
  readonly ledger: LedgerStores;
  readonly listener: SessionListener;
  readonly saveBook: (change: LiveBookData) => void;
  readonly book: () => LiveBookData;
  readonly setTradingState: (state: TradingState, reason: string) => void;
  readonly emit: HostContext['emit'];
  readonly log: HostContext['log'];
  readonly now: () => number;
  readonly checkMs?: number;
  readonly pollMs?: number;
  readonly onDiscrepancy?: 'reducing-only' | 'halted';
  /** Perpetual accounts: the venue's margin per symbol and its mark (live-perp.ts). */
  readonly perp?: Pick<LivePerp, 'margin' | 'mark' | 'watchMark'>;
  /** How often held perpetuals' marks are asked (ms); default 1 s. */
  readonly markMs?: number;
}

export function startLiveRun(x: LiveSessionInput): LiveRun {
  const { ledger, conn } = x;
  const scope = { accountId: x.bookId, sessionId: x.sessionId };
  const stored = ledger.ledger.openOrders().filter((o) => o.accountId === x.bookId && o.order.state !== 'held');
  const origin = new Map(stored.map((o) => [o.order.clientOrderId, { accountId: x.bookId, sessionId: o.sessionId }]));
  const store: Store = {
    recordIntent: (o) => ledger.ledger.recordIntent(scope, o),
    recordOrderUpdate: (o) => ledger.ledger.recordOrderUpdate(origin.get(o.clientOrderId) ?? scope, o),
    recordFill: (f) => ledger.ledger.recordFill(scope, f),
  };
  const priorFills: Fill[] = ledger.ledger.fills(x.bookId);
  const late: { session?: TradingSession; control?: LiveControl } = {};
  const deliver = (fn: () => void) => (late.session ? late.session.marketBatch(fn) : fn());
  const venue = new LiveVenue({
    id: conn.venueId, api: conn.api, instruments: conn.instruments, deliver, now: x.now,
    ...(ledger.ledger.durability === 'disk' ? { beforeSend: () => ledger.ledger.intentDurable() } : {}),
    onChange: () => late.control && x.emit('live.status', late.control.status()),
    log: x.log,
  });
  const sync = new PrivateSync({ venue, api: conn.api, symbols: conn.instruments.map((i) => i.symbol), deliver, ...(x.pollMs !== undefined ? { pollMs: x.pollMs } : {}), log: x.log, onStatus: () => late.control && x.emit('live.status', late.control.status()) });
  const risk = new BlockingRiskGate(x.data.limits, x.data.riskProfile, () => (late.control ? late.control.blocker() : { rule: 'live_starting', message: 'the live session is starting' }));
  const audit = new SessionAuditSink(ledger.audit, { sessionId: x.sessionId, kind: 'live', account: x.account.id });
  const session = (late.session = composeLiveSession({
    sessionId: x.sessionId, accountId: x.bookId, currency: x.account.currency, startingBalance: x.data.startingBalance, instruments: conn.instruments,
    venue, marketData: withLocalTriggers(new VenueFeed(conn.conn, deliver, (symbol, error) => x.log.warn({ symbol, error }, 'live market stream trouble')), venue), store, audit, risk,
    batch: (fn) => ledger.ledger.batch(fn), listener: x.listener, priorFills,
    tradingState: { state: x.data.tradingState, reason: x.data.stateReason }, protectiveLost: x.protectiveLost,
    ...(x.perp ? { margin: x.perp.margin } : {}),
  }));
  // The venue's mark values held perpetuals (P&L, notional, margin), as the venue shows them; the venue liquidates.
  const marks = x.perp ? new MarkFeed({
    symbols: conn.instruments.filter((i) => i.kind === 'perpetual').map((i) => i.symbol), mark: x.perp.mark, ...(x.perp.watchMark ? { watch: x.perp.watchMark } : {}),
    held: (symbol) => session.engine.portfolio.positionQty(symbol) !== 0,
    deliver: (symbol, price) => session.marketBatch(() => session.engine.portfolio.markVenue(symbol, price)),
    ...(x.markMs !== undefined ? { everyMs: x.markMs } : {}),
    onError: (symbol, err) => x.log.warn({ symbol, err: (err as Error)?.message ?? String(err) }, 'no mark price from the venue; asked again next interval'),
  }) : undefined;
  // A fill on a perpetual asks for its mark at once (until it arrives the portfolio values the position at its fill).
  if (marks) {
    session.engine.bus.on('fill', ({ fill: f }) => {
      if (session.engine.portfolio.positions.get(f.symbol)?.perp) queueMicrotask(() => marks.sync());
    });
  }
  auditSessionStart(audit, x.now(), {
    instruments: conn.instruments.map((i) => ({ symbol: i.symbol, venue: i.venue, base: i.base, quote: i.quote, kind: i.kind, tickSize: i.tickSize, lotSize: i.lotSize })),
    portfolio: { baseCurrency: x.account.currency, cash: { [x.account.currency]: x.data.startingBalance } },
    venue: { id: conn.venueId, kind: 'live', environment: x.account.environment, exchange: conn.api.id, accountId: x.bookId, account: x.account.id, dryRun: conn.api.dryRun, risk: { limits: x.data.limits, profile: x.data.riskProfile, tradingState: x.data.tradingState, reason: x.data.stateReason } },
    priorFills: [],
    data: { feed: 'venue', venue: conn.venueId, restored: stored.map((o) => o.order.clientOrderId) },
  });
  ledger.catalog.putSession({ id: x.sessionId, kind: 'live', accountId: x.bookId, owner: x.account.id, strategyId: null, strategyVersion: null, status: 'running', startedAt: x.now(), endedAt: null, data: { environment: x.account.environment, venue: conn.venueId, dryRun: conn.api.dryRun } });
  // Take over what the last run left working, before any venue event can arrive.
  const restored: Order[] = [];
  session.batchRun(() => {
    for (const so of stored) {
      if (!session.parts.instruments.some((i) => i.symbol === so.order.symbol)) continue;
      restored.push(session.engine.adopt(so.order));
    }
  });
  venue.restore(restored, priorFills.map((f) => f.tradeId));
  const control = (late.control = new LiveControl({
    account: x.account, conn, venue, sync, session: () => session, book: x.book, saveBook: x.saveBook,
    setTradingState: x.setTradingState, emit: x.emit, log: x.log, now: x.now, dryRun: conn.api.dryRun,
    ...(x.checkMs !== undefined ? { checkMs: x.checkMs } : {}), ...(x.onDiscrepancy ? { onDiscrepancy: x.onDiscrepancy } : {}),
  }));
  session.start();
  control.start();
  marks?.start();
  return {
    session, control, ...(marks ? { marks } : {}),
    label: `${conn.api.id} ${x.account.environment}${conn.api.dryRun ? ' (dry-run)' : ''}`,
    stop() {
      marks?.stop();
      control.stop();
      session.stop();
    },
  };
}

/** The account's risk gate, refusing everything but the trader's reconciliation decisions while the live gate says so (not reconciled, not armed). */
class BlockingRiskGate extends AdjustableRiskGate {
  private readonly blocked: () => ReturnType<LiveControl['blocker']>;
  constructor(limits: PaperAccountData['limits'], profile: PaperAccountData['riskProfile'], blocked: () => ReturnType<LiveControl['blocker']>) {
    super(limits, profile);
    this.blocked = blocked;
  }

  override check(input: Parameters<AdjustableRiskGate['check']>[0]): ReturnType<AdjustableRiskGate['check']> {
    // The trader's own decision on the reconciliation screen (re-placing a lost stop) is how the gate gets
    // settled, so it cannot wait for the gate: it passes to the account's limits like any order.
    const why = input.source === 'reconcile' ? null : this.blocked();
    return why ? { ok: false, reasons: [why] } : super.check(input);
  }
}

/** The session's prints also reach the venue's emulated stops and take-profits (local-triggers.ts), first. */
function withLocalTriggers(feed: MarketData, venue: LiveVenue): MarketData {
  return {
    subscribe: (symbols, h) => feed.subscribe(symbols, {
      onTrade: (t) => {
        venue.onPrice(t.symbol, t.price);
        h.onTrade(t);
      },
      onCandle: (symbol, c) => h.onCandle(symbol, c),
      onQuote: (q) => h.onQuote(q),
      onBook: (u) => h.onBook(u),
    }),
  };
}
