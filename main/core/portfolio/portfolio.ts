/**
 * Portfolio and ledger: cash per currency, one position per instrument with FIFO lots, realized and
 * unrealized P&L, fees, funding, margin, equity.
 *
 * Exactness: cash, fees, funding and realized P&L are Money (bigint atto-units). Lot prices are ticks and
 * lot sizes are lots, so open cost is an integer number of tick·lots. Float mirrors exist only for the
 * per-candle equity curve (a valuation that is recomputed from exact state, never accumulated).
 *
 * Spot: a fill moves the full notional between quote cash and the position (the base holding); shorts are
 *   allowed (margin borrow) and simply make the holding negative.
 * Perpetual (linear): cash moves only by realized P&L, fees and funding; equity = cash + unrealized.
 *
 * Order independence: the ledger is the deduplicated set of fills and funding events in canonical order
 * (ts, funding before fills, venue, tradeId). In-order arrivals are applied incrementally; a late arrival
 * triggers a rebuild, so the same set of fills gives the same positions and P&L however it arrives.
 */
import { IllegalTransitionError, ValidationError } from '../errors.ts';
import type { Fill, Instrument, Lots, Money, PositionSnapshot, Ticks } from '../model/index.ts';
import { divRound, money, moneyToNumber, mulRate, notional, snap } from '../model/index.ts';

export interface PortfolioConfig {
  /** Currency equity is reported in. */
  readonly baseCurrency: string;
  /** Initial balances, decimal text, e.g. { USDT: '10000' }. */
  readonly cash: Readonly<Record<string, string>>;
  /** Leverage per perpetual symbol (default 1). */
  readonly leverage?: Readonly<Record<string, number>>;
}

export interface PortfolioOptions {
  /**
   * Keep every fill and funding entry (default true): needed to list fills and to re-apply the ledger when a
   * late entry arrives. A summary-only backtest turns it off: its fills arrive in order from the paper venue
   * and are read off the engine's bus as they happen, so keeping them only made work for the garbage collector.
   */
  readonly ledger?: boolean;
}

export interface FundingEvent {
  readonly symbol: string;
  readonly ts: number;
  /** Funding rate as Money-scaled fraction (money('0.0001') = 1 bp); longs pay when positive. */
  readonly rate: Money;
  readonly markPrice: Ticks;
}

/** A ledger entry: a fill as it is (one per fill, so no wrapper), or a funding event wrapped (rare). */
type Entry = Fill | { readonly funding: FundingEvent };
const isFunding = (x: Entry): x is { readonly funding: FundingEvent } => 'funding' in x;

export class PositionState {
  readonly inst: Instrument;
  leverage: number;
  qty: Lots = 0;
  /** FIFO queue of open lots (signed qty, price ticks); head index avoids shifting arrays. */
  lotQty: number[] = [];
  lotPx: number[] = [];
  lotTs: number[] = [];
  head = 0;
  /** Σ qty × price over open lots, in tick·lots (exact integer). */
  cost = 0;
  realized: Money = 0n;
  fees: Money = 0n;
  funding: Money = 0n;
  /** Last mark as a float price (what candles carry). Starts as a double so the field is stored unboxed. */
  markF = 0.5;
  /**
   * Perpetuals: the venue's mark price (premiumIndex) when one has arrived since the position opened, else 0.
   * Unrealized P&L, equity and margin of a perpetual are valued at it, as a venue does; spot stays at the last price.
   */
  venueMarkF = 0.5;
  /** Value of one unit of the settlement currency in the base currency (float, for the equity curve). */
  // Float fields start as doubles (0.5) so V8 stores them unboxed; a field first set to undefined or a small
  // integer becomes tagged and every later double write allocates. The constructor sets the real values.
  fxF = 0.5;
  /** Float value of one lot at price 1: lot × contract size. */
  readonly lotValueF: number = 0.5;
  readonly unitF: number = 0.5;
  readonly perp: boolean;

  constructor(inst: Instrument, leverage: number) {
    this.inst = inst;
    this.leverage = leverage;
    this.lotValueF = inst.lotF * Number(inst.contractSize);
    this.unitF = inst.notionalUnitF;
    this.perp = inst.kind === 'perpetual';
    this.markF = 0;
    this.venueMarkF = 0;
    this.fxF = 0;
  }

  markTicks(): Ticks {
    return snap(this.markF / this.inst.tickF, 'half-even');
  }

