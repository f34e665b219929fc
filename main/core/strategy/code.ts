/**
 * Code strategies: a typed API for strategies written in TS/JS, adapted to the kernel's Strategy hook.
 *
 *   export default {
 *     params: { fast: 10, slow: 30 },
 *     onStart(ctx) { ctx.setTimer(3_600_000, 'hourly'); },
 *     onCandle(ctx, bar) {
 *       const f = ctx.indicator(`sma:${ctx.params.fast}`), s = ctx.indicator(`sma:${ctx.params.slow}`);
 *       if (f > s && ctx.position() === 0) ctx.buy(0.01);
 *       else if (f < s && ctx.position() > 0) ctx.target(0);
 *     },
 *     onFill(ctx, fill) {}, onTrade(ctx, trade) {}, onTimer(ctx, name) {},
 *   };
 *
 * Every method of the context takes and returns plain numbers and strings (orders as plain objects), so
 * the same API can be bridged into a sandbox (workers/backtest/sandbox.ts) without handing the strategy a
 * single host object. Quantities are base units and prices are plain prices; both are put on the
 * instrument's grid here (quantities rounded down to the lot, prices to the nearest tick).
 * `onTrade` is called when a round trip of this strategy closes (flat again or reversed).
 */
import { StrategyError, ValidationError } from '../errors.ts';
import type { Strategy, StrategyContext, StrategyOrder } from '../engine/strategy.ts';
import type { CandleColumns, Fill, Instrument, Lots, OrderRequest, OrderType, Side, TimeInForce } from '../model/index.ts';
import { floatToLots, floatToTicks, lotsToQty, moneyToNumber } from '../model/index.ts';
import { SeriesSet, type Column } from './series.ts';

export interface CandleView { ts: number; open: number; high: number; low: number; close: number; volume: number }
export interface FillView { orderId: string; side: Side; qty: number; price: number; fee: number; ts: number; tag: string }
export interface TradeView { side: 'long' | 'short'; qty: number; entryPrice: number; exitPrice: number; pnl: number; entryTs: number; exitTs: number }

export interface OrderSpec {
  side: Side;
  type?: OrderType;
  qty: number;
  price?: number;
  triggerPrice?: number;
  trailPercent?: number;
  trailPrice?: number;
  tif?: TimeInForce;
  reduceOnly?: boolean;
  postOnly?: boolean;
  tag?: string;
}

/** What a code strategy's callbacks receive. */
export interface CodeContext {
  readonly symbol: string;
  readonly params: Readonly<Record<string, number>>;
  /** Simulated time (ms) in backtests, wall time live: the close time of the bar being processed. */
  now(): number;
  /** Index of the bar that just closed (0-based). */
  bar(): number;
  time(ago?: number): number;
  open(ago?: number): number;
  high(ago?: number): number;
  low(ago?: number): number;
  close(ago?: number): number;
  volume(ago?: number): number;
  /** Indicator value by spec (`rsi:14`, `bb:20:2`), output (default the first) and bars ago; NaN while warming up. */
  indicator(spec: string, output?: string, ago?: number): number;
  /** Signed position in base units. */
  position(): number;
  equity(): number;
  buy(qty: number, tag?: string): string | null;
  sell(qty: number, tag?: string): string | null;
  /** Market order for the difference to a target position (base units, signed). */
  target(qty: number, tag?: string): string | null;
  order(spec: OrderSpec): string | null;
  cancel(orderId: string): void;
  cancelAll(): void;
  /** Calls onTimer(name) at the first bar close at or after now + ms. */
  setTimer(ms: number, name?: string): void;
  log(message: string): void;
}

export interface CodeStrategyModule {
  params?: Record<string, number>;
  onStart?(ctx: CodeContext): void;
  onCandle?(ctx: CodeContext, bar: CandleView): void;
  onFill?(ctx: CodeContext, fill: FillView): void;
  onTrade?(ctx: CodeContext, trade: TradeView): void;
  onTimer?(ctx: CodeContext, name: string): void;
}

