/**
 * Order management: the registry of every order of the session, the only writer of order state (through
 * the state machine), fill accounting per order, and the contingency rules of OCO groups and brackets.
 * It decides; the kernel carries the decisions out (sends cancels, releases held exits).
 */
import { IllegalTransitionError, ValidationError } from '../errors.ts';
import type { ContingencyKind, Fill, Order, OrderRequest, OrderSource, OrderState } from '../model/index.ts';
import { isTerminal } from '../model/index.ts';
import { transition } from './state-machine.ts';

export interface OrderLink {
  readonly groupId?: string;
  readonly groupKind?: ContingencyKind;
  readonly parentId?: string;
  readonly held?: boolean;
}

/** What the kernel must do after an order event, as decided by contingency rules. */
export interface ContingencyActions {
  cancel: Order[];
  release: Order[];
  /** Siblings whose quantity must shrink to keep an OCO pair in step after a partial fill. */
  resize: { order: Order; qty: number }[];
}

/**
 * The non-terminal orders in creation order. An array rather than a Set: a Set with one or two members
 * reallocates its table on almost every add/delete, i.e. on every order; here removal shifts a short array.
 */
export class OpenOrders implements Iterable<Order> {
  readonly items: Order[] = [];
  get size(): number {
    return this.items.length;
  }
  add(o: Order): void {
    this.items.push(o);
  }
  has(o: Order): boolean {
    return this.items.includes(o);
  }
  delete(o: Order): boolean {
    const a = this.items;
    const i = a.indexOf(o);
    if (i < 0) return false;
    for (let k = i; k < a.length - 1; k++) a[k] = a[k + 1]!;
    a.pop();
    return true;
  }
  [Symbol.iterator](): Iterator<Order> {
    return this.items[Symbol.iterator]();
  }
}

export interface OmsOptions {
  /**
   * Keep every order of the session (default true). A summary-only backtest turns it off: an order with a
   * generated id is then forgotten once final (tens of thousands per run, kept only to be collected), and
   * all() lists the open ones. Caller-chosen ids are still kept, so a reused id is refused all the same.
   */
  readonly history?: boolean;
}

export class OrderManager {
  /**
   * Orders by id without a hash table of every order: generated ids (`prefix-N`) are found at N - 1 in
   * `bySeq`, caller-chosen ids in `chosen`. A Map of all orders cost a table insert per order and regrowth
   * every time it doubled; a backtest places tens of thousands.
   */
  private readonly bySeq: (Order | undefined)[] = [];
  private readonly chosen = new Map<string, Order>();
  /** Every order of the session in creation order. */
  private readonly list: Order[] = [];
  /** Non-terminal orders, in creation order (so iteration is deterministic). */
  readonly open = new OpenOrders();
  private seq = 0;
  private chosenIds = false;
  /** Orders created so far, on any path. */
  private made = 0;
  readonly prefix: string;
  /** See OmsOptions.history. */
  readonly history: boolean;

  constructor(prefix: string, opts: OmsOptions = {}) {
    this.prefix = prefix;
    this.history = opts.history ?? true;
  }

  /** Deterministic ids: same session prefix + same sequence of submits = same ids, run after run. */
  nextId(): string {
    return `${this.prefix}-${++this.seq}`;
  }

  get(clientOrderId: string): Order | undefined {
    // Nearly every lookup is for a working order: a short scan, no hashing.
    const a = this.open.items;
    for (let k = 0; k < a.length; k++) if (a[k]!.clientOrderId === clientOrderId) return a[k];
    const n = this.seqOf(clientOrderId);
    if (n > 0) {
      const o = this.bySeq[n - 1];
      if (o !== undefined && o.clientOrderId === clientOrderId) return o;
    }
    return this.chosen.get(clientOrderId);
  }

  /** Every order of the session in creation order; only the open ones when history is off. */
  all(): IterableIterator<Order> {
    return this.history ? this.list.values() : this.open.items.values();
  }

  /** Orders created so far that are not held (a bracket exit waiting for its entry has not been placed). */
  placedCount(): number {
    let held = 0;
    const a = this.open.items;
    for (let k = 0; k < a.length; k++) if (a[k]!.state === 'held') held++;
    return this.made - held;
  }

  /**
   * Whether an id that get() no longer finds named an order of this session that ended: with history off
   * a generated id up to the last one issued is either open or final. A fill for it is then refused rather
   * than taken for a fill of an order placed elsewhere.
   */
  forgotten(clientOrderId: string): boolean {
    if (this.history) return false;
    const n = this.seqOf(clientOrderId);
    return n > 0 && n <= this.seq && this.get(clientOrderId) === undefined;
  }

  /** N of an id `prefix-N` (N > 0, digits only), else 0. Reads characters: no substring is made. */
  private seqOf(id: string): number {
    const p = this.prefix;
    const L = p.length;
    if (id.length <= L + 1 || id.length > L + 16 || id.charCodeAt(L) !== 45 || !id.startsWith(p)) return 0;
    let n = 0;
    for (let i = L + 1; i < id.length; i++) {
      const c = id.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return 0;
      n = n * 10 + c;
    }
    return n;
  }

