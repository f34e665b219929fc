/**
 * Composition roots of a trading session. Paper and live are the SAME TradingSession (the same kernel,
 * risk gate, store and audit sink); only the venue, the market data and the clock differ:
 *
 *   paper  venue = PaperVenue (main/venues/paper)      market data = the account's venue's trade prints
 *          (PrintFeed over the host's market streams; `composeVenuePaperSession`), or the synthetic DemoFeed
 *          (`composePaperSession`: hosts without market streams, offline tests)
 *          clock = SimClock advanced by the prints, so a session is reproducible from its recorded prints
 *          (or, on the demo feed, from seed + start)
 *   live   venue = LiveVenue (main/venues/live, over ccxt)   market data = the venue's trade stream
 *          clock = WallClock   (live-session.ts adds restart take-over and the reconciliation gate)
 *
 * `composeLiveSession` accepts any Venue + MarketData pair (tests plug the paper venue in as a stand-in).
 */
import type { ProtectiveLostPolicy } from '../../core/execution/protection.ts';
import { SimClock, WallClock } from '../../core/engine/clock.ts';
import { floatToTicks, type Fill, type Instrument } from '../../core/model/index.ts';
import type { AuditSink, MarketData, Store, Venue } from '../../core/ports.ts';
import { PrintFeed, type TradePrints } from './print-feed.ts';
import { PaperVenue } from '../../venues/paper/paper-venue.ts';
import type { PaperAccountData } from './accounts.ts';
import { DemoFeed, type FeedSymbol } from './demo-feed.ts';
import { AdjustableRiskGate } from './risk.ts';
import { TradingSession, type SessionListener } from './session.ts';
import { fundingAfterMarket, type FundingFeed } from './funding-feed.ts';
import { MarkFeed, type MarkFeedOptions } from './mark-feed.ts';
import { liquidationHook } from '../../core/margin/account.ts';
import type { BookedFunding } from '../../core/margin/funding.ts';
import type { MarginMode } from '../../core/margin/margin.ts';
import type { FundingEvent } from '../../core/portfolio/portfolio.ts';

export interface FeedConfig {
  readonly seed: number;
  readonly tickMs?: number;
  readonly cycleMs?: number;
  readonly swingBps?: number;
  readonly sweepMs?: number;
}

export interface PaperSessionInput {
  readonly sessionId: string;
  readonly accountId: string;
  readonly currency: string;
  readonly account: PaperAccountData;
  readonly instruments: readonly Instrument[];
  readonly feedSymbols: readonly FeedSymbol[];
  readonly feed: FeedConfig;
  /** Time of the feed's first print (ms). */
  readonly startTs: number;
  readonly store: Store;
  readonly audit: AuditSink;
  readonly batch?: <T>(fn: () => T) => T;
  readonly priorFills?: readonly Fill[];
  readonly listener: SessionListener;
  /** Wall clock for the feed (tests inject one). */
  readonly now?: () => number;
}

export interface PaperSession {
  readonly session: TradingSession;
  readonly feed: DemoFeed;
  /** Subscribes the session and starts the feed's timer. */
  start(): void;
  stop(): void;
}

export function composePaperSession(x: PaperSessionInput): PaperSession {
  const feed = new DemoFeed({
    symbols: x.feedSymbols, seed: x.feed.seed, startTs: x.startTs,
    ...(x.feed.tickMs !== undefined ? { tickMs: x.feed.tickMs } : {}),
    ...(x.feed.cycleMs !== undefined ? { cycleMs: x.feed.cycleMs } : {}),
    ...(x.feed.swingBps !== undefined ? { swingBps: x.feed.swingBps } : {}),
    ...(x.feed.sweepMs !== undefined ? { sweepMs: x.feed.sweepMs } : {}),
    ...(x.now ? { now: x.now } : {}),
  });
  const session = paperSession(x, feed, new Set(x.feedSymbols.map((s) => s.symbol)), () => void feed.pump());
  return {
    session,
    feed,
    start() {
      session.start();
      // Print tick 0 now, so prices are known before the first timer fires.
      session.marketBatch(() => void feed.pump());
      feed.start((pump) => session.marketBatch(pump));
    },
    stop() {
      feed.stop();
      session.stop();
    },
  };
}

