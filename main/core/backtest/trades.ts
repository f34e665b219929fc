/**
 * Round-trip trades from fills. A trade runs from flat to flat on one symbol; a fill that crosses zero is
 * split (its fee in proportion), closing one trade and opening the next. Money is exact: notionals are
 * integer tick·lots times the instrument's notional unit, P&L is net of both sides' fees.
 */
import type { Fill, Instrument, Money } from '../model/index.ts';
import { divRound, lotsToQty, moneyToNumber, moneyToString } from '../model/index.ts';

export interface TradeRecord {
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly entryTs: number;
  readonly exitTs: number;
  /** Base quantity (decimal text) of the entry. */
  readonly qty: string;
  /** Average entry and exit prices (decimal text). */
  readonly entryPrice: string;
  readonly exitPrice: string;
  /** Net P&L after fees, exact decimal text, and its float view. */
  readonly pnl: string;
  readonly pnlValue: number;
  /** P&L as a fraction of the entry notional. */
  readonly returnPct: number;
  readonly fees: string;
  /** Bars held: bars of the data between the entry and exit fills (a weekend without bars is not counted). */
  readonly bars: number;
  /** Tag of the order that closed it (exit, stop-loss, take-profit, trailing-stop, end ...). */
  readonly exitReason: string;
}

interface Open {
  side: 1 | -1;
  entryTs: number;
  qty: number;
  /** Σ ticks × lots of the entry and exit fills: exact doubles while safe integers, else in entryB / exitB. */
  entryN: number;
  exitN: number;
  entryB: bigint | undefined;
  exitB: bigint | undefined;
  closed: number;
  fees: Money;
}

/** n + lots × ticks as an exact double, or NaN when it would not be a safe integer (then bigints take over). */
function addTL(n: number, lots: number, ticks: number): number {
  const u = lots * ticks;
  const s = n + u;
  return Number.isSafeInteger(u) && Number.isSafeInteger(s) ? s : NaN;
}

const entryTL = (t: Open): bigint => t.entryB ?? BigInt(t.entryN);
const exitTL = (t: Open): bigint => t.exitB ?? BigInt(t.exitN);

/**
 * A closed round trip in exact numbers (no text yet): what statistics need. A sweep ranks thousands of runs
 * from these alone; the decimal text of a TradeRecord is made only for results someone will read.
 */
export interface RoundTrip {
  readonly symbol: string;
  readonly side: 1 | -1;
  readonly entryTs: number;
  readonly exitTs: number;
  /** Entry quantity in lots, and the lots that closed it (equal unless a fill crossed zero). */
  readonly qty: number;
  readonly closedQty: number;
  /** Σ ticks × lots of the entry and exit fills. */
  readonly entryTL: bigint;
  readonly exitTL: bigint;
  readonly pnl: Money;
  readonly fees: Money;
  readonly pnlValue: number;
  readonly returnPct: number;
  readonly bars: number;
  readonly exitReason: string;
}

export interface TradeOptions {
  readonly instruments: ReadonlyMap<string, Instrument>;
  readonly intervalMs: number;
  /** Open times of the run's bars: trade lengths and exposure count bars of the data, not calendar time. */
  readonly axis?: Float64Array;
  /** false: only the figures (a sweep row needs no trade list); default true. */
  readonly objects?: boolean;
}

/**
 * What statistics read of the closed trades, as columns in closing order: no object per trade, so a sweep's
 * thousands of runs measure their trades without allocating (and promoting) one record each.
 */
export class TradeFigures {
  n = 0;
  pnlValue: Float64Array;
  returnPct: Float64Array;
  bars: Float64Array;
  /** Entry and exit as positions on the bar axis (see BarAxis): what exposure measures. */
  entryAt: Float64Array;
  exitAt: Float64Array;

