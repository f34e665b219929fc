/**
 * Saved strategies running in the live paper session, next to the trader's ticket orders — without
 * restarting the session. Each run is attached to the session's kernel (`engine.attach`), so every order it
 * places goes through the same risk gate, OMS, store and audit as a ticket order.
 *
 * What the kernel does not offer, done here:
 * - Stop: a run is attached through a small `gate` strategy, detached from the kernel when the run ends (and
 *   its working orders are cancelled); the gate also ignores anything still in flight for an ended run.
 * - Faults: a throwing strategy must not take the feed (and the trader's orders) down with it; the gate
 *   catches, stops the run with its error shown, and the session keeps running.
 * - Timeframes above 1m: the session's kernel receives 1m candles; a run aggregates them into its own bars
 *   (UTC-aligned) and its strategy sees its own context over those.
 * - Attribution: orders are credited to the run that was executing when the kernel created them (a
 *   strategy can only place orders from its callbacks), fills follow their order; P&L is the run's cash
 *   flow plus its net position marked at the last price.
 *
 * Audit: start / stop / reload are `config-change` events of the session (what: `paper-strategy`), a fault
 * is an `override` (action `strategy-fault`); decision bars are audited by `auditDecisionBars`.
 */
import { randomUUID } from 'node:crypto';
import { auditConfigChange, auditDecisionBars, auditOverride } from '../../core/audit/session.ts';
import { CandleBuffer } from '../../core/engine/series.ts';
import { StrategyContext, type Strategy } from '../../core/engine/strategy.ts';
import type { Engine } from '../../core/engine/kernel.ts';
import { KestrelError, NotFoundError, ValidationError } from '../../core/errors.ts';
import type { Candle, Fill, Instrument, Order } from '../../core/model/index.ts';
import { isTerminal, lotsToQty, notional } from '../../core/model/index.ts';
import { ReloadableStrategy, release } from '../../core/strategy/code.ts';
import type { TradingSession } from './session.ts';
import { moneyText } from './views.ts';

export const PAPER_TIMEFRAMES = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000 } as const;
export type PaperTimeframe = keyof typeof PAPER_TIMEFRAMES;
const MINUTE = 60_000;
/** Finished runs kept for the list (their final figures and errors). */
const KEEP_FINISHED = 20;

/** The strategy catalog, as the backtest service provides it (main/host/backtest/service.ts). */
export interface StrategySource {
  get(id: string, version?: number): { id: string; name: string; kind: string; version: { version: number; hash: string } };
  strategyFor(id: string, version?: number, params?: Readonly<Record<string, number>>): Strategy;
  reloadable(id: string, version?: number, params?: Readonly<Record<string, number>>): ReloadableStrategy;
}

export interface PaperStrategyDeps {
  /** The running paper session (throws when there is none). */
  readonly session: () => TradingSession;
  readonly catalog: () => StrategySource;
  readonly emit: (view: PaperStrategyView) => void;
  readonly log: { warn(o: object, msg: string): void };
  /** Records which run created an order (the ledger's order_strategies); inside the kernel step's batch. */
  readonly attribute?: (sessionId: string, clientOrderId: string, run: { id: string; name: string; runId: string }) => void;
}

export interface StartStrategy {
  readonly strategyId: string;
  readonly version?: number | undefined;
  readonly symbol: string;
  readonly timeframe: PaperTimeframe;
  readonly params?: Readonly<Record<string, number>> | undefined;
}

export interface PaperStrategyView {
  runId: string;
  strategyId: string;
  name: string;
  kind: string;
  version: number;
  hash: string;
  symbol: string;
  timeframe: string;
  params: Record<string, number>;
  state: 'running' | 'stopped' | 'error';
  sessionId: string;
  since: number;
  endedAt: number | null;
  bars: number;
  orders: number;
  workingOrders: number;
  fills: number;
  position: string;
  pnl: string;
  fees: string;
  lastError: string | null;
  /** Orders the risk gate refused (a strategy is not stopped for that), and the last refusal's reasons. */
  rejections: number;
  lastRejection: string | null;
  /** Versions applied, oldest first (start, reloads, rollbacks). */
  history: { version: number; hash: string; at: number; by: 'start' | 'reload' | 'rollback' }[];
}

