/**
 * Compiles a validated rules document into a kernel Strategy. Conditions become closures over typed
 * arrays (no allocation per bar); orders go through the strategy context, hence the risk gate, like any
 * other order. Timing, on a bar's close (the only moment a strategy runs):
 *   - an entry or exit signal places a market order, which fills at the NEXT bar's open (paper venue);
 *   - protective exits (stop-loss / take-profit / trailing stop) are armed at the close of the bar in which
 *     the entry filled, as one reduce-only OCO group, so they work from the following bar on (a gap
 *     through a stop fills at the open, the venue's rule);
 *   - a time exit of N bars closes at the close of the N-th bar held (fills at the next open).
 */
import { StrategyError } from '../errors.ts';
import type { StrategyContext, Strategy } from '../engine/strategy.ts';
import type { Order, OrderRequest, Side } from '../model/index.ts';
import { floatToLots, floatToTicks, isTerminal } from '../model/index.ts';
import { RiskRejectedError } from '../errors.ts';
import type { Condition, Distance, RulesStrategy } from './dsl.ts';
import { compileCondition, type Test } from './condition.ts';
import { SeriesSet, type Column, type IndicatorMemo } from './series.ts';

const DAY_MS = 86_400_000;

export interface CompiledRulesOptions {
  /** Strategy id (defaults to the document's name) and version (content hash) cited in audit entries. */
  readonly id?: string;
  readonly version?: string;
  /** Shares batch indicator outputs with other runs over the same candles (sweeps). */
  readonly memo?: IndicatorMemo;
}

export class RulesStrategyRunner implements Strategy {
  readonly id: string;
  readonly version: string | undefined;
  readonly spec: RulesStrategy;
  private readonly series: SeriesSet;
  private readonly price: Record<'open' | 'high' | 'low' | 'close' | 'volume', Column> = {
    open: { a: new Float64Array(0) }, high: { a: new Float64Array(0) }, low: { a: new Float64Array(0) }, close: { a: new Float64Array(0) }, volume: { a: new Float64Array(0) },
  };
  private readonly cols = new Map<string, Column>();
  private readonly entryLong: Test | undefined;
  private readonly entryShort: Test | undefined;
  private readonly exitLong: Test | undefined;
  private readonly exitShort: Test | undefined;
  // state
  private prevPos = 0;
  private entryBar = -1;
  private signalBar = -1;
  private armed = false;
  private lastExitBar = -Infinity;
  private day = -1;
  private tradesToday = 0;
  private pending: Order | undefined;
  /** Entries placed (risk-gate rejections and zero-size signals are not counted). */
  entries = 0;
  skipped = 0;

  constructor(spec: RulesStrategy, opts: CompiledRulesOptions = {}) {
    this.spec = spec;
    this.id = opts.id ?? spec.name;
    this.version = opts.version;
    this.series = new SeriesSet(opts.memo);
    for (const [id, ind] of Object.entries(spec.indicators)) {
      const outs = this.series.add({ name: ind.name, params: ind.params });
      const first = [...outs.values()][0]!;
      this.cols.set(id, first);
      for (const [o, c] of outs) this.cols.set(`${id}.${o}`, c);
    }
    const c = (x: Condition | undefined): Test | undefined => (x ? this.cond(x) : undefined);
    this.entryLong = c(spec.entry.long);
    this.entryShort = c(spec.entry.short);
    this.exitLong = c(spec.exit.long);
    this.exitShort = c(spec.exit.short);
  }

  private column(ref: string): Column {
    const p = this.price[ref as keyof typeof this.price];
    if (p) return p;
    const c = this.cols.get(ref);
    if (!c) throw new StrategyError(`unknown series ${ref}`);
    return c;
  }

  private cond(c: Condition): Test {
    return compileCondition(c, (ref) => this.column(ref));
  }

  onStart(ctx: StrategyContext): void {
    this.bind(ctx);
  }

  private bind(ctx: StrategyContext): void {
    const b = ctx.bars;
    this.price.open.a = b.open; this.price.high.a = b.high; this.price.low.a = b.low; this.price.close.a = b.close; this.price.volume.a = b.volume;
  }

  onBar(ctx: StrategyContext): void {
    const i = ctx.i;
    if (this.price.close.a !== ctx.bars.close) this.bind(ctx);
    this.series.update(ctx.bars, i);
    const pos = ctx.position;
    if (pos !== this.prevPos) this.positionChanged(ctx, pos, i);
    if (pos !== 0 && !this.armed) this.arm(ctx, pos);
    if (this.pending && isTerminal(this.pending.state)) this.pending = undefined;
    let exiting = false;
    if (pos !== 0) {
      const ex = pos > 0 ? this.exitLong : this.exitShort;
      const t = this.spec.exits.timeExitBars;
      if ((ex !== undefined && ex(i)) || (t !== undefined && i - this.entryBar + 1 >= t)) {
        if (!this.pending) {
          ctx.cancelAll();
          this.pending = ctx.flatten('exit');
          exiting = this.pending !== undefined;
        }
      }
    }
    if (this.pending && !exiting) return;
    if (pos !== 0 && !exiting) {
      // Reversal: an opposite entry while in a position closes it and opens the other side at once.
      const opp = pos > 0 ? this.entryShort : this.entryLong;
      if (!opp || !opp(i)) return;
      ctx.cancelAll();
      const x = ctx.flatten('exit');
      if (!x) return;
      this.pending = x;
      exiting = true;
    }
    if (i - this.lastExitBar < this.spec.cooldownBars) return;
    const side: Side | undefined = this.entryLong?.(i) && (pos <= 0) ? 'buy' : this.entryShort?.(i) && (pos >= 0) ? 'sell' : undefined;
    if (!side) return;
    const max = this.spec.maxTradesPerDay;
    if (max !== undefined) {
      const d = Math.floor((ctx.bars.ts[i]! + ctx.bars.intervalMs) / DAY_MS);
      if (d !== this.day) {
        this.day = d;
        this.tradesToday = 0;
      }
      if (this.tradesToday >= max) return;
    }
    const qty = this.size(ctx, i);
    if (qty <= 0) {
      this.skipped++;
      return;
    }
    const o = side === 'buy' ? ctx.buy(qty, 'entry') : ctx.sell(qty, 'entry');
    if (!o) return;
    this.pending = o;
    this.signalBar = i;
    this.entries++;
    this.tradesToday++;
  }

