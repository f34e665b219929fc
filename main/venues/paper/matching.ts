/**
 * Matching rules for one working order, in "y-space": y = price for a buy and −price for a sell, so that
 * for every order a HIGHER y is worse for the trader. Then, for both sides:
 *   stop / trailing trigger when y ≥ trigger;  take-profit triggers when y ≤ trigger;  a limit fills when y ≤ limit.
 *
 * Two kinds of price evidence:
 * - a JUMP to a price with nothing traded in between (a bar's open after the previous close, a trade print,
 *   a quote): whatever is triggered or marketable executes AT THAT PRICE — a gap through a stop fills at the
 *   gap price (the trigger or worse); a resting limit gapped through at a bar open fills at the open
 *   (opening-auction price improvement), but at its own limit on a trade/quote (it would have been hit first).
 * - a SEGMENT of continuous trading between two path points of a bar: a stop fills at its trigger exactly,
 *   a resting limit at its limit exactly (touch fills, no queue model).
 *
 * An order entering the book is the TAKER when it is marketable on arrival (first opportunity after its
 * latency, or the moment a stop-limit triggers); a resting limit that gets hit is the MAKER.
 */
import type { Instrument, Order } from '../../core/model/index.ts';

export const TRIG_NONE = 0;
export const TRIG_STOP = 1;
export const TRIG_TP = 2;
export const TRIG_TRAIL = 3;

export class Working {
  // Declared only: init() sets every field, always in the same order, so new and recycled objects share one shape.
  declare order: Readonly<Order>;
  declare inst: Instrument;
  declare seq: number;
  /** +1 buy, −1 sell. */
  declare s: number;
  declare remaining: number;
  /** Executes as market once triggered (or right away). */
  declare market: boolean;
  declare limY: number;
  declare trigKind: number;
  declare trigY: number;
  declare triggered: boolean;
  /** Trailing: best (lowest) y seen since acceptance. */
  declare best: number;
  declare trailTicks: number;
  declare trailBps: number;
  declare activeFrom: number;
  declare arrived: boolean;
  /** Last trailing trigger the kernel was told about. */
  declare reportedTrigY: number;
  declare cancelAt: number;
  declare canceled: boolean;
  // per-event scratch, filled by evaluate*: time along the path (Infinity = no event), fill y, liquidity
  declare evT: number;
  declare evY: number;
  declare evMaker: boolean;
  declare evTrigT: number;
  /** Post-only limit found marketable on arrival. */
  declare evPostOnlyReject: boolean;
  /**
   * Queue model (only where the venue keeps a book for the symbol, book-fills.ts): lots displayed ahead of
   * this resting limit at its price; -1 = not queued (no book, or not resting yet).
   */
  declare queueAhead: number;
  /** A pending amend (amend latency): when it takes effect (Infinity = none) and what it changes (NaN = unchanged). */
  declare amendAt: number;
  declare amendQty: number;
  declare amendPrice: number;
  declare amendTrigger: number;

  constructor(order: Readonly<Order>, inst: Instrument, seq: number, activeFrom: number) {
    this.init(order, inst, seq, activeFrom);
  }

  /** (Re)starts this object as the working state of `order`: the venue recycles finished ones. Sets every field. */
  init(order: Readonly<Order>, inst: Instrument, seq: number, activeFrom: number): this {
    this.order = order;
    this.inst = inst;
    this.seq = seq;
    this.s = order.side === 'buy' ? 1 : -1;
    this.remaining = order.qty - order.filledQty;
    const t = order.type;
    this.market = t === 'market' || t === 'stop-market' || t === 'take-profit' || t === 'trailing-stop';
    this.limY = order.price === undefined ? Infinity : this.s * order.price;
    this.trigKind = t === 'stop-market' || t === 'stop-limit' ? TRIG_STOP : t === 'take-profit' || t === 'take-profit-limit' ? TRIG_TP : t === 'trailing-stop' ? TRIG_TRAIL : TRIG_NONE;
    this.trigY = order.triggerPrice === undefined ? Infinity : this.s * order.triggerPrice;
    this.triggered = this.trigKind === TRIG_NONE;
    this.best = NaN;
    this.trailTicks = order.trail?.kind === 'absolute' ? order.trail.ticks : 0;
    this.trailBps = order.trail?.kind === 'percent' ? order.trail.bps : 0;
    this.activeFrom = activeFrom;
    this.arrived = false;
    this.reportedTrigY = Infinity;
    this.cancelAt = Infinity;
    this.canceled = false;
    this.evT = Infinity;
    this.evY = 0;
    this.evMaker = false;
    this.evTrigT = NaN;
    this.evPostOnlyReject = false;
    this.queueAhead = -1;
    this.amendAt = Infinity;
    this.amendQty = NaN;
    this.amendPrice = NaN;
    this.amendTrigger = NaN;
    return this;
  }