interface Run {
  readonly id: string;
  readonly strategyId: string;
  readonly name: string;
  readonly kind: string;
  readonly symbol: string;
  readonly timeframe: PaperTimeframe;
  readonly params: Readonly<Record<string, number>>;
  readonly session: TradingSession;
  readonly inst: Instrument;
  readonly impl: ReloadableStrategy;
  readonly since: number;
  /** Versions applied; the last is current, rollback pops. */
  readonly stack: { version: number; hash: string }[];
  readonly history: PaperStrategyView['history'];
  readonly orders: Set<string>;
  ctx?: StrategyContext;
  /** What the kernel has attached for this run (detached when the run ends). */
  gate?: Strategy;
  state: PaperStrategyView['state'];
  endedAt: number | null;
  lastError: string | null;
  rejections: number;
  lastRejection: string | null;
  bars: number;
  fills: number;
  /** Net position of this run, lots. */
  qty: number;
  /** Cash flow of this run (sells − buys − fees), money units. */
  cash: bigint;
  fees: bigint;
}

export class PaperStrategies {
  private readonly deps: PaperStrategyDeps;
  private readonly runs = new Map<string, Run>();
  /** Kernels whose bus we listen to (one per session). */
  private readonly wired = new WeakSet<Engine>();
  /** The run whose callback is executing: orders created now are its orders. */
  private current: Run | undefined;
  private readonly dirty = new Set<Run>();

  constructor(deps: PaperStrategyDeps) {
    this.deps = deps;
  }

  /**
   * Starts a run. A code strategy's sandbox process is started and the strategy loaded first, without
   * blocking the host: a strategy that does not load fails the command, not the session.
   */
  async start(r: StartStrategy, by: string): Promise<PaperStrategyView> {
    const prepared = this.prepare(r);
    try {
      await ready(prepared.impl);
      return this.begin(r, prepared, by);
    } catch (e) {
      release(prepared.impl);
      throw e;
    }
  }

  /** `start` in one step on this thread (a re-run enacts a session synchronously): waits for the sandbox here. */
  startNow(r: StartStrategy, by: string): PaperStrategyView {
    const prepared = this.prepare(r);
    try {
      return this.begin(r, prepared, by);
    } catch (e) {
      release(prepared.impl);
      throw e;
    }
  }

  private prepare(r: StartStrategy): { impl: Strategy; saved: ReturnType<StrategySource['get']>; params: Record<string, number> } {
    const session = this.session();
    session.instrument(r.symbol);
    if (!Object.hasOwn(PAPER_TIMEFRAMES, r.timeframe)) throw new ValidationError(`Unknown timeframe ${String(r.timeframe)}`, [{ path: 'timeframe', message: `one of ${Object.keys(PAPER_TIMEFRAMES).join(', ')}` }]);
    const catalog = this.deps.catalog();
    const saved = catalog.get(r.strategyId, r.version);
    const params = { ...(r.params ?? {}) };
    // Compiled before anything is attached: a bad version or parameter fails the command, not the session.
    return { impl: catalog.strategyFor(saved.id, saved.version.version, params), saved, params };
  }

  private begin(r: StartStrategy, prepared: { impl: Strategy; saved: ReturnType<StrategySource['get']>; params: Record<string, number> }, by: string): PaperStrategyView {
    const session = this.session(); // again: the session may have changed while the sandbox started
    this.reap(session);
    const inst = session.instrument(r.symbol);
    const { saved, params } = prepared;
    const impl = new ReloadableStrategy(prepared.impl);
    const now = session.parts.clock.now();
    const run: Run = {
      id: `ps-${randomUUID()}`, strategyId: saved.id, name: saved.name, kind: saved.kind, symbol: inst.symbol, timeframe: r.timeframe, params,
      session, inst, impl, since: now, stack: [{ version: saved.version.version, hash: saved.version.hash }],
      history: [{ version: saved.version.version, hash: saved.version.hash, at: now, by: 'start' }],
      orders: new Set(), state: 'running', endedAt: null, lastError: null, rejections: 0, lastRejection: null, bars: 0, fills: 0, qty: 0, cash: 0n, fees: 0n,
    };
    this.wire(session.engine);
    this.runs.set(run.id, run);
    auditConfigChange(session.parts.audit, now, { what: 'paper-strategy', symbol: run.symbol, by, from: null, to: this.auditView(run, 'start') });
    run.gate = this.gate(run, auditDecisionBars(impl, session.parts.audit));
    session.engine.attach(run.symbol, run.gate, MINUTE);
    return this.publish(run);
  }