/** A paper session on a venue's live prices: its trade prints (print-feed.ts), recorded into the session's audit stream. */
export interface VenuePaperSessionInput extends Omit<PaperSessionInput, 'feedSymbols' | 'feed' | 'now'> {
  readonly seed: number;
  readonly prints: TradePrints;
  /** The venue's id: the source of the session's candles (what the chart of that venue shows). */
  readonly source: string;
  readonly onError?: (symbol: string, error: unknown) => void;
  /** How often the prints seen so far are written to the audit stream besides before each command (ms). */
  readonly recordMs?: number;
  /** Perpetuals: margin mode and leverage per symbol (the venue liquidates at the position's liquidation price). */
  readonly margin?: PaperMargin;
  /** Perpetuals: the venue's funding, booked in the market batches; `booked` sees each payment (the ledger row). */
  readonly funding?: { readonly feed: FundingFeed; readonly booked: (b: BookedFunding) => void };
  /** Funding booked by earlier sessions of the account. */
  readonly priorFunding?: readonly FundingEvent[];
  /** Perpetuals: the venue's mark price (its stream, else premiumIndex polled); given, positions are liquidated on it alone (mark-feed.ts). */
  readonly marks?: Pick<MarkFeedOptions, 'mark' | 'watch' | 'everyMs' | 'onError'>;
}

/** A perpetual paper account's margin: mode (the account's, and per symbol where the trader set another) and leverage per symbol. */
export interface PaperMargin {
  readonly mode: MarginMode;
  readonly modes?: Readonly<Record<string, MarginMode>>;
  readonly leverage: Readonly<Record<string, number>>;
}

export interface VenuePaperSession {
  readonly session: TradingSession;
  readonly feed: PrintFeed;
  /** Perpetuals: the venue's marks (stream or polls: the account's status says which). */
  readonly marks?: MarkFeed;
  start(): void;
  stop(): void;
}

export function composeVenuePaperSession(x: VenuePaperSessionInput): VenuePaperSession {
  const box: { session?: TradingSession } = {};
  const onMark = x.margin && x.marks ? markToVenue(() => box.session) : undefined;
  const feed = new PrintFeed({ startTs: x.startTs, source: x.prints, deliver: (fn) => box.session?.marketBatch(fn), ...(x.onError ? { onError: x.onError } : {}), ...(onMark ? { onMark } : {}) });
  // Before every command (catchUp) the prints seen so far go to the audit stream, so the log orders each
  // command after exactly the prints the session had seen: what makes a re-run exact.
  const record = () => {
    const prints = feed.drain();
    if (prints.length) x.audit.append({ type: 'prints', ts: feed.lastTs, payload: { prints } });
  };
  const funding = x.funding;
  const hooks = {
    ...(x.margin ? { margin: x.margin } : {}),
    ...(funding ? { afterMarket: fundingAfterMarket(funding.feed, () => box.session, funding.booked) } : {}),
    ...(x.priorFunding ? { priorFunding: x.priorFunding } : {}),
    ...(onMark ? { liquidateOnMark: true } : {}),
  };
  const session = (box.session = paperSession({ ...x, feed: { seed: x.seed } }, feed, new Set(), record, x.source, hooks));
  const marks = onMark && x.marks ? new MarkFeed({
    symbols: x.instruments.filter((i) => i.kind === 'perpetual').map((i) => i.symbol), mark: x.marks.mark,
    held: (symbol) => session.engine.portfolio.positionQty(symbol) !== 0,
    deliver: (symbol, price) => session.marketBatch(() => feed.mark(symbol, session.parts.clock.now(), price)),
    ...(x.marks.watch ? { watch: x.marks.watch } : {}),
    ...(x.marks.everyMs !== undefined ? { everyMs: x.marks.everyMs } : {}), ...(x.marks.onError ? { onError: x.marks.onError } : {}),
  }) : undefined;
  // A fill that opens a position opens its mark stream at once (a flat one closes it), not at the next check.
  if (marks) session.engine.bus.on('fill', () => queueMicrotask(() => marks.sync()));
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    session,
    feed,
    ...(marks ? { marks } : {}),
    start() {
      session.start();
      timer = setInterval(() => session.marketBatch(record), x.recordMs ?? 1_000);
      timer.unref?.();
      marks?.start();
    },
    stop() {
      clearInterval(timer);
      marks?.stop();
      session.stop();
      (x.batch ?? ((fn) => fn()))(record);
    },
  };
}

/** A mark price (PrintFeed `onMark`): the portfolio's P&L mark of the perpetual, then the paper venue's liquidation check (in ticks). */
export function markToVenue(session: () => TradingSession | undefined): (symbol: string, ts: number, price: number) => void {
  return (symbol, ts, price) => {
    const s = session();
    const venue = s?.parts.venue;
    const inst = s?.parts.instruments.find((i) => i.symbol === symbol);
    if (!s || !inst) return;
    // P&L and the cross-margin collateral are valued at the mark before the venue checks liquidations on it.
    s.engine.portfolio.markVenue(symbol, price);
    if (venue instanceof PaperVenue) venue.onMark(symbol, floatToTicks(inst, price), ts);
  };
}