  private positionChanged(ctx: StrategyContext, pos: number, i: number): void {
    const prev = this.prevPos;
    this.prevPos = pos;
    if (prev !== 0 && (pos === 0 || Math.sign(pos) !== Math.sign(prev))) {
      this.lastExitBar = i;
      this.armed = false;
      if (ctx.engine.openOrders(ctx.symbol).length) ctx.cancelAll(); // leftover protective legs
    }
    if (pos !== 0 && (prev === 0 || Math.sign(pos) !== Math.sign(prev))) {
      this.entryBar = i;
      this.armed = false;
    }
  }

  /** Entry size in lots; 0 skips the signal (not enough equity, indicator still warming up). */
  private size(ctx: StrategyContext, i: number): number {
    const s = this.spec.sizing;
    const inst = ctx.instrument;
    const close = ctx.bars.close[i]!;
    let qty: number;
    if (s.mode === 'fixed') qty = floatToLots(inst, s.qty);
    else {
      const equity = ctx.equity;
      const perLotAtClose = (close / inst.tickF) * inst.notionalUnitF;
      if (s.mode === 'percentEquity') qty = Math.floor((equity * s.percent) / 100 / perLotAtClose);
      else {
        const atr = this.column(s.atr).a[i]!;
        if (!(atr > 0)) return 0;
        const perLotRisk = ((atr * s.atrMult) / inst.tickF) * inst.notionalUnitF;
        qty = Math.floor((equity * s.percent) / 100 / perLotRisk);
      }
    }
    if (!Number.isFinite(qty)) throw new StrategyError(`position size is not a number at bar ${i} (sizing ${s.mode})`, { bar: i, sizing: s.mode });
    return qty;
  }

  private distance(d: Distance, ref: number): number {
    if ('percent' in d) return (ref * d.percent) / 100;
    const a = this.column(d.atr).a[this.signalBar >= 0 ? this.signalBar : 0]!;
    return a * d.mult;
  }

  /** Places the protective exits around the average entry price (one OCO group, reduce-only). */
  private arm(ctx: StrategyContext, pos: number): void {
    this.armed = true;
    const ex = this.spec.exits;
    const sz = this.spec.sizing;
    const stop = ex.stopLoss ?? (sz.mode === 'risk' ? { atr: sz.atr, mult: sz.atrMult } : undefined);
    if (!stop && !ex.takeProfit && !ex.trailingStop) return;
    const inst = ctx.instrument;
    const entryTicks = ctx.engine.portfolio.position(ctx.symbol).avgPrice;
    const entry = entryTicks * inst.tickF;
    const s = pos > 0 ? 1 : -1;
    const side: Side = pos > 0 ? 'sell' : 'buy';
    const qty = Math.abs(pos);
    const legs: OrderRequest[] = [];
    const base = { symbol: ctx.symbol, side, qty, reduceOnly: true } as const;
    if (stop) {
      const d = this.distance(stop, entry);
      const t = floatToTicks(inst, entry - s * d);
      if (d > 0 && t > 0) legs.push({ ...base, type: 'stop-market', triggerPrice: t, tag: 'stop-loss' });
    }
    if (ex.takeProfit) {
      const d = this.distance(ex.takeProfit, entry);
      const t = floatToTicks(inst, entry + s * d);
      if (d > 0 && t > 0) legs.push({ ...base, type: 'take-profit', triggerPrice: t, tag: 'take-profit' });
    }
    if (ex.trailingStop) {
      const d = ex.trailingStop;
      if ('percent' in d) legs.push({ ...base, type: 'trailing-stop', trail: { kind: 'percent', bps: Math.max(1, Math.round(d.percent * 100)) }, tag: 'trailing-stop' });
      else {
        const ticks = Math.round(this.distance(d, entry) / inst.tickF);
        if (ticks > 0) legs.push({ ...base, type: 'trailing-stop', trail: { kind: 'absolute', ticks }, tag: 'trailing-stop' });
      }
    }
    if (legs.length === 0) return;
    try {
      if (legs.length === 1) ctx.engine.trySubmit(legs[0]!, 'strategy', this);
      else ctx.engine.submitOco(legs, 'strategy');
    } catch (e) {
      if (!(e instanceof RiskRejectedError)) throw e;
    }
  }
}

export function compileRules(spec: RulesStrategy, opts?: CompiledRulesOptions): RulesStrategyRunner {
  return new RulesStrategyRunner(spec, opts);
}