  stop(runId: string, by: string, reason = 'requested'): PaperStrategyView {
    const run = this.run(runId);
    if (run.state !== 'running') return this.view(run);
    this.end(run, 'stopped', null);
    auditConfigChange(run.session.parts.audit, run.session.parts.clock.now(), { what: 'paper-strategy', symbol: run.symbol, by, from: this.auditView(run, 'running'), to: { runId, state: 'stopped', reason } });
    this.cancelWorking(run, true);
    return this.publish(run);
  }

  /**
   * Swaps in another saved version (default: the latest), or with `rollback` the one before the last swap.
   * The new version's sandbox is started and loaded first, without blocking the host.
   */
  async reload(runId: string, by: string, to: { version?: number | undefined; rollback?: boolean | undefined }): Promise<PaperStrategyView> {
    const [saved, next] = this.nextVersion(runId, to);
    try {
      await ready(next);
    } catch (e) {
      release(next);
      throw e;
    }
    if (this.run(runId).state !== 'running') {
      release(next);
      throw new KestrelError('conflict', `Strategy run ${runId} ended while its new version was loading`, { details: { runId } });
    }
    return this.swapIn(runId, by, to, saved, next);
  }

  /** `reload` in one step on this thread (re-runs). */
  reloadNow(runId: string, by: string, to: { version?: number | undefined; rollback?: boolean | undefined }): PaperStrategyView {
    const [saved, next] = this.nextVersion(runId, to);
    return this.swapIn(runId, by, to, saved, next);
  }

  private nextVersion(runId: string, to: { version?: number | undefined; rollback?: boolean | undefined }): [ReturnType<StrategySource['get']>, Strategy] {
    const run = this.run(runId);
    if (run.state !== 'running') throw new KestrelError('conflict', `Strategy run ${runId} is ${run.state}`, { details: { runId, state: run.state } });
    if (to.rollback && to.version !== undefined) throw new ValidationError('give a version or rollback, not both', [{ path: 'rollback', message: 'not with version' }]);
    let target: number | undefined = to.version;
    if (to.rollback) {
      if (run.stack.length < 2) throw new ValidationError('nothing to roll back to: the run is on the version it started with', [{ path: 'rollback', message: 'no earlier version' }]);
      target = run.stack[run.stack.length - 2]!.version;
    }
    const catalog = this.deps.catalog();
    const saved = catalog.get(run.strategyId, target);
    return [saved, catalog.strategyFor(run.strategyId, saved.version.version, run.params)];
  }

  private swapIn(runId: string, by: string, to: { rollback?: boolean | undefined }, saved: ReturnType<StrategySource['get']>, next: Strategy): PaperStrategyView {
    const run = this.run(runId);
    const from = this.auditView(run, 'running');
    if (to.rollback) run.stack.pop();
    else run.stack.push({ version: saved.version.version, hash: saved.version.hash });
    const at = run.session.parts.clock.now();
    run.history.push({ version: saved.version.version, hash: saved.version.hash, at, by: to.rollback ? 'rollback' : 'reload' });
    auditConfigChange(run.session.parts.audit, at, { what: 'paper-strategy', symbol: run.symbol, by, from, to: this.auditView(run, to.rollback ? 'rollback' : 'reload') });
    // The new version starts on the same context (its onStart runs now): positions and orders stay.
    this.guard(run, () => run.impl.swap(next));
    return this.publish(run);
  }

  list(): PaperStrategyView[] {
    try {
      this.reap(this.deps.session());
    } catch {
      this.reap(undefined);
    }
    return [...this.runs.values()].map((r) => this.view(r));
  }

  /** Ends every run (the host is closing or the session is replaced). */
  close(): void {
    this.reap(undefined);
  }

  // ───────────── the gate between the kernel and a run ─────────────