  /** The price P&L is valued at: a perpetual's venue mark when known, else the last price (markF). */
  pnlMarkF(): number {
    return this.venueMarkF > 0 ? this.venueMarkF : this.markF;
  }

  pnlMarkTicks(): Ticks {
    return snap(this.pnlMarkF() / this.inst.tickF, 'half-even');
  }

  /** Whether pnlMarkF is the venue's mark price (not the last price). */
  get markedByVenue(): boolean {
    return this.venueMarkF > 0;
  }

  /** Settlement-currency float contribution to equity at the current mark. */
  valueF(): number {
    if (this.qty === 0) return 0;
    const v = this.qty * this.lotValueF * this.pnlMarkF();
    return this.perp ? v - this.cost * this.inst.notionalUnitF : v;
  }
}

export class Portfolio {
  readonly baseCurrency: string;
  private readonly initial: ReadonlyMap<string, Money>;
  private readonly leverage: Readonly<Record<string, number>>;
  private readonly cashM = new Map<string, Money>();
  /** The currencies of cashM as an array: refreshed per fill without allocating a Map iterator. */
  private readonly ccys: string[] = [];
  private readonly fx = new Map<string, number>();
  readonly positions = new Map<string, PositionState>();
  /** Positions as an array for the per-candle equity loop (no iterator allocation). */
  private posList: PositionState[] = [];
  private cashValueF = 0.5;
  /** Applied fill ids per venue (nested to avoid building a concatenated key per fill). */
  private readonly seen = new Map<string, SeenIds>();
  private lastVenue = '';
  private lastIds: SeenIds | undefined;
  private readonly fundingSeen = new Set<string>();
  private readonly ledger: Entry[] = [];
  /** Whether entries are kept (see PortfolioOptions.ledger); without them, the last one applied. */
  private readonly keep: boolean;
  private last: Entry | undefined;

  constructor(cfg: PortfolioConfig, instruments: readonly Instrument[] = [], opts: PortfolioOptions = {}) {
    this.baseCurrency = cfg.baseCurrency;
    this.keep = opts.ledger ?? true;
    this.leverage = cfg.leverage ?? {};
    this.initial = new Map(Object.entries(cfg.cash).map(([c, v]) => [c, money(v)]));
    this.fx.set(cfg.baseCurrency, 1);
    for (const i of instruments) this.addInstrument(i);
    this.reset();
  }

  addInstrument(inst: Instrument): PositionState {
    let p = this.positions.get(inst.symbol);
    if (p) return p;
    const lev = this.leverage[inst.symbol] ?? 1;
    if (!(lev >= 1 && lev <= inst.maxLeverage)) throw new ValidationError(`leverage ${lev} out of range for ${inst.symbol}`);
    p = new PositionState(inst, lev);
    p.fxF = this.fx.get(inst.settle) ?? 0;
    this.positions.set(inst.symbol, p);
    this.posList.push(p);
    return p;
  }

  private reset(): void {
    this.cashM.clear();
    for (const [c, v] of this.initial) this.newCash(c, v);
    for (const p of this.posList) {
      p.qty = 0; p.lotQty = []; p.lotPx = []; p.lotTs = []; p.head = 0; p.cost = 0;
      p.realized = 0n; p.fees = 0n; p.funding = 0n;
    }
    this.refreshCashF();
  }

  /** Value of one unit of `ccy` in the base currency, for the float equity curve. */
  setRate(ccy: string, rate: number): void {
    this.fx.set(ccy, rate);
    for (const p of this.posList) p.fxF = this.fx.get(p.inst.settle) ?? 0;
    this.refreshCashF();
  }

  private refreshCashF(): void {
    let v = 0;
    const cs = this.ccys;
    for (let k = 0; k < cs.length; k++) {
      const c = cs[k]!;
      const m = this.cashM.get(c);
      if (m !== undefined) v += moneyToNumber(m) * (this.fx.get(c) ?? 0);
    }
    this.cashValueF = v;
  }

  private addCash(ccy: string, delta: Money): void {
    const m = this.cashM.get(ccy);
    if (m === undefined) this.newCash(ccy, delta);
    else this.cashM.set(ccy, m + delta);
  }

  /** cash − amount without making −amount first (one bigint less per fill and leg). */
  private subCash(ccy: string, amount: Money): void {
    const m = this.cashM.get(ccy);
    if (m === undefined) this.newCash(ccy, -amount);
    else this.cashM.set(ccy, m - amount);
  }

