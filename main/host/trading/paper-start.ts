/**
 * How a desk (desk.ts) starts and ends a paper session of its account's current book: on the synthetic demo
 * feed or on its venue's prints. Each start closes the orders an earlier session left open, composes the
 * session (compose.ts), records everything a re-run needs in its session-start event (main/host/audit/paper-rerun.ts)
 * and opens its catalog record; the stop records where the feed ended. The desk keeps the running session and
 * starts its feed; these are plain functions of what it hands them, so the order of ledger writes is the desk's.
 */
import { ENGINE_VERSION } from '../../core/engine/version.ts';
import { auditSessionStart, auditSessionStop, SessionAuditSink } from '../../core/audit/session.ts';
import { DEFAULT_DEMO_SYMBOLS } from '../../core/data/demo.ts';
import { defineInstrument, type Instrument } from '../../core/model/index.ts';
import type { SessionView } from '../../contract/trading.ts';
import type { AccountRecord } from '../../storage/index.ts';
import { PAPER_CURRENCY, type PaperAccountData } from './accounts.ts';
import { composePaperSession, composeVenuePaperSession, type FeedConfig, type PaperSession, type VenuePaperSession } from './compose.ts';
import { DemoFeed, FEED_DEFAULTS, type FeedSymbol } from './demo-feed.ts';
import type { DeskOptions, VenueMarket, VenuePrices } from './desk-options.ts';
import type { FundingSource } from './funding-feed.ts';
import { demoInstrumentSpecs, demoInstruments, venueInstrumentSpecs } from './instruments.ts';
import { perpetualParts } from './perp-desk.ts';
import type { SessionListener, TradingSession } from './session.ts';

/** What a desk hands a paper start: its options and clock, the book it starts, the ids and its listener. */
export interface PaperStart {
  readonly o: DeskOptions;
  readonly now: () => number;
  readonly record: AccountRecord;
  readonly data: PaperAccountData;
  readonly sessionId: string;
  readonly startTs: number;
  readonly listener: SessionListener;
}

/** The Demo account keeps the session ids earlier releases gave it; other accounts' ids name them. */
export function paperSessionId(accountId: string, startTs: number, n: number): string {
  const prefix = accountId === 'demo' ? 'paper' : `${accountId}:paper`;
  return `${prefix}-${startTs.toString(36)}-${n}`;
}

/** A paper session on the synthetic demo feed (not started: the desk starts it). */
export function composeDemoPaper(x: PaperStart, feedCfg: FeedConfig): PaperSession {
  const { o, now, record, data, sessionId, startTs } = x;
  const instruments = demoInstruments('paper', data);
  const ledger = o.ledger;
  closeStaleOrders(o, now, record.id);
  const audit = new SessionAuditSink(ledger.audit, { sessionId, kind: 'paper', account: o.account.id });
  const feedSymbols = demoFeedSymbols(o, instruments);
  const priorFills = ledger.ledger.fills(record.id);
  const paper = composePaperSession({
    sessionId, accountId: record.id, currency: PAPER_CURRENCY, account: data, instruments, feedSymbols,
    feed: feedCfg, startTs,
    // The paper venue lives in this process: intents commit with their batch (main/storage/README.md).
    store: ledger.ledger.storeFor({ accountId: record.id, sessionId }, { intents: 'batch' }),
    audit,
    batch: (fn) => ledger.ledger.batch(fn),
    priorFills,
    listener: x.listener,
    ...(o.now ? { now: o.now } : {}),
  });
  const f = feedCfg;
  // Everything a re-run needs (main/host/audit/paper-rerun.ts): the feed is deterministic given these, the
  // venue given its seed and instruments, the kernel given the account's earlier fills and the risk state.
  auditSessionStart(audit, now(), {
    instruments: demoInstrumentSpecs('paper', data),
    portfolio: { baseCurrency: PAPER_CURRENCY, cash: { [PAPER_CURRENCY]: data.startingBalance } },
    venue: { id: sessionId, kind: 'paper', latencyMs: 0, balances: 'strict', seed: f.seed, accountId: record.id, account: o.account.id, venueId: o.account.venue, risk: { limits: data.limits, profile: data.riskProfile, tradingState: data.tradingState, reason: data.stateReason } },
    priorFills: priorFills.filter((x) => instruments.some((i) => i.symbol === x.symbol)).map((x) => ({ ...x })),
    engine: ENGINE_VERSION,
    data: {
      feed: 'demo', seed: f.seed, startTs, tickMs: paper.feed.tickMs, cycleMs: f.cycleMs ?? FEED_DEFAULTS.cycleMs, swingBps: f.swingBps ?? FEED_DEFAULTS.swingBps, sweepMs: f.sweepMs ?? FEED_DEFAULTS.sweepMs,
      anchors: Object.fromEntries(feedSymbols.map((s) => [s.symbol, s.anchor])), symbols: feedSymbols, intervalMs: 60_000,
    },
  });
  ledger.catalog.putSession({ id: sessionId, kind: 'paper', accountId: record.id, owner: o.account.id, strategyId: null, strategyVersion: null, status: 'running', startedAt: now(), endedAt: null, data: { feed: 'demo', seed: f.seed, startTs } });
  return paper;
}