  private gate(run: Run, inner: Strategy): Strategy {
    const tf = PAPER_TIMEFRAMES[run.timeframe];
    const buf = new CandleBuffer(tf, 256);
    let forming: { -readonly [K in keyof Candle]: Candle[K] } | undefined;
    const decide = (c: Candle): void => {
      const i = buf.push(c);
      const ctx = run.ctx!;
      ctx.bars = buf;
      ctx.i = i;
      run.bars++;
      inner.onBar(ctx);
    };
    const gate: Strategy = {
      id: run.strategyId,
      // The kernel stamps signals and verdicts with this: after a reload, the new version's hash.
      get version() {
        return run.impl.version;
      },
      onStart: (kctx) => {
        run.ctx = new StrategyContext(kctx.engine, gate, run.inst, buf);
        this.guard(run, () => inner.onStart?.(run.ctx!));
      },
      onBar: (kctx) => {
        if (run.state !== 'running') return;
        const k = kctx.i, b = kctx.bars;
        const m: Candle = { ts: b.ts[k]!, open: b.open[k]!, high: b.high[k]!, low: b.low[k]!, close: b.close[k]!, volume: b.volume[k]! };
        const bucket = m.ts - (m.ts % tf);
        this.guard(run, () => {
          if (forming && forming.ts !== bucket) {
            const done = forming;
            forming = undefined;
            decide(done); // a gap: the bucket closed without its last minute
            if (run.state !== 'running') return;
          }
          if (!forming) forming = { ...m, ts: bucket };
          else {
            forming.high = Math.max(forming.high, m.high);
            forming.low = Math.min(forming.low, m.low);
            forming.close = m.close;
            forming.volume += m.volume;
          }
          if (m.ts + MINUTE >= bucket + tf) {
            const done = forming;
            forming = undefined;
            decide(done);
          }
        });
      },
      onFill: (_kctx, f) => {
        if (run.state === 'running' && run.ctx) this.guard(run, () => inner.onFill?.(run.ctx!, f));
      },
      onOrder: (_kctx, o) => {
        if (run.state === 'running' && run.ctx) this.guard(run, () => inner.onOrder?.(run.ctx!, o));
      },
    };
    return gate;
  }

  /** Runs a strategy callback as `run`; a throw stops the run (error kept), never the session. */
  private guard(run: Run, fn: () => void): void {
    const outer = this.current;
    this.current = run;
    try {
      fn();
    } catch (e) {
      this.fault(run, e);
    } finally {
      this.current = outer;
    }
  }

  private fault(run: Run, e: unknown): void {
    if (run.state !== 'running') return;
    const message = e instanceof KestrelError ? `${e.code}: ${e.message}` : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    this.end(run, 'error', message);
    this.deps.log.warn({ err: e, runId: run.id, strategyId: run.strategyId }, 'a paper strategy failed and was stopped');
    auditOverride(run.session.parts.audit, run.session.parts.clock.now(), { action: 'strategy-fault', reason: message, by: 'system', symbol: run.symbol, details: { runId: run.id, strategyId: run.strategyId, version: run.impl.version ?? null } });
    // Inside a kernel step: cancel directly (the session flushes the order events after the step).
    this.cancelWorking(run, false);
    this.publish(run);
  }

