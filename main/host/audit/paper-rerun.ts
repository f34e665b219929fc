/**
 * Re-run of a recorded PAPER session: the session is enacted again on a fresh kernel, the same way it ran.
 *
 * - The market: a session on a venue's live prices replays the prints it recorded (`prints` events, each
 *   where the session wrote it: before every command, so each command sees exactly the prints it saw then);
 *   a demo-feed session re-creates the demo feed from the recorded seed, start and shape (`session-start` data),
 *   played into a TradingSession built like compose.ts builds one (paper venue with the recorded id and
 *   seed, the recorded risk limits and trading state, the account's earlier fills), on a simulated clock.
 * - What the trader and the app did, re-done at the recorded moments: ticket orders (from their risk
 *   verdicts' requests), cancels of those orders, risk-limit and risk-profile changes, the correlation/VaR
 *   window seeded from stored candles (config-change `risk-window`), trading-state changes and the kill
 *   switch, a perpetual's leverage / margin mode (config-change `margin`), and paper strategy runs started /
 *   stopped / reloaded (config-change `paper-strategy`), through
 *   the same PaperStrategies code the app runs them with, each version looked up by its content hash.
 *
 * Why the moments are exact: every command first catches the feed up to now, so when a command was
 * audited at time T, every print up to T had been delivered and none after it; pumping the re-created
 * feed to T before re-doing the command restores that order. Client order ids are deterministic per
 * session, so re-done cancels address the same orders.
 *
 * Brackets placed from the ticket are re-placed as brackets (rebuilt from the entry and its two held exits),
 * OCOs as OCOs (their legs' verdicts).
 * Amends of the trader's orders are re-done at their moments. The app offers no OCO command, so a paper
 * session cannot contain one from the trader.
 */
import { canonicalJson } from '../../core/audit/canonical.ts';
import { fillFrom, type RecordedEvent } from '../../core/audit/replay.ts';
import { compareSessions, sessionConfig, type RerunReport } from '../../core/audit/rerun.ts';
import { ENGINE_VERSION } from '../../core/engine/version.ts';
import { auditSessionStart, auditSessionStop, SessionAuditSink } from '../../core/audit/session.ts';
import { SimClock } from '../../core/engine/clock.ts';
import { parseRiskProfile } from '../../core/risk/profile.ts';
import { seedFromRecord } from '../../core/risk/seed.ts';
import { ValidationError } from '../../core/errors.ts';
import { defineInstrument, type BracketRequest, type OrderRequest } from '../../core/model/index.ts';
import { MemoryAuditSink, MemoryStore, type OrderAmend } from '../../core/ports.ts';
import type { RiskLimitsView, TradingState } from '../../contract/trading.ts';
import { PaperVenue } from '../../venues/paper/paper-venue.ts';
import { liquidationHook } from '../../core/margin/account.ts';
import { positionBefore } from '../../core/margin/funding.ts';
import type { MarginMode } from '../../core/margin/margin.ts';
import type { FundingEvent } from '../../core/portfolio/portfolio.ts';
import type { HostContext } from '../context.ts';
import { DemoFeed, type FeedSymbol } from '../trading/demo-feed.ts';
import { PrintFeed, type RecordedPrint } from '../trading/print-feed.ts';
import { recordedGate } from '../trading/risk.ts';
import { TradingSession, type SessionListener } from '../trading/session.ts';
import { markToVenue } from '../trading/compose.ts';
import { PaperStrategies, type PaperTimeframe, type StrategySource } from '../trading/strategies.ts';

type P = Record<string, unknown>;

/** A funding event as audited ({symbol, ts, rate: atto-units as decimal text, markPrice: ticks}); bad data is refused. */
function fundingFrom(x: P): FundingEvent {
  const ts = num(x.ts);
  const mark = num(x.markPrice);
  if (typeof x.symbol !== 'string' || ts === undefined || mark === undefined || (typeof x.rate !== 'string' && typeof x.rate !== 'bigint')) throw new ValidationError('a recorded funding event is malformed: the session cannot be re-run');
  return { symbol: x.symbol, ts, rate: BigInt(x.rate), markPrice: mark };
}
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const MANUAL = new Set(['ticket', 'hotkey', 'webhook']);