/** What a paper session on venue prices needs beyond a demo one: the markets, seed, funding and its session. */
export interface VenuePaperStart extends PaperStart {
  readonly vp: VenuePrices;
  readonly markets: readonly VenueMarket[];
  readonly seed: number;
  readonly fundingSource: FundingSource | undefined;
  /** The desk's running session (the perpetual parts mark and fund it once it runs). */
  readonly running: () => TradingSession | undefined;
}

/** A paper session on the account's venue prices: local matching against the venue's trade prints (not started). */
export function composeVenuePaper(x: VenuePaperStart): VenuePaperSession {
  const { o, now, record, data, sessionId, startTs, vp, seed } = x;
  const specs = venueInstrumentSpecs(x.markets, data);
  const instruments = specs.map(defineInstrument);
  const ledger = o.ledger;
  closeStaleOrders(o, now, record.id);
  const audit = new SessionAuditSink(ledger.audit, { sessionId, kind: 'paper', account: o.account.id });
  const priorFills = ledger.ledger.fills(record.id);
  const perp = perpetualParts(o.account, instruments, startTs, x.fundingSource, ledger, { accountId: record.id, sessionId }, priorFills, x.running, o.log, data.symbolMargin);
  const paper = composeVenuePaperSession({
    sessionId, accountId: record.id, currency: o.account.currency, account: data, instruments, seed, startTs,
    prints: vp, source: o.account.venue, ...perp.compose,
    store: ledger.ledger.storeFor({ accountId: record.id, sessionId }),
    audit,
    batch: (fn) => ledger.ledger.batch(fn),
    priorFills,
    listener: x.listener,
    onError: (symbol, err) => o.log.warn({ err: (err as Error)?.message ?? String(err), symbol, venue: o.account.venue }, 'no trade prints for a paper market'),
  });
  // A re-run (main/host/audit/paper-rerun.ts) replays the `prints` events this session records.
  auditSessionStart(audit, startTs, {
    instruments: specs,
    portfolio: { baseCurrency: o.account.currency, cash: { [o.account.currency]: data.startingBalance }, ...(perp.margin ? { leverage: perp.margin.leverage } : {}) },
    venue: { id: sessionId, kind: 'paper', latencyMs: 0, balances: 'strict', seed, accountId: record.id, account: o.account.id, venueId: o.account.venue, risk: { limits: data.limits, profile: data.riskProfile, tradingState: data.tradingState, reason: data.stateReason }, ...(perp.margin ? { margin: perp.margin, liquidateOn: perp.compose.marks ? 'mark' : 'prices' } : {}) },
    priorFills: priorFills.filter((x) => instruments.some((i) => i.symbol === x.symbol)).map((x) => ({ ...x })),
    engine: ENGINE_VERSION,
    ...(perp.priorFunding.length ? { priorFunding: perp.priorFunding.map((f) => ({ ...f })) } : {}),
    data: { feed: 'prints', venue: o.account.venue, startTs, symbols: specs.map((x) => x.symbol), intervalMs: 60_000 },
  });
  ledger.catalog.putSession({ id: sessionId, kind: 'paper', accountId: record.id, owner: o.account.id, strategyId: null, strategyVersion: null, status: 'running', startedAt: now(), endedAt: null, data: { feed: 'prints', venue: o.account.venue, startTs } });
  return paper;
}