  private end(run: Run, state: 'stopped' | 'error', error: string | null): void {
    if (run.gate) run.session.engine.detach(run.gate);
    run.impl.close(); // a code strategy's sandbox process
    run.state = state;
    run.lastError = error;
    run.endedAt = run.session.parts.clock.now();
    const finished = [...this.runs.values()].filter((r) => r.state !== 'running');
    for (const r of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.runs.delete(r.id);
  }

  private cancelWorking(run: Run, viaCommand: boolean): void {
    for (const id of run.orders) {
      const o = run.session.engine.order(id);
      if (!o || isTerminal(o.state) || o.state === 'pending-cancel') continue;
      try {
        if (viaCommand) run.session.cancel(id);
        else run.session.engine.cancel(id);
      } catch (e) {
        this.deps.log.warn({ err: e, clientOrderId: id }, 'could not cancel a paper strategy order');
      }
    }
  }

  // ───────────── attribution ─────────────

  private wire(engine: Engine): void {
    if (this.wired.has(engine)) return;
    this.wired.add(engine);
    engine.bus.on('order', ({ event, order }) => {
      const run = this.current;
      if (event !== 'created' || order.source !== 'strategy' || !run) return;
      run.orders.add(order.clientOrderId);
      try {
        this.deps.attribute?.(run.session.parts.sessionId, order.clientOrderId, { id: run.strategyId, name: run.name, runId: run.id });
      } catch (e) {
        this.deps.log.warn({ err: e, clientOrderId: order.clientOrderId }, 'could not record which strategy placed an order');
      }
    });
    engine.bus.on('fill', ({ fill }) => this.credit(fill));
    engine.bus.on('risk', ({ source, verdict }) => {
      const run = this.current;
      if (!run || source !== 'strategy' || verdict.ok) return;
      run.rejections++;
      run.lastRejection = verdict.reasons.map((r) => r.message).join('; ');
      this.later(run);
    });
  }

  private credit(f: Fill): void {
    for (const run of this.runs.values()) {
      if (!run.orders.has(f.clientOrderId)) continue;
      const n = notional(run.inst, f.price, f.qty);
      run.fills++;
      run.qty += f.side === 'buy' ? f.qty : -f.qty;
      run.cash += (f.side === 'buy' ? -n : n) - f.fee;
      run.fees += f.fee;
      this.later(run);
      return;
    }
  }

  /** Fills come in bursts inside one feed batch: one state event per run per burst. */
  private later(run: Run): void {
    if (this.dirty.has(run)) return;
    this.dirty.add(run);
    queueMicrotask(() => {
      this.dirty.delete(run);
      this.publish(run);
    });
  }

  // ───────────── views ─────────────

  private session(): TradingSession {
    let s: TradingSession;
    try {
      s = this.deps.session();
    } catch {
      throw new KestrelError('conflict', 'No paper trading session is running');
    }
    if (s.parts.mode !== 'paper' || !s.running) throw new KestrelError('conflict', 'Strategies run in the paper session only');
    return s;
  }

  /** Runs of an ended session end with it (the kernel they were attached to is gone). */
  private reap(current: TradingSession | undefined): void {
    for (const run of this.runs.values()) {
      if (run.state === 'running' && run.session !== current) {
        this.end(run, 'stopped', 'the paper session ended');
        this.publish(run);
      }
    }
  }

  private run(runId: string): Run {
    const r = this.runs.get(runId);
    if (!r) throw new NotFoundError('paper strategy run', runId);
    return r;
  }

  private publish(run: Run): PaperStrategyView {
    const v = this.view(run);
    this.deps.emit(v);
    return v;
  }

  private auditView(run: Run, action: string): Record<string, unknown> {
    const top = run.stack[run.stack.length - 1]!;
    return { runId: run.id, action, strategyId: run.strategyId, version: top.hash, versionNo: top.version, params: { ...run.params }, symbol: run.symbol, timeframe: run.timeframe, intervalMs: PAPER_TIMEFRAMES[run.timeframe] };
  }

  private view(run: Run): PaperStrategyView {
    const top = run.stack[run.stack.length - 1]!;
    const e = run.session.engine;
    const last = e.lastPrice(run.symbol);
    const mark = last > 0 ? notional(run.inst, Math.round(last / run.inst.tickF), run.qty) : 0n;
    let working = 0;
    for (const id of run.orders) {
      const o: Readonly<Order> | undefined = e.order(id);
      if (o && !isTerminal(o.state)) working++;
    }
    return {
      runId: run.id, strategyId: run.strategyId, name: run.name, kind: run.kind, version: top.version, hash: top.hash,
      symbol: run.symbol, timeframe: run.timeframe, params: { ...run.params }, state: run.state, sessionId: run.session.parts.sessionId,
      since: run.since, endedAt: run.endedAt, bars: run.bars, orders: run.orders.size, workingOrders: working, fills: run.fills,
      position: lotsToQty(run.inst, run.qty), pnl: moneyText(run.cash + mark), fees: moneyText(run.fees), lastError: run.lastError, rejections: run.rejections, lastRejection: run.lastRejection,
      history: run.history.map((h) => ({ ...h })),
    };
  }
}

/** Waits until a code strategy's sandbox process runs and its source is loaded (other strategies: at once). */
async function ready(s: Strategy): Promise<void> {
  await (s as { ready?: () => Promise<void> }).ready?.();
}