  /** Trailing: follow a new best y; the trigger only ever moves in the trader's favour (down in y). */
  trail(y: number): boolean {
    if (!(y < this.best) && !Number.isNaN(this.best)) return false;
    this.best = y;
    const d = this.trailBps ? Math.max(1, Math.round((Math.abs(y) * this.trailBps) / 10_000)) : this.trailTicks;
    const t = y + d;
    if (t < this.trigY) {
      this.trigY = t;
      return true;
    }
    return false;
  }

  reset(): void {
    this.evT = Infinity;
    this.evTrigT = NaN;
    this.evPostOnlyReject = false;
  }

  /**
   * A jump to y at path time t. `gapAtPoint`: resting limits fill at y (bar open) rather than at their
   * limit (trade/quote print). Returns true when an execution (or post-only reject) is due at t.
   */
  jump(y: number, t: number, gapAtPoint: boolean): boolean {
    const arrival = !this.arrived;
    let justTriggered = false;
    if (!this.triggered) {
      if (this.trigKind === TRIG_TRAIL) {
        if (Number.isNaN(this.best) && this.trigY !== Infinity) this.best = y;
        this.trail(y);
      }
      const hit = this.trigKind === TRIG_TP ? y <= this.trigY : y >= this.trigY;
      if (!hit) return false;
      this.triggered = true;
      this.evTrigT = t;
      justTriggered = true;
    }
    if (this.market) return this.set(t, y, false);
    if (y <= this.limY) {
      const taking = arrival || justTriggered;
      if (taking && this.order.postOnly) {
        this.evPostOnlyReject = true;
        this.evT = t;
        return true;
      }
      return this.set(t, taking || gapAtPoint ? y : this.limY, !taking);
    }
    return false;
  }

  /** Continuous trading from ya to yb during path step k (times k..k+1). */
  segment(ya: number, yb: number, k: number): boolean {
    const at = (y: number): number => (ya === yb ? k : k + (y - ya) / (yb - ya));
    if (!this.triggered) {
      let Y: number;
      if (this.trigKind === TRIG_TRAIL) {
        if (yb < ya) {
          this.trail(yb);
          return false;
        }
        if (!(yb >= this.trigY)) return false;
        Y = this.trigY;
      } else if (this.trigKind === TRIG_STOP) {
        if (!(yb >= this.trigY)) return false;
        Y = this.trigY;
      } else {
        if (!(yb <= this.trigY)) return false;
        Y = this.trigY;
      }
      this.triggered = true;
      this.evTrigT = at(Y);
      if (this.market) return this.set(this.evTrigT, Y, false);
      if (Y <= this.limY) return this.set(this.evTrigT, Y, false);
      if (yb <= this.limY) return this.set(at(this.limY), this.limY, true);
      return false;
    }
    if (this.market) return false; // a market remainder (volume-capped) waits for the next open
    if (Math.min(ya, yb) <= this.limY) return this.set(at(this.limY), this.limY, true);
    return false;
  }

  private set(t: number, y: number, maker: boolean): boolean {
    this.evT = t;
    this.evY = y;
    this.evMaker = maker;
    return true;
  }
}

/**
 * The documented intrabar path of a bar: open → nearer extreme → farther extreme → close. A tie (open
 * equidistant) goes to the high first. 'high-first' / 'low-first' force one order (to test sensitivity).
 */
export type IntrabarPath = 'nearer-extreme' | 'high-first' | 'low-first';

export function barPath(mode: IntrabarPath, o: number, h: number, l: number, c: number, out: number[]): void {
  const highFirst = mode === 'high-first' || (mode === 'nearer-extreme' && h - o <= o - l);
  out[0] = o;
  out[1] = highFirst ? h : l;
  out[2] = highFirst ? l : h;
  out[3] = c;
}
