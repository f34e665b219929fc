/**
 * Market replay: a paper session on stored candles instead of the live stream. It is the same TradingSession
 * (kernel, risk gate, paper venue, ticket parsing) as a paper account's, composed with:
 *   market data  ReplayFeed — one or more symbols' stored bars, delivered only when the driver advances
 *   clock        SimClock moved by the bars (the kernel's candle step), so the session lives in the past
 *   store/audit  in memory: a replay has its own fresh account at its own starting balance, and nothing it
 *                does reaches the trader's paper account or ledger
 *
 * Fills: only closed bars reach the paper venue, so it uses its candle fallback (FILLS.md): a market order
 * fills at the next bar's open, a resting limit or stop fills when the bar's path (open → nearer extreme →
 * farther extreme → close) reaches it. That is the backtester's model, step for step: a replay at max speed
 * with a strategy and no manual orders gives the backtest's trades (test/unit/trading/replay.test.ts).
 *
 * Driving: `tick(wallMs)` delivers the bars due at the replay speed (speed × wall time since the last play,
 * speed `max`: as fast as possible, a bounded chunk per tick so the host stays responsive); pause stops it,
 * `step` delivers one bar, `seek(ts)` jumps to the bar closed at ts. Seeking backward rebuilds the session
 * from the range start and replays it up to the target with the trader's commands re-applied at the bar they
 * were given (those given at or after the target are dropped): the same bars, strategy and commands give the
 * same orders, ids and fills, so going back is exact, not an approximation.
 */
import type { FillView, OrderView, PriceTick, TicketRequest, TradingState } from '../../contract/trading.ts';
import type { EquityHistoryView, EquitySampleView } from '../../contract/equity.ts';
import { accountFigures } from '../../core/portfolio/attribution.ts';
import type { AmendRequest } from './amend.ts';
import { SimClock } from '../../core/engine/clock.ts';
import type { Strategy } from '../../core/engine/strategy.ts';
import { KestrelError, ValidationError } from '../../core/errors.ts';
import { ticksToPrice, type Candle, type CandleColumns, type Instrument } from '../../core/model/index.ts';
import { MemoryAuditSink, MemoryStore } from '../../core/ports.ts';
import { release } from '../../core/strategy/code.ts';
import { PaperVenue } from '../../venues/paper/paper-venue.ts';
import { REPLAY_ACCOUNT_PREFIX } from '../../contract/replay.ts';
import { ReplayEquity } from './replay-equity.ts';
import { ReplayFeed } from './replay-feed.ts';
import { AdjustableRiskGate } from './risk.ts';
import { TradingSession, type SessionListener } from './session.ts';

export const MAX_REPLAY_SPEED = 1000;
/** Bars a `max`-speed replay delivers per tick (one tick ≈ 10-50 ms of host time for a strategy-less replay). */
export const MAX_CHUNK = 2_000;

export type ReplaySpeed = number | 'max';
export type ReplayState = 'paused' | 'playing' | 'finished';

/** One market of a replay: its instrument and its stored bars over the range. */
export interface ReplayMarket {
  readonly instrument: Instrument;
  readonly bars: CandleColumns;
}

export interface ReplayInput {
  readonly id: string;
  readonly source: string;
  /** The first market (a strategy trades it). */
  readonly instrument: Instrument;
  readonly bars: CandleColumns;
  /** More symbols of the same source and timeframe, replayed in step with the first. */
  readonly others?: readonly ReplayMarket[];
  readonly currency: string;
  readonly startingBalance: string;
  readonly speed: ReplaySpeed;
  /** A fresh strategy instance per (re)build (a backward seek rebuilds): attached to the kernel on the bars. */
  readonly strategy?: () => Strategy | Promise<Strategy>;
  /** The replay's own risk gate (default: the paper defaults). A factory: a rebuild starts a fresh gate. */
  readonly risk?: () => AdjustableRiskGate;
  readonly seed?: number;
  /**
   * Each symbol's close of its last stored bar before the range: its price at the replay clock until its first
   * bar is delivered (shown, never traded on: the venue and the gate see the bars only).
   */
  readonly opening?: Readonly<Record<string, number>>;
}

type Command = { readonly at: number; readonly run: (s: TradingSession) => void };

interface Built {
  readonly session: TradingSession;
  readonly feed: ReplayFeed;
  readonly strategy: Strategy | undefined;
  /** The account's equity over replay time (rebuilt with the session on a backward seek). */
  readonly equity: ReplayEquity;
}