  /** `capacity`: trades expected (grows past it). */
  constructor(capacity: number) {
    const c = Math.max(1, capacity);
    this.pnlValue = new Float64Array(c);
    this.returnPct = new Float64Array(c);
    this.bars = new Float64Array(c);
    this.entryAt = new Float64Array(c);
    this.exitAt = new Float64Array(c);
  }

  push(pnlValue: number, returnPct: number, bars: number, entryAt: number, exitAt: number): void {
    if (this.n === this.pnlValue.length) this.grow();
    const k = this.n++;
    this.pnlValue[k] = pnlValue;
    this.returnPct[k] = returnPct;
    this.bars[k] = bars;
    this.entryAt[k] = entryAt;
    this.exitAt[k] = exitAt;
  }

  private grow(): void {
    const g = (a: Float64Array): Float64Array => {
      const b = new Float64Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.pnlValue = g(this.pnlValue);
    this.returnPct = g(this.returnPct);
    this.bars = g(this.bars);
    this.entryAt = g(this.entryAt);
    this.exitAt = g(this.exitAt);
  }
}

export interface OpenTrade {
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly entryTs: number;
  readonly qty: string;
}

export interface RoundTrips {
  /** Empty when asked for figures only. */
  readonly closed: RoundTrip[];
  readonly figures: TradeFigures;
  readonly open: OpenTrade[];
}

/** Round trips built a fill at a time, in the order the fills were applied (a run's fills as they happen). */
export class RoundTripBook {
  private readonly opts: TradeOptions;
  // Emptied by setting undefined, not delete(): a Map that loses and regains its one entry per trade reallocates.
  private readonly open = new Map<string, Open | undefined>();
  private readonly pos = new Map<string, number>();
  private readonly closed: RoundTrip[] = [];
  private readonly figures: TradeFigures;
  private readonly objects: boolean;
  private readonly axis: BarAxis;

  /** `capacity`: trades expected (the figures grow past it). */
  constructor(opts: TradeOptions, capacity = 64) {
    this.opts = opts;
    this.objects = opts.objects ?? true;
    this.figures = new TradeFigures(capacity);
    this.axis = new BarAxis(opts.axis, opts.intervalMs);
  }

  /** `tag`: of the fill's order (a closing fill's tag is the trade's exit reason). */
  add(f: Fill, tag: string | undefined): void {
    const inst = this.opts.instruments.get(f.symbol);
    if (!inst) return;
    const open = this.open;
    const pos = this.pos;
    const s = f.side === 'buy' ? 1 : -1;
    let left = f.qty;
    let feeLeft = f.fee;
    while (left > 0) {
      const p = pos.get(f.symbol) ?? 0;
      let t = open.get(f.symbol);
      if (p === 0 || Math.sign(p) === s) {
        // opening or adding
        if (!t) {
          t = { side: s as 1 | -1, entryTs: f.ts, qty: 0, entryN: 0, exitN: 0, entryB: undefined, exitB: undefined, closed: 0, fees: 0n };
          open.set(f.symbol, t);
        }
        t.qty += left;
        const e = t.entryB === undefined ? addTL(t.entryN, left, f.price) : NaN;
        if (e === e) t.entryN = e;
        else t.entryB = entryTL(t) + BigInt(left) * BigInt(f.price);
        t.fees += feeLeft;
        pos.set(f.symbol, p + s * left);
        left = 0;
      } else {
        const part = Math.min(left, Math.abs(p));
        const fee = part === left ? feeLeft : divRound(f.fee * BigInt(part), BigInt(f.qty), 'floor');
        feeLeft -= fee;
        left -= part;
        const x = t!.exitB === undefined ? addTL(t!.exitN, part, f.price) : NaN;
        if (x === x) t!.exitN = x;
        else t!.exitB = exitTL(t!) + BigInt(part) * BigInt(f.price);
        t!.closed += part;
        t!.fees += fee;
        pos.set(f.symbol, p + s * part);
        if (p + s * part === 0) {
          close(t!, f, inst, this.axis, this.figures, this.objects ? this.closed : undefined, tag);
          open.set(f.symbol, undefined);
        }
      }
    }
  }