/**
 * What a CodeStrategy uses of the kernel's StrategyContext. The kernel's context is one; a sandbox process
 * offers another (workers/sandbox/paper-job.ts), a mirror kept up to date by the host, so that the same
 * CodeStrategy runs next to the strategy code and only values cross the process boundary.
 */
export interface CodeKernel {
  readonly engine: { readonly clock: { now(): number }; order(clientOrderId: string): { readonly tag?: string | undefined } | undefined };
  readonly symbol: string;
  readonly instrument: Instrument;
  readonly bars: CandleColumns;
  readonly i: number;
  readonly position: Lots;
  readonly equity: number;
  time(ago?: number): number;
  open(ago?: number): number;
  high(ago?: number): number;
  low(ago?: number): number;
  close(ago?: number): number;
  volume(ago?: number): number;
  submit(req: StrategyOrder): { readonly clientOrderId: string } | undefined;
  cancel(clientOrderId: string): void;
  cancelAll(): void;
}

const ORDER_TYPES = new Set(['market', 'limit', 'stop-market', 'stop-limit', 'take-profit', 'take-profit-limit', 'trailing-stop']);

export class CodeStrategy implements Strategy {
  readonly id: string;
  readonly version: string | undefined;
  private readonly mod: CodeStrategyModule;
  private readonly series = new SeriesSet();
  /** Per spec: its output columns and the first (the default output, read without an iterator per call). */
  private readonly ind = new Map<string, { cols: Map<string, Column>; first: Column }>();
  private k!: CodeKernel;
  private readonly timers: { at: number; name: string }[] = [];
  private readonly candle: CandleView = { ts: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  private tradePos = 0;
  private entryTL = 0;
  private entryQty = 0;
  private entryTs = 0;
  private exitTL = 0;
  readonly logs: string[] = [];
  readonly api: CodeContext;

  constructor(mod: CodeStrategyModule, opts: { id: string; version?: string; params?: Readonly<Record<string, number>> }) {
    this.mod = mod;
    this.id = opts.id;
    this.version = opts.version;
    const params = Object.freeze({ ...(mod.params ?? {}), ...(opts.params ?? {}) });
    for (const [k, v] of Object.entries(params)) if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValidationError(`strategy parameter ${k} must be a finite number`, [{ path: `params.${k}`, message: 'not a finite number' }]);
    // Arrow functions close over `this`: the API object is plain data + closures, no prototype to reach.
    const num = (x: unknown, what: string): number => {
      if (typeof x !== 'number' || !Number.isFinite(x)) throw new StrategyError(`${what} must be a finite number, got ${String(x)}`);
      return x;
    };
    const ago = (a: unknown): number => (a === undefined ? 0 : num(a, 'bars ago'));
    this.api = {
      symbol: '',
      params,
      now: () => this.k.engine.clock.now(),
      bar: () => this.k.i,
      time: (a) => this.k.time(ago(a)),
      open: (a) => this.k.open(ago(a)),
      high: (a) => this.k.high(ago(a)),
      low: (a) => this.k.low(ago(a)),
      close: (a) => this.k.close(ago(a)),
      volume: (a) => this.k.volume(ago(a)),
      indicator: (spec, output, a) => this.indicator(String(spec), output === undefined || output === null ? undefined : String(output), ago(a)),
      position: () => this.k.position * this.k.instrument.lotF,
      equity: () => this.k.equity,
      buy: (q, tag) => this.place({ side: 'buy', qty: num(q, 'quantity'), ...(tag ? { tag: String(tag) } : {}) }),
      sell: (q, tag) => this.place({ side: 'sell', qty: num(q, 'quantity'), ...(tag ? { tag: String(tag) } : {}) }),
      target: (q, tag) => {
        const want = floatToLots(this.k.instrument, num(q, 'target'), 'trunc');
        const d = want - this.k.position;
        if (d === 0) return null;
        return this.placeLots(d > 0 ? 'buy' : 'sell', Math.abs(d), { type: 'market', ...(tag ? { tag: String(tag) } : {}) });
      },
      order: (spec) => this.place(spec),
      cancel: (id) => this.k.cancel(String(id)),
      cancelAll: () => this.k.cancelAll(),
      setTimer: (ms, name) => {
        this.timers.push({ at: this.k.engine.clock.now() + num(ms, 'timer delay'), name: name === undefined ? 'timer' : String(name) });
        this.timers.sort((a, b) => a.at - b.at);
      },
      log: (m) => {
        if (this.logs.length < 1000) this.logs.push(String(m).slice(0, 500));
      },
    };
  }

  private indicator(spec: string, output: string | undefined, ago: number): number {
    if (ago < 0) throw new StrategyError(`look-ahead refused: indicator ${spec} ${ago} bars ago`);
    let e = this.ind.get(spec);
    if (!e) {
      const cols = this.series.add(spec);
      e = { cols, first: cols.values().next().value! };
      this.ind.set(spec, e);
    }
    const col = output === undefined ? e.first : e.cols.get(output);
    if (!col) throw new StrategyError(`indicator ${spec} has no output ${output}; it has ${[...e.cols.keys()].join(', ')}`);
    this.series.update(this.k.bars, this.k.i);
    return col.a[this.k.i - ago] ?? NaN;
  }

  private place(spec: OrderSpec): string | null {
    if (!spec || typeof spec !== 'object') throw new StrategyError('order needs an object { side, qty, ... }');
    if (spec.side !== 'buy' && spec.side !== 'sell') throw new StrategyError(`order side must be buy or sell, got ${String(spec.side)}`);
    const type = spec.type ?? 'market';
    if (!ORDER_TYPES.has(type)) throw new StrategyError(`unknown order type ${String(type)}`);
    const qty = spec.qty;
    if (typeof qty !== 'number' || !Number.isFinite(qty) || qty <= 0) throw new StrategyError(`order quantity must be a positive finite number, got ${String(qty)}`, { qty: String(qty) });
    const lots = floatToLots(this.k.instrument, qty);
    if (lots <= 0) return null;
    return this.placeLots(spec.side, lots, { ...spec, type });
  }

  private placeLots(side: Side, lots: number, spec: Partial<OrderSpec> & { type: OrderType }): string | null {
    const inst = this.k.instrument;
    const px = (x: number | undefined, what: string): number | undefined => {
      if (x === undefined) return undefined;
      if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0) throw new StrategyError(`${what} must be a positive finite number, got ${String(x)}`);
      return floatToTicks(inst, x);
    };
    const req: Omit<OrderRequest, 'symbol'> = {
      side, type: spec.type, qty: lots,
      ...(spec.price !== undefined ? { price: px(spec.price, 'price')! } : {}),
      ...(spec.triggerPrice !== undefined ? { triggerPrice: px(spec.triggerPrice, 'trigger price')! } : {}),
      ...(spec.trailPercent !== undefined ? { trail: { kind: 'percent' as const, bps: Math.round(spec.trailPercent * 100) } } : {}),
      ...(spec.trailPrice !== undefined ? { trail: { kind: 'absolute' as const, ticks: Math.round(spec.trailPrice / inst.tickF) } } : {}),
      ...(spec.tif ? { tif: spec.tif } : {}),
      ...(spec.reduceOnly ? { reduceOnly: true } : {}),
      ...(spec.postOnly ? { postOnly: true } : {}),
      ...(spec.tag !== undefined ? { tag: String(spec.tag).slice(0, 64) } : {}),
    };
    return this.k.submit(req)?.clientOrderId ?? null;
  }