/** The paper venue and the session around it, whatever the market data. */
function paperSession(
  x: Omit<PaperSessionInput, 'feedSymbols' | 'now'>, marketData: MarketData, demoSymbols: ReadonlySet<string>, catchUp: () => void, source?: string,
  perp: { readonly margin?: PaperMargin; readonly afterMarket?: () => void; readonly priorFunding?: readonly FundingEvent[]; readonly liquidateOnMark?: boolean } = {},
): TradingSession {
  const clock = new SimClock(x.startTs);
  // Paper trade ids carry the session id (the kernel hands it to the venue), so (venue, tradeId) is unique
  // across every session writing to the same ledger; the venue id stays the session id, as ledgers hold it.
  // Spot buys limited to the account's cash at the fill, as in backtests (paper-venue.ts, "Spot funds").
  const built: { session?: TradingSession } = {};
  // Strict spot balances (FILLS.md, "Balances"): free vs reserved per asset, no sale of what is not held.
  const venue = new PaperVenue({
    id: x.sessionId, instruments: x.instruments, clock, seed: x.feed.seed, latencyMs: 0,
    funds: (ccy) => built.session!.engine.portfolio.cash(ccy), holdings: (symbol) => built.session!.engine.portfolio.positionQty(symbol),
    ...(perp.margin ? { liquidation: (symbol: string) => liquidationHook(built.session!.engine.portfolio, (sym) => built.session!.marginModeOf(sym))(symbol), liquidateOnMark: perp.liquidateOnMark === true } : {}),
  });
  return (built.session = new TradingSession(
    {
      sessionId: x.sessionId, accountId: x.accountId, mode: 'paper', instruments: x.instruments,
      demoSymbols, venue, marketData, clock, ...(source ? { source } : {}),
      store: x.store, audit: x.audit, risk: new AdjustableRiskGate(x.account.limits, x.account.riskProfile),
      portfolio: { baseCurrency: x.currency, cash: { [x.currency]: x.account.startingBalance }, ...(perp.margin ? { leverage: perp.margin.leverage } : {}) },
      startingBalance: x.account.startingBalance,
      ...(x.batch ? { batch: x.batch } : {}),
      catchUp,
      ...(perp.margin ? { marginMode: perp.margin.mode, ...(perp.margin.modes ? { marginModes: perp.margin.modes } : {}) } : {}),
      ...(perp.afterMarket ? { afterMarket: perp.afterMarket } : {}),
      ...(perp.priorFunding ? { priorFunding: perp.priorFunding } : {}),
      ...(x.priorFills ? { priorFills: x.priorFills } : {}),
      tradingState: { state: x.account.tradingState, reason: x.account.stateReason },
    },
    x.listener,
  ));
}

export interface LiveSessionInput {
  readonly sessionId: string;
  readonly accountId: string;
  readonly currency: string;
  readonly startingBalance: string;
  readonly instruments: readonly Instrument[];
  readonly venue: Venue;
  readonly marketData: MarketData;
  readonly store: Store;
  readonly audit: AuditSink;
  readonly risk: AdjustableRiskGate;
  readonly batch?: <T>(fn: () => T) => T;
  readonly listener: SessionListener;
  /** Fills the account booked in earlier sessions: the portfolio continues from them. */
  readonly priorFills?: readonly Fill[];
  readonly tradingState?: { readonly state: PaperAccountData['tradingState']; readonly reason: string };
  readonly protectiveLost?: ProtectiveLostPolicy;
  /** Perpetuals: mode and leverage per symbol as the venue holds them (live-perp.ts); the venue liquidates, not the session. */
  readonly margin?: PaperMargin;
}

/** A live session: an exchange venue and its stream around the same kernel. Start it with `session.start()`. */
export function composeLiveSession(x: LiveSessionInput): TradingSession {
  return new TradingSession(
    {
      sessionId: x.sessionId, accountId: x.accountId, mode: 'live', instruments: x.instruments, demoSymbols: new Set(),
      venue: x.venue, marketData: x.marketData, clock: new WallClock(), store: x.store, audit: x.audit, risk: x.risk,
      portfolio: { baseCurrency: x.currency, cash: { [x.currency]: x.startingBalance }, ...(x.margin ? { leverage: x.margin.leverage } : {}) },
      startingBalance: x.startingBalance,
      ...(x.batch ? { batch: x.batch } : {}),
      ...(x.priorFills ? { priorFills: x.priorFills } : {}),
      ...(x.tradingState ? { tradingState: x.tradingState } : {}),
      ...(x.margin ? { marginMode: x.margin.mode, ...(x.margin.modes ? { marginModes: x.margin.modes } : {}) } : {}),
      ...(x.protectiveLost ? { protectiveLost: x.protectiveLost } : {}),
    },
    x.listener,
  );
}