  private newCash(ccy: string, v: Money): void {
    this.cashM.set(ccy, v);
    // Sorted, so the float sum's order never depends on the order fills arrived in.
    if (!this.ccys.includes(ccy)) {
      this.ccys.push(ccy);
      this.ccys.sort();
    }
  }

  cash(ccy: string): Money {
    return this.cashM.get(ccy) ?? 0n;
  }

  balances(): Record<string, Money> {
    return Object.fromEntries([...this.cashM].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /**
   * Applies a fill once. Returns false for a duplicate (same venue + tradeId). Late fills (earlier in
   * canonical order than the last applied one) rebuild the ledger so results do not depend on arrival order.
   */
  applyFill(f: Fill): boolean {
    let ids = f.venue === this.lastVenue ? this.lastIds : this.seen.get(f.venue);
    if (!ids) this.seen.set(f.venue, (ids = new SeenIds()));
    this.lastVenue = f.venue;
    this.lastIds = ids;
    if (!this.positions.has(f.symbol)) {
      if (ids.has(f.tradeId)) return false;
      throw new ValidationError(`fill for unknown instrument ${f.symbol}`);
    }
    if (!ids.add(f.tradeId)) return false;
    this.insert(f);
    return true;
  }

  hasFill(venue: string, tradeId: string): boolean {
    return this.seen.get(venue)?.has(tradeId) ?? false;
  }

  applyFunding(e: FundingEvent): void {
    if (!this.positions.has(e.symbol)) throw new ValidationError(`funding for unknown instrument ${e.symbol}`);
    const key = `funding\u0000${e.symbol}\u0000${e.ts}`;
    if (this.fundingSeen.has(key)) return;
    this.fundingSeen.add(key);
    this.insert({ funding: e });
  }

  private insert(x: Entry): void {
    if (!this.keep) return this.stream(x);
    const L = this.ledger;
    if (L.length === 0 || compareEntries(L[L.length - 1]!, x) < 0) {
      L.push(x);
      this.apply(x);
    } else {
      let i = L.length;
      while (i > 0 && compareEntries(L[i - 1]!, x) > 0) i--;
      L.splice(i, 0, x);
      this.reset();
      for (const e of L) this.apply(e);
    }
    this.refreshCashF();
  }

  /** Without a ledger there is nothing to rebuild from: an entry older than the last one is refused. */
  private stream(x: Entry): void {
    if (this.last !== undefined && compareEntries(this.last, x) > 0) {
      throw new IllegalTransitionError('ledger', 'not kept', 'late entry', { ts: isFunding(x) ? x.funding.ts : x.ts, lastTs: isFunding(this.last) ? this.last.funding.ts : this.last.ts });
    }
    this.last = x;
    this.apply(x);
    this.refreshCashF();
  }

  private apply(x: Entry): void {
    if (isFunding(x)) {
      const e = x.funding;
      const p = this.positions.get(e.symbol)!;
      const pay = mulRate(BigInt(p.qty) * BigInt(e.markPrice) * p.inst.notionalUnit, e.rate, 'half-even');
      p.funding += pay;
      this.subCash(p.inst.settle, pay);
      return;
    }
    const f = x;
    const p = this.positions.get(f.symbol)!;
    const inst = p.inst;
    // A position not marked yet (a venue that streams no prints for it) is valued at its own fill, a trade at the
    // venue, until a price arrives: never at 0, which reads as a loss of its whole notional to equity and monitors.
    if (!(p.markF > 0)) p.markF = f.price * inst.tickF;
    const signed = f.side === 'buy' ? f.qty : -f.qty;
    if (f.fee !== 0n) {
      p.fees += f.fee;
      this.subCash(f.feeCurrency, f.fee);
    }
    if (!p.perp) this.subCash(inst.quote, notional(inst, f.price, signed));
    let rest = signed;
    let pnl = 0; // tick·lots, exact integer
    while (rest !== 0 && p.head < p.lotQty.length && Math.sign(p.lotQty[p.head]!) !== Math.sign(rest)) {
      const lq = p.lotQty[p.head]!;
      const dir = Math.sign(lq);
      const close = Math.min(Math.abs(rest), Math.abs(lq));
      const lpx = p.lotPx[p.head]!;
      pnl += dir * close * (f.price - lpx);
      p.lotQty[p.head] = lq - dir * close;
      p.cost -= dir * close * lpx;
      rest += dir * close;
      if (p.lotQty[p.head] === 0) p.head++;
    }
    if (rest !== 0) {
      p.lotQty.push(rest); p.lotPx.push(f.price); p.lotTs.push(f.ts);
      p.cost += rest * f.price;
    }
    if (p.head > 64 && p.head * 2 > p.lotQty.length) {
      p.lotQty = p.lotQty.slice(p.head); p.lotPx = p.lotPx.slice(p.head); p.lotTs = p.lotTs.slice(p.head); p.head = 0;
    }
    p.qty += signed;
    // A mark from before the position went flat says nothing about the next one (the mark feed asks again within a second).
    if (p.qty === 0) p.venueMarkF = 0;
    if (pnl !== 0) {
      const m = BigInt(pnl) * inst.notionalUnit;
      p.realized += m;
      if (p.perp) this.addCash(inst.settle, m);
    }
  }

  /** Marks a position at a float price (candle close, last trade). Hot path: no allocation. */
  mark(symbol: string, price: number): void {
    const p = this.positions.get(symbol);
    if (p) p.markF = price;
  }

  /** A perpetual's mark price from its venue (premiumIndex): its P&L is valued at it from now on. Ignored for spot, flat or unknown symbols. */
  markVenue(symbol: string, price: number): void {
    const p = this.positions.get(symbol);
    if (p && p.perp && p.qty !== 0 && price > 0) p.venueMarkF = price;
  }

  /** Float equity in the base currency at current marks: the per-candle equity curve value. */
  equity(): number {
    this.updateEquity();
    return this.equityF;
  }

  /** Last value computed by updateEquity(); a field so the per-candle loop never boxes a returned double. */
  equityF = 0.5;

  updateEquity(): void {
    let e = this.cashValueF;
    const L = this.posList;
    for (let i = 0; i < L.length; i++) {
      const p = L[i]!;
      if (p.qty !== 0) {
        // Written out rather than calling valueF(): a double returned from a non-inlined call is boxed.
        let v = p.qty * p.lotValueF * (p.venueMarkF > 0 ? p.venueMarkF : p.markF);
        if (p.perp) v -= p.cost * p.unitF;
        e += v * p.fxF;
      }
    }
    this.equityF = e;
  }

  /** Exact equity per settlement currency (cash + spot holdings or perp unrealized at marks). */
  equityByCurrency(): Map<string, Money> {
    const out = new Map(this.cashM);
    for (const p of this.posList) {
      if (p.qty === 0) continue;
      const mk = BigInt(p.pnlMarkTicks());
      const v = p.perp ? (BigInt(p.qty) * mk - BigInt(p.cost)) * p.inst.notionalUnit : BigInt(p.qty) * mk * p.inst.notionalUnit;
      out.set(p.inst.settle, (out.get(p.inst.settle) ?? 0n) + v);
    }
    return out;
  }

  /**
   * Exact valuation across currencies: `rates[ccy]` is the Money-scaled value of one unit of ccy in
   * `ccy0` (rates[ccy0] may be omitted). Rounded half-even once per currency.
   */
  valuation(ccy0: string, rates: Readonly<Record<string, Money>>): Money {
    let total = 0n;
    for (const [c, v] of this.equityByCurrency()) {
      if (c === ccy0) total += v;
      else {
        const r = rates[c];
        if (r === undefined) throw new ValidationError(`no rate for ${c} in ${ccy0}`);
        total += mulRate(v, r, 'half-even');
      }
    }
    return total;
  }

  position(symbol: string): PositionSnapshot {
    const p = this.positions.get(symbol);
    if (!p) throw new ValidationError(`unknown instrument ${symbol}`);
    const mk = p.pnlMarkTicks();
    const lots = [];
    for (let i = p.head; i < p.lotQty.length; i++) lots.push({ qty: p.lotQty[i]!, price: p.lotPx[i]!, ts: p.lotTs[i]! });
    const unit = p.inst.notionalUnit;
    return {
      symbol,
      qty: p.qty,
      lots,
      avgPrice: p.qty === 0 ? 0 : p.cost / p.qty,
      realizedPnl: p.realized,
      unrealizedPnl: p.qty === 0 ? 0n : (BigInt(p.qty) * BigInt(mk) - BigInt(p.cost)) * unit,
      fees: p.fees,
      funding: p.funding,
      markPrice: mk,
      margin: p.perp && p.qty !== 0 ? divRound(BigInt(Math.abs(p.qty)) * BigInt(mk) * unit * 1000n, BigInt(Math.round(p.leverage * 1000)), 'ceil') : 0n,
    };
  }

  positionQty(symbol: string): Lots {
    return this.positions.get(symbol)?.qty ?? 0;
  }

  /** Funding events in canonical ledger order (empty when no ledger is kept). */
  fundingEvents(): FundingEvent[] {
    if (this.fundingSeen.size === 0) return [];
    const out: FundingEvent[] = [];
    for (const e of this.ledger) if (isFunding(e)) out.push(e.funding);
    return out;
  }

  /** Fills in canonical ledger order (deduplicated). */
  fills(): Fill[] {
    if (!this.keep) throw new IllegalTransitionError('ledger', 'not kept', 'listed', { reason: 'this portfolio keeps no ledger (PortfolioOptions.ledger is false)' });
    // Without funding the ledger is all fills: one exact-size copy instead of an array grown fill by fill.
    if (this.fundingSeen.size === 0) return this.ledger.slice() as Fill[];
    const out: Fill[] = [];
    for (const e of this.ledger) if (!isFunding(e)) out.push(e);
    return out;
  }
}

function compareEntries(a: Entry, b: Entry): number {
  const fa = isFunding(a);
  const fb = isFunding(b);
  const ta = fa ? a.funding.ts : a.ts;
  const tb = fb ? b.funding.ts : b.ts;
  if (ta !== tb) return ta - tb;
  if (fa !== fb) return fa ? -1 : 1;
  if (fa) return cmpStr(a.funding.symbol, (b as { funding: FundingEvent }).funding.symbol);
  const y = b as Fill;
  return cmpStr((a as Fill).venue, y.venue) || cmpId((a as Fill).tradeId, y.tradeId);
}

const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** Length first, then text: numeric ids and prefixed counters ("paper-9" < "paper-10") sort numerically. */
const cmpId = (a: string, b: string): number => a.length - b.length || cmpStr(a, b);

/**
 * The trade ids one venue's fills have used. Venues that number their fills (`<prefix><n>`: the paper venue's
 * `BT-1`, `BT-2`, …) are kept as a bitmap of n for the first prefix seen, so no id is hashed or retained per
 * fill; any other id (another prefix, leading zeros, letters, a counter of 8 or more digits) goes in a Set.
 * At most 7 digits keeps the bitmap under 1.25 MB. Either way an
 * id is reported seen only if that exact text was added.
 */
export class SeenIds {
  private prefix: string | undefined;
  private bits = new Int32Array(32);
  private readonly other = new Set<string>();

  /** Adds `id`; false when it was already there. */
  add(id: string): boolean {
    const n = this.counter(id, true);
    if (n < 0) {
      const size = this.other.size;
      this.other.add(id);
      return this.other.size !== size;
    }
    const w = n >>> 5;
    if (w >= this.bits.length) {
      const grown = new Int32Array(Math.max(w + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    const b = 1 << (n & 31);
    if ((this.bits[w]! & b) !== 0) return false;
    this.bits[w] = this.bits[w]! | b;
    return true;
  }

  has(id: string): boolean {
    const n = this.counter(id, false);
    if (n < 0) return this.other.has(id);
    const w = n >>> 5;
    return w < this.bits.length && (this.bits[w]! & (1 << (n & 31))) !== 0;
  }

  /** n of `<prefix><n>` for this venue's counter prefix (set by the first such id when `claim`), else -1. */
  private counter(id: string, claim: boolean): number {
    const L = id.length;
    let i = L;
    while (i > 0 && i > L - 8) {
      const c = id.charCodeAt(i - 1);
      if (c < 48 || c > 57) break;
      i--;
    }
    // No prefix, no digits, 8 or more digits, or a leading zero ("07" is not "7"): not a counter.
    if (i === 0 || i === L || L - i === 8 || (id.charCodeAt(i) === 48 && L - i > 1)) return -1;
    if (this.prefix === undefined) {
      if (!claim) return -1;
      this.prefix = id.slice(0, i);
    } else if (i !== this.prefix.length || !id.startsWith(this.prefix)) return -1;
    let n = 0;
    for (let k = i; k < L; k++) n = n * 10 + (id.charCodeAt(k) - 48);
    return n;
  }
}
