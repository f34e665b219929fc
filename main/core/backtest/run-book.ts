/**
 * What a backtest result is made of besides its curves, taken one fill at a time: the round trips, the
 * determinism hash's fill lines, the fill count and the fees paid. A full backtest fills it from its kept
 * fills after the run; a sweep row fills it from the engine's bus as each fill happens, so its engine keeps
 * no fill and no final order (a third of what a sweep allocated was that history, copied by every young
 * collection while the run lasted and thrown away right after).
 */
import type { Fill, Money } from '../model/index.ts';
import { FillLines } from './fill-lines.ts';
import { RoundTripBook, type TradeOptions } from './trades.ts';

export class RunBook {
  readonly trips: RoundTripBook;
  /** Kept fill lines (see fill-lines.ts); a sweep lends the same buffer run after run. */
  readonly lines: FillLines;
  fills = 0;
  fees: Money = 0n;

  /** `capacity`: trades expected; `lines`: a buffer to reuse (cleared here). */
  constructor(opts: TradeOptions, capacity?: number, lines: FillLines = new FillLines()) {
    this.trips = new RoundTripBook(opts, capacity);
    lines.clear();
    this.lines = lines;
  }

  /** A fill as applied, with the tag of its order. */
  add(f: Fill, tag: string | undefined): void {
    this.trips.add(f, tag);
    this.lines.add(f, tag);
    this.fills++;
    this.fees += f.fee;
  }

  /** The book of fills already applied, in order. */
  static of(fills: readonly Fill[], tagOf: ((clientOrderId: string) => string | undefined) | undefined, opts: TradeOptions): RunBook {
    // A round trip takes an opening and a closing fill: half the fills (plus one) is room for nearly all.
    const b = new RunBook(opts, (fills.length >> 1) + 1);
    for (let k = 0; k < fills.length; k++) {
      const f = fills[k]!;
      b.add(f, tagOf ? tagOf(f.clientOrderId) : undefined);
    }
    return b;
  }
}