/** What changed since the last `drain`: for one batched UI event. */
export interface ReplayChanges {
  readonly bars: (Candle & { readonly symbol: string })[];
  readonly orders: OrderView[];
  readonly fills: FillView[];
  /** Equity samples taken since the last drain (the account tab's history, over replay time). */
  readonly equity: EquitySampleView[];
}

export class ReplaySession {
  readonly input: ReplayInput;
  private built!: Built;
  private commands: Command[] = [];
  private speedV: ReplaySpeed;
  private playing = false;
  /** Wall time and replay clock when play (or a speed change) last anchored the timing. */
  private anchorWall = 0;
  private anchorClock = 0;
  private changes = { bars: [] as ReplayChanges['bars'], orders: new Map<string, OrderView>(), fills: [] as FillView[] };
  /** True while a rebuild replays up to a backward seek's target: recorded commands are re-applied, no UI changes kept. */
  private muted = false;
  private strategyError: string | null = null;
  private closed = false;
  /** The bar being delivered booked fills (an equity sample follows it). */
  private filled = false;

  private constructor(input: ReplayInput) {
    this.input = input;
    this.speedV = checkSpeed(input.speed);
  }

  static async create(input: ReplayInput): Promise<ReplaySession> {
    if (input.bars.length === 0) throw new ValidationError('No stored candles in the chosen range', [{ path: 'from', message: 'no bars between from and to' }]);
    const symbols = new Set([input.instrument.symbol]);
    for (const m of input.others ?? []) {
      if (m.bars.intervalMs !== input.bars.intervalMs) throw new ValidationError(`${m.instrument.symbol}: every symbol of a replay has the same bar length`, [{ path: 'symbols', message: 'one timeframe' }]);
      if (symbols.has(m.instrument.symbol)) throw new ValidationError(`${m.instrument.symbol} is in the replay twice`, [{ path: 'symbols', message: 'duplicate' }]);
      symbols.add(m.instrument.symbol);
    }
    const r = new ReplaySession(input);
    r.built = await r.build();
    return r;
  }

  private async build(): Promise<Built> {
    const x = this.input;
    const markets = this.markets;
    const feed = new ReplayFeed(markets.map((m) => ({ symbol: m.instrument.symbol, bars: m.bars })));
    const clock = new SimClock(feed.from);
    const instruments = markets.map((m) => m.instrument);
    const box: { session?: TradingSession } = {};
    this.filled = false;
    const venue = new PaperVenue({
      id: x.id, instruments, clock, seed: x.seed ?? 1, latencyMs: 0,
      funds: (ccy) => box.session!.engine.portfolio.cash(ccy), holdings: (symbol) => box.session!.engine.portfolio.positionQty(symbol),
    });
    const session = (box.session = new TradingSession(
      {
        sessionId: x.id, accountId: replayAccount(x.id), mode: 'paper', instruments, demoSymbols: new Set(),
        venue, marketData: feed, clock, source: x.source, store: new MemoryStore(), audit: new MemoryAuditSink(),
        risk: x.risk ? x.risk() : new AdjustableRiskGate(),
        portfolio: { baseCurrency: x.currency, cash: { [x.currency]: x.startingBalance } }, startingBalance: x.startingBalance,
      },
      this.listener(),
    ));
    const strategy = x.strategy ? await x.strategy() : undefined;
    session.start();
    if (strategy) session.engine.attach(x.instrument.symbol, guarded(strategy, (e) => this.strategyFailed(e)), x.bars.intervalMs);
    const equity = new ReplayEquity({
      book: replayAccount(x.id), currency: x.currency, figures: () => accountFigures(session.engine.portfolio, x.currency),
      equity: () => session.engine.portfolio.equityByCurrency().get(x.currency) ?? 0n,
      barMs: x.bars.intervalMs, from: feed.from, to: feed.to,
    });
    equity.start(feed.from);
    return { session, feed, strategy, equity };
  }

  private listener(): SessionListener {
    return {
      orders: (orders) => {
        if (!this.muted) for (const o of orders) this.changes.orders.set(o.clientOrderId, o);
      },
      fill: (f) => {
        this.filled = true;
        if (!this.muted) this.changes.fills.push(f);
      },
      candle: (c, closed) => {
        if (closed && !this.muted) this.changes.bars.push({ ...closed, symbol: c.symbol });
      },
      portfolioChanged: () => {},
      ticks: () => {},
      tradingState: () => {},
    };
  }

  private strategyFailed(e: unknown): void {
    this.strategyError = e instanceof Error ? e.message : String(e);
  }