  create(req: OrderRequest, source: OrderSource, venue: string, ts: number, link: OrderLink = {}): Order {
    const own = req.clientOrderId === undefined;
    const id = own ? this.nextId() : req.clientOrderId;
    // A generated id can only collide with an id a caller chose (generated ones never repeat): while no caller
    // has chosen one, the lookup is skipped.
    if (!own) this.chosenIds = true;
    if (own ? this.chosenIds && this.chosen.has(id) : this.get(id) !== undefined) throw new ValidationError(`duplicate clientOrderId ${id}`, [{ path: 'clientOrderId', message: 'already used in this session' }]);
    const o: Order = {
      clientOrderId: id,
      venueOrderId: undefined,
      symbol: req.symbol,
      venue,
      side: req.side,
      type: req.type,
      qty: req.qty,
      price: req.price,
      triggerPrice: req.triggerPrice,
      trail: req.trail,
      tif: req.tif ?? 'GTC',
      expireAt: req.expireAt,
      reduceOnly: req.reduceOnly ?? false,
      postOnly: req.postOnly ?? false,
      source,
      tag: req.tag,
      state: link.held ? 'held' : 'pending-submit',
      filledQty: 0,
      filledNotionalTicks: 0,
      groupId: link.groupId,
      groupKind: link.groupKind,
      parentId: link.parentId,
      createdTs: ts,
      updatedTs: ts,
      reason: undefined,
    };
    this.made++;
    if (!own) this.chosen.set(id, o);
    else if (this.history) this.bySeq[this.seq - 1] = o;
    if (this.history) this.list.push(o);
    this.open.add(o);
    return o;
  }

  /**
   * Takes in an order this session did not create: a working order of an earlier run of the account (live
   * restart) or one reconciliation adopted from the venue. Its id is kept as it is (it is already at the venue).
   */
  adopt(o: Order): Order {
    if (this.get(o.clientOrderId) !== undefined) throw new ValidationError(`duplicate clientOrderId ${o.clientOrderId}`, [{ path: 'clientOrderId', message: 'already used in this session' }]);
    this.chosenIds = true;
    this.chosen.set(o.clientOrderId, o);
    this.made++;
    if (this.history) this.list.push(o);
    if (!isTerminal(o.state)) this.open.add(o);
    return o;
  }

  move(o: Order, to: OrderState, ts: number, reason?: string): void {
    transition(o, to, ts);
    if (reason !== undefined) o.reason = reason;
    if (isTerminal(to)) this.open.delete(o);
  }

  /** Adds a fill to its order. Over-filling is refused: it means a duplicate or a foreign fill slipped through. */
  applyFill(o: Order, f: Fill): void {
    if (o.filledQty + f.qty > o.qty) {
      throw new IllegalTransitionError('order', o.state, 'overfill', { clientOrderId: o.clientOrderId, filled: o.filledQty, fill: f.qty, qty: o.qty });
    }
    const to: OrderState = o.filledQty + f.qty === o.qty ? 'filled' : 'partially-filled';
    this.move(o, to, f.ts);
    o.filledQty += f.qty;
    o.filledNotionalTicks += f.qty * f.price;
  }

  openCount(): number {
    let n = 0;
    const a = this.open.items;
    for (let k = 0; k < a.length; k++) if (a[k]!.state !== 'held') n++;
    return n;
  }

  /** Signed unfilled lots of live orders on a symbol (buys +, sells −). */
  workingQty(symbol: string): number {
    let q = 0;
    const a = this.open.items;
    for (let k = 0; k < a.length; k++) {
      const o = a[k]!;
      if (o.symbol !== symbol || o.state === 'held') continue;
      q += o.side === 'buy' ? o.qty - o.filledQty : o.filledQty - o.qty;
    }
    return q;
  }

  /** Other live members of the same OCO set: same group, same parent (bracket exits are an OCO pair). */
  siblings(o: Order): Order[] {
    if (!o.groupId) return [];
    const out: Order[] = [];
    for (const s of this.open) if (s !== o && s.groupId === o.groupId && s.parentId === o.parentId && (o.groupKind === 'oco' || o.parentId !== undefined)) out.push(s);
    return out;
  }

  children(o: Order): Order[] {
    const out: Order[] = [];
    for (const s of this.open) if (s.parentId === o.clientOrderId) out.push(s);
    return out;
  }

  /**
   * Contingency rules, applied after every fill or final state:
   * - OCO (and a bracket's exit pair): a complete fill cancels the siblings; a partial fill shrinks them by
   *   the same quantity, so the pair never closes more than was opened. Any other final state of one leg
   *   (canceled, expired, rejected) cancels the others too: an OCO is never left half alive.
   * - Bracket entry: exits are released when the entry is completely filled, sized to the filled quantity;
   *   an entry that ends canceled/expired with a partial fill releases exits for what was filled; an entry
   *   that ends with nothing filled cancels its held exits.
   */
  contingencies(o: Order, fillQty: number): ContingencyActions {
    const acts: ContingencyActions = { cancel: [], release: [], resize: [] };
    if (!o.groupId) return acts;
    const isEntry = o.groupKind === 'bracket' && o.parentId === undefined;
    if (isEntry) {
      const kids = this.children(o);
      if (o.state === 'filled') acts.release.push(...kids);
      else if (isTerminal(o.state)) (o.filledQty > 0 ? acts.release : acts.cancel).push(...kids);
      return acts;
    }
    const sibs = this.siblings(o);
    if (isTerminal(o.state)) acts.cancel.push(...sibs);
    else if (fillQty > 0) {
      for (const s of sibs) {
        const qty = s.qty - fillQty;
        if (qty <= s.filledQty) acts.cancel.push(s);
        else acts.resize.push({ order: s, qty });
      }
    }
    return acts;
  }
}