  onStart(ctx: CodeKernel): void {
    this.k = ctx;
    (this.api as { symbol: string }).symbol = ctx.symbol;
    this.mod.onStart?.(this.api);
  }

  onBar(ctx: CodeKernel): void {
    this.k = ctx;
    const now = ctx.engine.clock.now();
    while (this.timers.length && this.timers[0]!.at <= now) this.mod.onTimer?.(this.api, this.timers.shift()!.name);
    if (!this.mod.onCandle) return;
    const i = ctx.i;
    const b = ctx.bars;
    const c = this.candle;
    c.ts = b.ts[i]!; c.open = b.open[i]!; c.high = b.high[i]!; c.low = b.low[i]!; c.close = b.close[i]!; c.volume = b.volume[i]!;
    this.mod.onCandle(this.api, c);
  }

  onFill(ctx: CodeKernel, f: Fill): void {
    this.k = ctx;
    const inst = ctx.instrument;
    const order = ctx.engine.order(f.clientOrderId);
    this.mod.onFill?.(this.api, { orderId: f.clientOrderId, side: f.side, qty: Number(lotsToQty(inst, f.qty)), price: f.price * inst.tickF, fee: moneyToNumber(f.fee), ts: f.ts, tag: order?.tag ?? '' });
    this.trackTrade(f);
  }

