/** Position snapshots as the portfolio reports them (plain data, safe to send over IPC after Money→string). */
import type { Money } from './money.ts';
import type { Lots, Ticks } from './instrument.ts';

/** An open FIFO lot: signed quantity (long > 0, short < 0) at its entry price. */
export interface Lot {
  readonly qty: Lots;
  readonly price: Ticks;
  readonly ts: number;
}

export interface PositionSnapshot {
  readonly symbol: string;
  /** Signed lots: long > 0, short < 0. */
  readonly qty: Lots;
  readonly lots: readonly Lot[];
  /** Volume-weighted entry price of open lots in ticks (float; display only). */
  readonly avgPrice: number;
  readonly realizedPnl: Money;
  readonly unrealizedPnl: Money;
  readonly fees: Money;
  readonly funding: Money;
  /** What unrealized P&L is valued at: a perpetual's venue mark price when one arrived, else the last price. */
  readonly markPrice: Ticks;
  /** Margin reserved at the configured leverage (perpetuals); 0 for spot. */
  readonly margin: Money;
}