const quiet: SessionListener = { orders() {}, fill() {}, portfolioChanged() {}, ticks() {}, candle() {}, tradingState() {} };

/**
 * The bracket a ticket verdict at `k` placed, rebuilt from what followed it: the entry created in a
 * `bracket` group, and its two held exits (take-profit limit; stop-loss stop-market or stop-limit).
 * Undefined when the verdict placed a plain order.
 */
function bracketOf(events: readonly RecordedEvent[], k: number, entry: OrderRequest): BracketRequest | undefined {
  let entryId: string | undefined;
  let tp: P | undefined;
  let sl: P | undefined;
  for (let j = k + 1; j < events.length && j <= k + 8; j++) {
    const x = events[j]!;
    if (x.type === 'risk-verdict') break;
    const q = x.payload as P;
    if (x.type !== 'order' || q.event !== 'created') continue;
    const o = q.order as P;
    if (entryId === undefined) {
      if (o.groupKind !== 'bracket' || o.parentId !== undefined) return undefined;
      entryId = String(o.clientOrderId);
    } else if (o.parentId === entryId && o.type === 'limit') tp = o;
    else if (o.parentId === entryId) sl = o;
    if (tp && sl) break;
  }
  if (!tp || !sl || num(tp.price) === undefined || num(sl.triggerPrice) === undefined) return undefined;
  return { entry, takeProfit: num(tp.price)!, stopLoss: num(sl.triggerPrice)!, ...(sl.type === 'stop-limit' && num(sl.price) !== undefined ? { stopLimit: num(sl.price)! } : {}) };
}

/**
 * The legs of an OCO whose first verdict is at `k`: the kernel gates every leg before placing any, so an
 * OCO shows as consecutive ticket verdicts (the first passing) with no order created between them. A plain
 * order's passing verdict is followed by its order at once. Undefined when `k` starts no such run.
 */
function ocoOf(events: readonly RecordedEvent[], k: number): OrderRequest[] | undefined {
  const first = events[k]!.payload as P;
  if (first.ok !== true) return undefined;
  const legs: OrderRequest[] = [first.request as OrderRequest];
  for (let j = k + 1; j < events.length; j++) {
    const x = events[j]!;
    if (x.type !== 'risk-verdict' || !MANUAL.has(String((x.payload as P).source))) break;
    legs.push((x.payload as P).request as OrderRequest);
  }
  return legs.length >= 2 ? legs : undefined;
}

/** The kind of the first order event after event `k` (what a verdict led to). */
function nextOrderEvent(events: readonly RecordedEvent[], k: number): string | undefined {
  for (let j = k + 1; j < events.length; j++) {
    const x = events[j]!;
    if (x.type === 'risk-verdict') return undefined;
    if (x.type === 'order') return String((x.payload as P).event);
  }
  return undefined;
}

/** True when the recorded session ran on the demo feed (what this module can re-create). */
export function isPaperSession(events: readonly RecordedEvent[]): boolean {
  const start = events.find((e) => e.type === 'session-start');
  const feed = (start?.payload as { config?: { data?: P } } | undefined)?.config?.data?.feed ?? null;
  return feed === 'demo' || feed === 'prints';
}

/**
 * The strategy catalog for a re-run: versions by number, each checked against the content hash the
 * session recorded (a version number that now names other source must not be re-run as if it were the same).
 */
export function hashCheckedCatalog(catalog: StrategySource, hashes: ReadonlyMap<string, string>): StrategySource {
  const check = (id: string, version: number | undefined) => {
    const s = catalog.get(id, version);
    const want = hashes.get(`${id}@${s.version.version}`);
    if (want !== undefined && want !== s.version.hash) throw new ValidationError(`strategy ${id} version ${s.version.version} is not available for a re-run: its source changed (hash ${s.version.hash.slice(0, 12)}…, recorded ${want.slice(0, 12)}…)`);
    return s;
  };
  return {
    get: (id, version) => check(id, version),
    strategyFor: (id, version, params) => (check(id, version), catalog.strategyFor(id, version, params)),
    reloadable: (id, version, params) => (check(id, version), catalog.reloadable(id, version, params)),
  };
}