/** A perpetual paper session's venue data for the account's status: how its marks arrive, and whose tiers margin it. */
export function paperPerpStatus(p: VenuePaperSession, markets: readonly VenueMarket[]): NonNullable<SessionView['perpetual']> {
  const tiers = [...new Set(markets.filter((m) => m.type === 'perp').map((m) => m.tiers ?? 'the venue\'s stated margin'))].join('; ');
  return { marks: p.marks?.describe() ?? 'none from the venue: liquidation on its trade prices', markPolls: p.marks?.pollCount ?? 0, tiers };
}

/** Records the end of a stopped paper session: audited, its catalog record closed (a failure is only logged). */
export function recordPaperStop(o: DeskOptions, now: () => number, p: PaperSession | VenuePaperSession, reason: string): void {
  const s = p.session;
  try {
    // lastPrintTs: where the feed stopped, so a re-run plays exactly the prints this session saw.
    const lastPrintTs = p.feed instanceof DemoFeed ? p.feed.nextTs - p.feed.tickMs : p.feed.lastTs;
    auditSessionStop(s.parts.audit, now(), { reason, summary: { openOrders: s.engine.openOrders().length, equity: s.account().equity, lastPrintTs } });
    const rec = o.ledger.catalog.session(s.parts.sessionId);
    if (rec) o.ledger.catalog.putSession({ ...rec, status: 'stopped', endedAt: now() });
  } catch (e) {
    o.log.warn({ err: e }, 'could not record the end of the trading session');
  }
}

/** Continue each demo symbol from its last stored close (so live prices join the stored history). */
function demoFeedSymbols(o: DeskOptions, instruments: readonly Instrument[]): FeedSymbol[] {
  return DEFAULT_DEMO_SYMBOLS.filter((d) => instruments.some((i) => i.symbol === d.symbol)).map((d) => {
    const inst = instruments.find((i) => i.symbol === d.symbol)!;
    return { symbol: d.symbol, anchor: lastStoredClose(o, d.symbol) ?? d.start, tickSize: inst.tickF, lotSize: inst.lotF, rho: d.rho, volScale: d.volScale, volumePerMinute: d.volume };
  });
}

function lastStoredClose(o: DeskOptions, symbol: string): number | undefined {
  const c = o.candles;
  if (!c) return undefined;
  try {
    const key = { source: o.candleSource, symbol, timeframe: '1m' };
    const last = c.lastTs(key);
    if (last === undefined) return undefined;
    const cols = c.range(key, last, last + 1);
    const v = cols.close[cols.close.length - 1];
    return v !== undefined && Number.isFinite(v) && v > 0 ? v : undefined;
  } catch (e) {
    o.log.warn({ err: e, symbol }, 'could not read the last demo candle; the feed starts from the demo start price');
    return undefined;
  }
}

/** Orders an earlier session left open cannot fill any more (the paper venue lived in that process). */
function closeStaleOrders(o: DeskOptions, now: () => number, accountId: string): void {
  const ledger = o.ledger.ledger;
  for (const so of ledger.openOrders()) {
    if (so.accountId !== accountId) continue;
    try {
      ledger.recordOrderUpdate({ accountId, sessionId: so.sessionId }, { ...so.order, state: 'canceled', reason: 'session_ended', updatedTs: now() });
    } catch (e) {
      o.log.warn({ err: e, clientOrderId: so.order.clientOrderId }, 'could not close a stale paper order');
    }
  }
}
