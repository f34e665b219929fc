/** What the paper venue knows of one symbol: its latest price evidence, its book and its working orders. */
import type { CandleColumns, Instrument } from '../../core/model/index.ts';
import { floatToTicks } from '../../core/model/index.ts';
import type { L2Book } from './book.ts';

export class SymState {
  readonly inst: Instrument;
  bars: CandleColumns | undefined;
  i = -1;
  /** Which evidence is newest: 0 none, 1 bar close, 2 trade, 3 quote. */
  src = 0;
  lastTrade = 0;
  bid = NaN;
  ask = NaN;
  bidQty = 0;
  askQty = 0;
  pos = 0;
  book: L2Book | undefined;
  working = 0;
  /**
   * The earliest time at which one of this symbol's working orders changes state by itself (becomes active,
   * its cancel or amend lands, a GTD expiry): until then an event needs no such bookkeeping. -Infinity after
   * a submit, cancel or amend: recomputed by the next event's pass.
   */
  dueAt = -Infinity;
  constructor(inst: Instrument) {
    this.inst = inst;
  }
  /** Reference price a buy (ask side) or sell (bid side) would trade at now, in ticks; NaN if unknown. */
  ref(side: number): number {
    if (this.src === 3) return floatToTicks(this.inst, side > 0 ? this.ask : this.bid);
    if (this.src === 2) return this.lastTrade;
    if (this.src === 1) return floatToTicks(this.inst, this.bars!.close[this.i]!);
    return NaN;
  }
}