  /** Every market of the replay, the first one first. */
  get markets(): readonly ReplayMarket[] {
    return [{ instrument: this.input.instrument, bars: this.input.bars }, ...(this.input.others ?? [])];
  }

  get session(): TradingSession {
    return this.built.session;
  }

  get feed(): ReplayFeed {
    return this.built.feed;
  }

  get speed(): ReplaySpeed {
    return this.speedV;
  }

  get state(): ReplayState {
    if (this.built.feed.done) return 'finished';
    return this.playing ? 'playing' : 'paused';
  }

  get clock(): number {
    return this.built.feed.clock;
  }

  get strategyFault(): string | null {
    return this.strategyError;
  }

  /** The replay account's equity samples over replay time (`equity.history` of its book). */
  equityHistory(r: { from?: number | undefined; to?: number | undefined; limit?: number | undefined } = {}): EquityHistoryView {
    return this.built.equity.history(r);
  }

  /** A symbol's last price at the replay clock: its last delivered bar's close, else the bar closed before the range. */
  lastPrice(symbol: string): string | null {
    const inst = this.markets.find((m) => m.instrument.symbol === symbol)?.instrument;
    if (!inst) return null;
    const t = this.session.lastTicks(symbol);
    if (t > 0) return ticksToPrice(inst, t);
    const before = this.input.opening?.[symbol];
    return before !== undefined && before > 0 ? ticksToPrice(inst, Math.max(1, Math.round(before / inst.tickF))) : null;
  }

  /** Every symbol's last price at the replay clock (the session's, or the close before the range until its first bar). */
  prices(): PriceTick[] {
    const ts = this.clock;
    return this.markets.flatMap((m) => {
      const price = this.lastPrice(m.instrument.symbol);
      return price === null ? [] : [{ symbol: m.instrument.symbol, price, ts }];
    });
  }

  /** The bars, orders and fills since the last call. */
  drain(): ReplayChanges {
    const c = this.changes;
    this.changes = { bars: [], orders: new Map(), fills: [] };
    return { bars: c.bars, orders: [...c.orders.values()], fills: c.fills, equity: this.built.equity.drain() };
  }

  play(wallMs: number): void {
    this.live();
    if (this.built.feed.done) throw new KestrelError('conflict', 'The replay has reached the end of its range: seek back to play again');
    this.playing = true;
    this.anchor(wallMs);
  }

  pause(): void {
    this.playing = false;
  }

  setSpeed(speed: ReplaySpeed, wallMs: number): void {
    this.speedV = checkSpeed(speed);
    this.anchor(wallMs);
  }

  private anchor(wallMs: number): void {
    this.anchorWall = wallMs;
    this.anchorClock = this.clock;
  }

  /** Delivers the bars due at `wallMs`; returns how many. Does nothing while paused. */
  tick(wallMs: number): number {
    if (!this.playing || this.closed) return 0;
    const feed = this.built.feed;
    let n = 0;
    if (this.speedV === 'max') {
      n = this.deliver(MAX_CHUNK);
    } else {
      const due = this.anchorClock + (wallMs - this.anchorWall) * this.speedV;
      while (!feed.done && feed.closeOf(feed.delivered) <= due && n < MAX_CHUNK) n += this.deliver(1);
    }
    if (feed.done) this.playing = false;
    return n;
  }

  /** One bar (paused or not); 0 at the end of the range. */
  step(): number {
    this.live();
    const n = this.deliver(1);
    // A step while playing moves the timing on with it (the next bar is due one bar later, not at once).
    if (this.playing) this.anchorClock = this.clock;
    return n;
  }

  /** Delivers up to `n` bars, each as one market batch. */
  private deliver(n: number): number {
    const { session, feed } = this.built;
    let k = 0;
    while (k < n && !feed.done) {
      if (this.muted) this.applyCommandsAt(feed.delivered);
      session.marketBatch(() => void feed.deliverOne());
      this.built.equity.afterBar(feed.clock, this.filled);
      this.filled = false;
      k++;
    }
    return k;
  }

  private applyCommandsAt(at: number): void {
    for (const c of this.commands) if (c.at === at) this.runCommand(c);
  }

  private runCommand(c: Command): void {
    try {
      c.run(this.built.session);
    } catch {
      // A command refused the first time is refused again on a rebuild: the trader was told then.
    }
  }