  result(): RoundTrips {
    const insts = this.opts.instruments;
    return {
      closed: this.closed,
      figures: this.figures,
      open: [...this.open].filter((e): e is [string, Open] => e[1] !== undefined).map(([symbol, t]) => ({ symbol, side: t.side > 0 ? 'long' : 'short', entryTs: t.entryTs, qty: lotsToQty(insts.get(symbol)!, t.qty) })),
    };
  }
}

/**
 * Times as positions on the run's bar axis: bar i's open is i, a time inside bar i is i plus the elapsed
 * fraction of the bar, and a time in a gap after bar i (a weekend) is i + 1. Without an axis (or before its
 * first bar), time / interval: the same positions while the data has no gaps.
 */
export class BarAxis {
  private readonly ts: Float64Array | undefined;
  private readonly iv: number;
  constructor(ts: Float64Array | undefined, intervalMs: number) {
    this.ts = ts && ts.length ? ts : undefined;
    this.iv = intervalMs;
  }

  at(t: number): number {
    const ts = this.ts;
    if (!ts || t < ts[0]!) return ts ? (t - ts[0]!) / this.iv : t / this.iv;
    let lo = 0;
    let hi = ts.length - 1;
    while (lo < hi) {
      const m = (lo + hi + 1) >>> 1;
      if (ts[m]! <= t) lo = m;
      else hi = m - 1;
    }
    return lo + Math.min(1, (t - ts[lo]!) / this.iv);
  }
}

function close(t: Open, f: Fill, inst: Instrument, axis: BarAxis, figures: TradeFigures, out: RoundTrip[] | undefined, tag: string | undefined): void {
  const unit = inst.notionalUnit;
  // In doubles while exact: the same Money as the bigint expression, with fewer bigints made per trade.
  const d = t.entryB === undefined && t.exitB === undefined ? (t.exitN - t.entryN) * t.side : NaN;
  const pnl = (Number.isSafeInteger(d) ? BigInt(d) : (exitTL(t) - entryTL(t)) * BigInt(t.side)) * unit - t.fees;
  const entryNotional = entryTL(t) * unit;
  const pnlValue = moneyToNumber(pnl);
  const returnPct = entryNotional === 0n ? 0 : pnlValue / moneyToNumber(entryNotional);
  const entryAt = axis.at(t.entryTs);
  const exitAt = axis.at(f.ts);
  const bars = Math.round(exitAt - entryAt);
  figures.push(pnlValue, returnPct, bars, entryAt, exitAt);
  if (!out) return;
  out.push({
    symbol: f.symbol, side: t.side, entryTs: t.entryTs, exitTs: f.ts, qty: t.qty, closedQty: t.closed, entryTL: entryTL(t), exitTL: exitTL(t),
    pnl, fees: t.fees, pnlValue, returnPct, bars, exitReason: tag ?? 'exit',
  });
}

/** The readable record of a round trip: quantities and prices as exact decimal text. */
export function describeTrade(t: RoundTrip, inst: Instrument): TradeRecord {
  const avg = (tl: bigint, q: number): string => trimZeros(moneyToString(divRound(tl * inst.tick, BigInt(q), 'half-even'), inst.priceDecimals + 4));
  return {
    symbol: t.symbol,
    side: t.side > 0 ? 'long' : 'short',
    entryTs: t.entryTs,
    exitTs: t.exitTs,
    qty: lotsToQty(inst, t.qty),
    entryPrice: avg(t.entryTL, t.qty),
    exitPrice: avg(t.exitTL, t.closedQty),
    pnl: moneyToString(t.pnl),
    pnlValue: t.pnlValue,
    returnPct: t.returnPct,
    fees: moneyToString(t.fees),
    bars: t.bars,
    exitReason: t.exitReason,
  };
}

function trimZeros(s: string): string {
  if (!s.includes('.')) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  return s.slice(0, end);
}