export function rerunPaperSession(ctx: Pick<HostContext, 'log'>, recorded: readonly RecordedEvent[], catalog: () => StrategySource): RerunReport {
  const cfg = sessionConfig(recorded);
  const data = (cfg.data ?? {}) as P;
  const startTs = num(data.startTs);
  const onPrints = data.feed === 'prints';
  const seed = onPrints ? num(cfg.venue.seed) : num(data.seed);
  if ((data.feed !== 'demo' && !onPrints) || startTs === undefined || seed === undefined || !Array.isArray(data.symbols)) {
    throw new ValidationError('the recorded paper session does not say how its demo feed was shaped (recorded before re-runs were supported): it cannot be re-run');
  }
  const first = recorded.find((e) => e.type === 'session-start')!;
  const stop = recorded.find((e) => e.type === 'session-stop');
  const sessionId = first.session ?? 'rerun';
  const until = num((stop?.payload as { summary?: P } | undefined)?.summary?.lastPrintTs) ?? recorded[recorded.length - 1]!.ts;

  const instruments = cfg.instruments.map((s) => defineInstrument(s));
  let upTo = startTs;
  // A session on a venue's prices replays the prints it recorded (its `prints` events, where they are in the
  // log); a demo-feed session re-creates its feed from seed, start and shape.
  const margin = cfg.venue.margin as { mode?: MarginMode; modes?: Record<string, MarginMode> } | undefined;
  const onMark = margin && cfg.venue.liquidateOn === 'mark';
  const feed = onPrints ? new PrintFeed({ startTs, ...(onMark ? { onMark: markToVenue(() => box.session) } : {}) }) : new DemoFeed({
    symbols: data.symbols as FeedSymbol[], seed, startTs, now: () => upTo,
    ...(num(data.tickMs) !== undefined ? { tickMs: num(data.tickMs)! } : {}),
    ...(num(data.cycleMs) !== undefined ? { cycleMs: num(data.cycleMs)! } : {}),
    ...(num(data.swingBps) !== undefined ? { swingBps: num(data.swingBps)! } : {}),
    ...(num(data.sweepMs) !== undefined ? { sweepMs: num(data.sweepMs)! } : {}),
  });
  const clock = new SimClock(startTs);
  // Sessions recorded with strict spot balances re-run with them (the venue reads the re-run's own portfolio).
  const strict = cfg.venue.balances === 'strict';
  const box: { session?: TradingSession } = {};
  // A perpetual account's margin: the venue liquidates as it did (the same hook over the re-run's portfolio).
  const mode: MarginMode = margin?.mode === 'cross' ? 'cross' : 'isolated';
  const venue = new PaperVenue({
    id: cfg.venue.id, instruments, clock, seed: num(cfg.venue.seed) ?? seed, latencyMs: num(cfg.venue.latencyMs) ?? 0,
    ...(strict ? { funds: (ccy: string) => box.session!.engine.portfolio.cash(ccy), holdings: (symbol: string) => box.session!.engine.portfolio.positionQty(symbol) } : {}),
    ...(margin ? { liquidation: (symbol: string) => liquidationHook(box.session!.engine.portfolio, (sym) => box.session!.marginModeOf(sym))(symbol), liquidateOnMark: onMark === true } : {}),
  });
  const risk = (cfg.venue.risk ?? {}) as { limits?: RiskLimitsView; profile?: unknown; tradingState?: TradingState; reason?: string };
  const mem = new MemoryAuditSink();
  const audit = new SessionAuditSink(mem, { sessionId, kind: 'paper' });
  const ccy = cfg.portfolio.baseCurrency;
  const dueFunding: FundingEvent[] = [];
  const bookFunding = (now: number) => {
    while (dueFunding.length && dueFunding[0]!.ts <= now) {
      const f = dueFunding.shift()!;
      box.session!.engine.applyFunding(f, positionBefore(box.session!.engine.portfolio, f.symbol, f.ts));
    }
  };
  const session = (box.session = new TradingSession(
    {
      sessionId, accountId: String(cfg.venue.accountId ?? 'rerun'), mode: 'paper', instruments, demoSymbols: new Set(onPrints ? [] : (data.symbols as FeedSymbol[]).map((s) => s.symbol)),
      venue, marketData: feed, clock, store: new MemoryStore(), audit, risk: recordedGate(risk),
      portfolio: cfg.portfolio, startingBalance: cfg.portfolio.cash[ccy] ?? '0',
      priorFills: (cfg.priorFills ?? []).map((f) => fillFrom(f as P)),
      ...(cfg.priorFunding ? { priorFunding: cfg.priorFunding.map((f) => fundingFrom(f as P)) } : {}),
      ...(margin ? { marginMode: mode, ...(margin.modes ? { marginModes: margin.modes } : {}), afterMarket: () => bookFunding(clock.now()) } : {}),
      ...(risk.tradingState ? { tradingState: { state: risk.tradingState, reason: risk.reason ?? 'recorded' } } : {}),
    },
    quiet,
  ));
  auditSessionStart(audit, first.ts, { ...cfg, engine: ENGINE_VERSION });
  const hashes = new Map<string, string>();
  for (const e of recorded) {
    const to = (e.payload as P).to as P | undefined;
    if (e.type === 'config-change' && (e.payload as P).what === 'paper-strategy' && to && typeof to.version === 'string') hashes.set(`${String(to.strategyId)}@${String(to.versionNo)}`, to.version);
  }
  const strategies = new PaperStrategies({ session: () => session, catalog: () => hashCheckedCatalog(catalog(), hashes), emit: () => {}, log: ctx.log });
  session.start();

  const runIds = new Map<string, string>();
  const manual = new Set<string>();
  let awaitingCreate = false;
  let skipKill = false;
  const at = (ts: number) => {
    upTo = Math.max(upTo, Math.min(ts, until));
    if (feed instanceof DemoFeed) session.marketBatch(() => void feed.pump());
  };
  const events = recorded.filter((e) => e.session === undefined || e.session === sessionId);
  for (let k = 0; k < events.length; k++) {
    const e = events[k]!;
    const p = e.payload as P;
    if (e.type === 'session-stop') break;
    switch (e.type) {
      case 'prints':
        if (feed instanceof PrintFeed && Array.isArray(p.prints)) feed.replay(p.prints as RecordedPrint[], (fn) => session.marketBatch(fn));
        break;
      case 'risk-verdict': {
        // A bracket exit passes the gate again when the entry fills: the kernel re-does that release itself. An
        // amend's verdict is re-done with the amend (its pending-amend event, below).
        // A ticket refused at preview placed nothing: there is nothing to re-do.
        if (p.stage === 'preview') break;
        const next = nextOrderEvent(events, k);
        if (!MANUAL.has(String(p.source)) || next === 'released' || next === 'pending-amend') break;
        at(e.ts);
        awaitingCreate = p.ok === true;
        const oco = ocoOf(events, k);
        const bracket = p.ok === true && !oco ? bracketOf(events, k, p.request as OrderRequest) : undefined;
        try {
          if (oco) {
            k += oco.length - 1; // its other legs' verdicts are re-done by submitOco
            awaitingCreate = false;
            for (const o of session.engine.submitOco(oco, p.source as 'ticket')) manual.add(o.clientOrderId);
          } else if (bracket) {
            for (const o of session.engine.submitBracket(bracket, p.source as 'ticket')) manual.add(o.clientOrderId);
            awaitingCreate = false;
          } else session.engine.submit(p.request as OrderRequest, p.source as 'ticket');
        } catch {
          // a refusal is what the recording shows too (its verdict); the compare reports any difference
        }
        break;
      }
      case 'order': {
        const o = p.order as P;
        const id = String(o.clientOrderId);
        if (p.event === 'created' && awaitingCreate) {
          manual.add(id);
          awaitingCreate = false;
        } else if (p.event === 'pending-amend' && manual.has(id)) {
          at(e.ts);
          try {
            session.engine.amend(id, p.change as OrderAmend, 'ticket');
          } catch {
            // refused now as then, or not: the compare reports any difference
          }
        } else if (p.event === 'pending-cancel' && manual.has(id) && !skipKill) {
          at(e.ts);
          const live = session.engine.order(id);
          if (live && live.state !== 'pending-cancel' && !['filled', 'canceled', 'rejected', 'expired'].includes(live.state)) session.engine.cancel(id);
        }
        break;
      }
      case 'trading-state': {
        at(e.ts);
        const to = String(p.to) as TradingState;
        // The kill switch: halt, cancel everything, then its override — re-done as one command.
        // The kill switch's own flatten orders (system risk verdicts) come between the halt and its override.
        const kill = events.slice(k + 1).find((x) => x.type !== 'order' && x.type !== 'fill' && !(x.type === 'risk-verdict' && (x.payload as P).source === 'system'));
        if (to === 'halted' && kill?.type === 'override' && (kill.payload as P).action === 'kill-switch') {
          // Recorded before the kill switch flattened: no `flatten` list in its details.
          const flatten = Array.isArray(((kill.payload as P).details as P | undefined)?.flatten);
          session.killSwitch(String(p.reason ?? ''), String((kill.payload as P).by ?? 'rerun'), flatten);
          skipKill = true;
        } else if (session.engine.tradingState !== to) session.engine.setTradingState(to, String(p.reason ?? ''));
        break;
      }
      case 'override':
        if ((p.action as string) === 'kill-switch') skipKill = false;
        break;
      case 'funding': {
        // The venue's funding record as the session booked it (the recording is the venue's data now), booked
        // once the replayed market has reached its time (the session booked it in a batch whose prints are
        // recorded after it); the position it is paid on is the re-run's own, and the compare checks it.
        if (!e.symbol || !instruments.some((i) => i.symbol === e.symbol)) break;
        dueFunding.push(fundingFrom({ symbol: e.symbol, ts: e.ts, rate: p.rate, markPrice: p.markPrice }));
        session.marketBatch(() => {});
        break;
      }
      case 'config-change': {
        const to = p.to as P | null;
        if (p.what === 'risk-limits' && to) {
          at(e.ts);
          session.setLimits(to as unknown as RiskLimitsView, String(p.by ?? 'rerun'));
        } else if (p.what === 'risk-profile' && to) {
          at(e.ts);
          session.setRiskProfile(parseRiskProfile(to));
        } else if (p.what === 'margin' && to && e.symbol) {
          // A perpetual's leverage / margin mode changed mid-session: the same change, at the same point.
          at(e.ts);
          session.setMargin(e.symbol, { mode: to.mode as MarginMode, leverage: num(to.leverage) }, String(p.by ?? 'rerun'));
        } else if (p.what === 'risk-window' && to) {
          at(e.ts);
          const w = to as { symbols: string[]; closes: number[][]; cross: number[] };
          session.parts.risk.core.stats?.seed(seedFromRecord(w.symbols, w.closes.map((c) => Float64Array.from(c)), Float64Array.from(w.cross)));
        } else if (p.what === 'paper-strategy' && to) {
          at(e.ts);
          const by = String(p.by ?? 'rerun');
          if (to.action === 'start') {
            const v = strategies.startNow({ strategyId: String(to.strategyId), version: num(to.versionNo), symbol: String(to.symbol), timeframe: String(to.timeframe) as PaperTimeframe, params: (to.params ?? {}) as Record<string, number> }, by);
            runIds.set(String(to.runId), v.runId);
          } else {
            const run = runIds.get(String(to.runId));
            if (!run) break;
            if (to.state === 'stopped') strategies.stop(run, by, String(to.reason ?? 'requested'));
            else if (to.action === 'rollback') strategies.reloadNow(run, by, { rollback: true });
            else if (to.action === 'reload') strategies.reloadNow(run, by, { version: num(to.versionNo) });
          }
        }
        break;
      }
      default:
        break;
    }
  }
  at(until);
  bookFunding(Infinity);
  session.stop();
  strategies.close(); // their sandbox processes
  auditSessionStop(audit, stop?.ts ?? until, { reason: 'rerun' });
  // Compare in the stored form (canonical JSON: bigints as decimal strings, undefined dropped).
  return compareSessions(events, mem.events.map((x) => JSON.parse(canonicalJson(x)) as RecordedEvent));
}