  /** Round trips of this strategy's own fills (flat → flat), reported to onTrade. */
  private trackTrade(f: Fill): void {
    const inst = this.k.instrument;
    const s = f.side === 'buy' ? 1 : -1;
    let left = f.qty;
    while (left > 0) {
      if (this.tradePos === 0 || Math.sign(this.tradePos) === s) {
        if (this.tradePos === 0) {
          this.entryTs = f.ts;
          this.entryTL = 0;
          this.entryQty = 0;
          this.exitTL = 0;
        }
        this.entryTL += left * f.price;
        this.entryQty += left;
        this.tradePos += s * left;
        left = 0;
      } else {
        const part = Math.min(left, Math.abs(this.tradePos));
        this.exitTL += part * f.price;
        this.tradePos += s * part;
        left -= part;
        if (this.tradePos === 0 && this.mod.onTrade) {
          const side = s > 0 ? 'short' : 'long';
          const entry = (this.entryTL / this.entryQty) * inst.tickF;
          const exit = (this.exitTL / this.entryQty) * inst.tickF;
          const qty = this.entryQty * inst.lotF;
          this.mod.onTrade(this.api, { side, qty, entryPrice: entry, exitPrice: exit, pnl: (side === 'long' ? exit - entry : entry - exit) * qty, entryTs: this.entryTs, exitTs: f.ts });
        }
      }
    }
  }
}

/** Strategies that hold something outside the kernel (a sandbox process) have a `close`. */
export function release(s: Strategy): void {
  (s as { close?: () => void }).close?.();
}

/**
 * A strategy whose implementation can be swapped while it runs (hot reload in paper mode): the kernel keeps
 * one Strategy object; `swap` replaces what it delegates to and starts the new one on the same context.
 * Positions and orders stay; the new version begins with fresh indicator state.
 */
export class ReloadableStrategy implements Strategy {
  readonly id: string;
  private inner: Strategy;
  private ctx: StrategyContext | undefined;

  constructor(inner: Strategy) {
    this.inner = inner;
    this.id = inner.id;
  }

  get version(): string | undefined {
    return this.inner.version;
  }

  swap(next: Strategy): void {
    const old = this.inner;
    this.inner = next;
    release(old);
    if (this.ctx) next.onStart?.(this.ctx);
  }

  /** Releases what the current implementation holds (a sandbox process); a replaced one is released on swap. */
  close(): void {
    release(this.inner);
  }

  onStart(ctx: StrategyContext): void {
    this.ctx = ctx;
    this.inner.onStart?.(ctx);
  }

  onBar(ctx: StrategyContext): void {
    this.ctx = ctx;
    this.inner.onBar(ctx);
  }

  onFill(ctx: StrategyContext, f: Fill): void {
    this.inner.onFill?.(ctx, f);
  }
}