  /**
   * Moves the replay clock to the close of the last bar closed by `ts` (clamped to the range). Forward:
   * the bars in between are delivered (strategies and resting orders act on them). Backward: rebuilt from
   * the start (see the header). Returns how many bars are delivered after the seek.
   */
  async seek(ts: number, wallMs: number): Promise<number> {
    this.live();
    if (!Number.isFinite(ts)) throw new ValidationError('seek needs a time', [{ path: 'ts', message: 'a finite epoch ms' }]);
    const feed = this.built.feed;
    const target = feed.barsClosedBy(ts);
    if (target < feed.delivered) {
      const old = this.built;
      // Built before anything changes: a strategy that fails to load again leaves the replay where it was.
      const fresh = await this.build();
      this.built = fresh;
      this.commands = this.commands.filter((c) => c.at < target);
      this.strategyError = null;
      this.muted = true;
      try {
        this.deliverUpTo(target);
      } finally {
        this.muted = false;
        old.session.stop();
        if (old.strategy) release(old.strategy);
      }
      // The UI reloads everything after a backward seek: nothing accumulated before it is still true.
      this.changes = { bars: [], orders: new Map(), fills: [] };
    } else {
      this.deliverUpTo(target);
    }
    this.anchor(wallMs);
    return this.built.feed.delivered;
  }

  private deliverUpTo(target: number): void {
    while (this.built.feed.delivered < target) this.deliver(Math.min(MAX_CHUNK, target - this.built.feed.delivered));
  }

  // ───────────── the trader's commands (recorded: a backward seek re-applies them) ─────────────

  submit(t: TicketRequest): OrderView[] {
    return this.record((s) => s.submit(t, t.source ?? 'ticket'));
  }

  cancel(clientOrderId: string): OrderView {
    return this.record((s) => s.cancel(clientOrderId));
  }

  cancelAll(symbol?: string): number {
    return this.record((s) => s.cancelAll(symbol));
  }

  amend(clientOrderId: string, change: AmendRequest): OrderView {
    return this.record((s) => s.amend(clientOrderId, change));
  }

  /**
   * The kill switch on the replay's own account (the Risk panel's, while the Trade workspace shows the replay):
   * halts, cancels, and with `flatten` closes every position at the next bar's open. Recorded like an order.
   */
  killSwitch(reason: string, origin: string, flatten = true): { canceled: number; flattening: number } {
    return this.record((s) => s.killSwitch(reason, origin, flatten));
  }

  /** Resume / reducing-only / halt on the replay's account (the origin is the desk's signature: a replay keeps no ledger). */
  setTradingState(state: TradingState, reason: string, _origin: string): void {
    this.record((s) => s.setTradingState(state, reason));
  }

  private record<T>(fn: (s: TradingSession) => T): T {
    this.live();
    const out = fn(this.built.session);
    // Only accepted commands are recorded: a refused one changed nothing.
    this.commands.push({ at: this.built.feed.delivered, run: (s) => void fn(s) });
    return out;
  }

  private live(): void {
    if (this.closed) throw new KestrelError('conflict', 'The replay has been stopped');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.playing = false;
    this.built.session.stop();
    if (this.built.strategy) release(this.built.strategy);
  }
}

/** The book (and the Trade workspace's account id) of replay `id`: the trading commands route it to the replay. */
export const replayAccount = (id: string): string => `${REPLAY_ACCOUNT_PREFIX}${id}`;

function checkSpeed(s: ReplaySpeed): ReplaySpeed {
  if (s === 'max') return s;
  if (!(Number.isFinite(s) && s >= 1 && s <= MAX_REPLAY_SPEED)) throw new ValidationError(`Replay speed must be 1..${MAX_REPLAY_SPEED} or max, got ${s}`, [{ path: 'speed', message: `1..${MAX_REPLAY_SPEED} or max` }]);
  return s;
}

/** A throwing strategy stops trading (its later bars are skipped) instead of taking the replay down; the error is shown. */
function guarded(inner: Strategy, failed: (e: unknown) => void): Strategy {
  let dead = false;
  const wrap = <A extends unknown[]>(fn: ((...a: A) => void) | undefined) =>
    fn &&
    ((...a: A) => {
      if (dead) return;
      try {
        fn.apply(inner, a);
      } catch (e) {
        dead = true;
        failed(e);
      }
    });
  return {
    id: inner.id, version: inner.version,
    onBar: wrap(inner.onBar)!,
    ...(inner.onStart ? { onStart: wrap(inner.onStart)! } : {}),
    ...(inner.onFill ? { onFill: wrap(inner.onFill)! } : {}),
    ...(inner.onOrder ? { onOrder: wrap(inner.onOrder)! } : {}),
  } as Strategy;
}
