/**
 * The strategy hook. A strategy sees closed bars only: `ctx.i` is the bar that just closed, and every
 * accessor takes "bars ago" (0 = that bar) and refuses to look forward. Orders it places go through the
 * same risk gate as the ticket's; a market order placed in onBar fills at the NEXT bar's open.
 * The context is one reused object with index access into the columns: nothing is allocated per bar.
 */
import { StrategyError } from '../errors.ts';
import type { CandleColumns, Fill, Instrument, Lots, Order, OrderRequest, Ticks } from '../model/index.ts';
import type { Engine } from './kernel.ts';
import type { PositionState } from '../portfolio/portfolio.ts';

export interface Strategy {
  readonly id: string;
  readonly version?: string;
  onStart?(ctx: StrategyContext): void;
  onBar(ctx: StrategyContext): void;
  onFill?(ctx: StrategyContext, fill: Fill): void;
  onOrder?(ctx: StrategyContext, order: Readonly<Order>): void;
}

export type StrategyOrder = Omit<OrderRequest, 'symbol'>;

export class StrategyContext {
  readonly engine: Engine;
  readonly strategy: Strategy;
  readonly symbol: string;
  readonly instrument: Instrument;
  bars: CandleColumns;
  /** Index of the bar that just closed. */
  i = -1;
  private readonly pos: PositionState;

  constructor(engine: Engine, strategy: Strategy, instrument: Instrument, bars: CandleColumns) {
    this.engine = engine;
    this.strategy = strategy;
    this.symbol = instrument.symbol;
    this.instrument = instrument;
    this.bars = bars;
    this.pos = engine.portfolio.positions.get(instrument.symbol)!;
  }

  /** Out-of-range access: before the first bar is NaN, a negative "ago" (the future) is refused. */
  private edge(ago: number): number {
    if (!(ago >= 0)) throw new StrategyError(`look-ahead refused: bar ${ago} ago`, { i: this.i, ago });
    return NaN;
  }

  // Each accessor is written out (no shared helper) so it stays small enough to inline into onBar: a
  // non-inlined call returning a double would allocate a heap number per call.
  /** Close `ago` bars back (NaN before the first bar). */
  close(ago = 0): number {
    const k = this.i - ago;
    return ago >= 0 && k >= 0 ? this.bars.close[k]! : this.edge(ago);
  }
  open(ago = 0): number {
    const k = this.i - ago;
    return ago >= 0 && k >= 0 ? this.bars.open[k]! : this.edge(ago);
  }
  high(ago = 0): number {
    const k = this.i - ago;
    return ago >= 0 && k >= 0 ? this.bars.high[k]! : this.edge(ago);
  }
  low(ago = 0): number {
    const k = this.i - ago;
    return ago >= 0 && k >= 0 ? this.bars.low[k]! : this.edge(ago);
  }
  volume(ago = 0): number {
    const k = this.i - ago;
    return ago >= 0 && k >= 0 ? this.bars.volume[k]! : this.edge(ago);
  }
  /** Open time of the bar `ago` back. */
  time(ago = 0): number {
    const k = this.i - ago;
    return ago >= 0 && k >= 0 ? this.bars.ts[k]! : this.edge(ago);
  }
  /** Number of closed bars visible. */
  get count(): number {
    return this.i + 1;
  }

  get position(): Lots {
    return this.pos.qty;
  }
  get equity(): number {
    return this.engine.portfolio.equity();
  }
  /** Price float → ticks on this instrument's grid. */
  ticks(price: number): Ticks {
    return Math.round(price / this.instrument.tickF);
  }

  /** Places an order through the risk gate. Returns undefined when the gate rejects it (the verdict is audited). */
  submit(req: StrategyOrder): Order | undefined {
    // Every field named (not a spread of req): one object shape for all requests, and a strategy's own extra
    // keys never travel further.
    const r: OrderRequest = {
      symbol: this.symbol, side: req.side, type: req.type, qty: req.qty, price: req.price, triggerPrice: req.triggerPrice, trail: req.trail,
      tif: req.tif, expireAt: req.expireAt, reduceOnly: req.reduceOnly, postOnly: req.postOnly, clientOrderId: req.clientOrderId, tag: req.tag,
    };
    return this.engine.trySubmit(r, 'strategy', this.strategy);
  }
  buy(qty: Lots, tag?: string): Order | undefined {
    return this.engine.trySubmit({ symbol: this.symbol, side: 'buy', type: 'market', qty, tag }, 'strategy', this.strategy);
  }
  sell(qty: Lots, tag?: string): Order | undefined {
    return this.engine.trySubmit({ symbol: this.symbol, side: 'sell', type: 'market', qty, tag }, 'strategy', this.strategy);
  }
  /** Reduce-only market order closing the whole position (undefined when flat or refused). */
  flatten(tag?: string): Order | undefined {
    const pos = this.position;
    if (pos === 0) return undefined;
    return this.engine.trySubmit({ symbol: this.symbol, side: pos > 0 ? 'sell' : 'buy', type: 'market', qty: Math.abs(pos), reduceOnly: true, tag }, 'strategy', this.strategy);
  }
  /** Market order for the difference between the current and the target position (no-op when equal). */
  target(qty: Lots, tag?: string): Order | undefined {
    const d = qty - this.position;
    return d > 0 ? this.buy(d, tag) : d < 0 ? this.sell(-d, tag) : undefined;
  }
  cancel(clientOrderId: string): void {
    this.engine.cancel(clientOrderId);
  }
  /**
   * Cancels this symbol's strategy-placed orders. The trader's own orders (ticket, hotkey, webhook) on the
   * same symbol are never touched: in paper and live sessions a strategy runs next to manual trading.
   */
  cancelAll(): void {
    for (const o of this.engine.openOrders(this.symbol)) if (o.source === 'strategy') this.engine.cancel(o.clientOrderId);
  }
  openOrders(): Order[] {
    return this.engine.openOrders(this.symbol);
  }
  /** Records a named signal with the inputs that produced it (audited). */
  signal(name: string, inputs: Readonly<Record<string, unknown>>): void {
    this.engine.recordSignal(this.strategy, this.symbol, name, { ...inputs, bar: this.i, barTs: this.time(0) });
  }
}
