/**
 * The live venue: the kernel's Venue port over an exchange connection (OrderApi, implemented over ccxt in
 * main/venues/ccxt/trading.ts). The kernel has stored the intent (pending-submit + client order id) before
 * `submit` is called; this class sends it once and turns what the exchange says into VenueEvents.
 *
 * Outcomes of an order call (see README.md next to this file):
 * - accepted → `ack` (and fills/terminal state if the reply already says so);
 * - definitively refused (ccxt named the reason) → `rejected`;
 * - unknown (timeout, dropped socket, 5xx, garbled or lost reply) → the order stays pending-submit and is
 *   listed as UNKNOWN (`unknownOrders()`), then resolved by asking the venue by client order id, with bounded
 *   retries and backoff. Found → applied as the venue reports it. Not found, after `notPlacedAfterMs` (past
 *   the venue's receive window, so a request still in flight can no longer be accepted) and at least
 *   `minChecks` checks → `rejected` with reason `not_placed`. Never a blind resubmit.
 *
 * Fills are taken only from the venue's trades (each with its trade id), deduplicated by (venue, trade id)
 * here and again by the kernel and the ledger, and refused when they would fill an order beyond its size
 * (the overfill guard: the excess is reported, never applied).
 */
import { KestrelError } from '../../core/errors.ts';
import { floatToLots, floatToTicks, lotsToQty, money, ticksToPrice, type Fill, type Instrument, type Order } from '../../core/model/index.ts';
import type { OrderAmend, Venue, VenueEvent, VenueListener } from '../../core/ports.ts';
import type { OrderApi, PlaceKind, PlaceRequest, VenueOrderReport, VenueTradeReport } from '../ccxt/index.ts';
import { decimalString, venueWords } from '../ccxt/index.ts';
import { venueClientId } from './ids.ts';
import { LocalTriggers, triggeredKind, type TriggerKind } from './local-triggers.ts';

/** The venue order id the ledger keeps for an order armed locally (local-triggers.ts): shown as "emulated". */
export const EMULATED = 'emulated';

export interface ResolvePolicy {
  /** Checks made before an unresolved order is left to the periodic check (reconciliation). */
  readonly attempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
  /**
   * Not found this long after the request was sent (and after minChecks checks) = it was never placed.
   * Default: the venue's receive window (a request older than it is refused) plus 5 s for clock skew.
   */
  readonly notPlacedAfterMs: number;
  readonly minChecks: number;
}

export const DEFAULT_RESOLVE: Omit<ResolvePolicy, 'notPlacedAfterMs'> = { attempts: 12, baseMs: 250, maxMs: 5_000, minChecks: 3 };

/** Something the venue said that the ledger cannot take as it is: reconciliation lists it. */
export interface VenueAnomaly {
  readonly kind: 'overfill' | 'foreign-trade' | 'foreign-order' | 'unresolved';
  readonly clientOrderId?: string;
  readonly venueOrderId?: string;
  readonly symbol: string;
  readonly detail: string;
  readonly ts: number;
}

export interface UnknownOrder {
  readonly clientOrderId: string;
  readonly symbol: string;
  /** What was in flight when the outcome became unknown. */
  readonly op: 'submit' | 'cancel' | 'amend';
  readonly since: number;
  readonly checks: number;
  readonly lastError: string;
}

export interface LiveVenueOptions {
  readonly id: string;
  readonly api: OrderApi;
  readonly instruments: readonly Instrument[];
  readonly now?: () => number;
  /**
   * What a send waits for after the kernel stored the intent: the ledger's group fsync in `disk` durability
   * (`Ledger.intentDurable`). Undefined (default): the committed intent suffices and the order goes at once.
   */
  readonly beforeSend?: () => Promise<void> | undefined;
  /** Runs a batch of venue events (the session's batch + UI flush). Default: runs it. */
  readonly deliver?: (fn: () => void) => void;
  readonly resolve?: Partial<ResolvePolicy>;
  /** The UNKNOWN list or the anomalies changed (push a view). */
  readonly onChange?: () => void;
  readonly log?: { warn(o: object, msg: string): void; info?(o: object, msg: string): void };
}

interface Track {
  readonly clientOrderId: string;
  readonly wireId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  kind: PlaceKind;
  qty: number;
  venueOrderId: string | undefined;
  /** Lots applied from trades. */
  filled: number;
  terminal: boolean;
  sentAt: number;
  unknown: UnknownOrder | undefined;
  cancelWanted: boolean;
  /** The create call has not answered yet: until something acknowledges the order, a cancel waits (the venue may not hold it yet). */
  creating: boolean;
  /**
   * The kernel holds the order past pending-submit (acknowledged, its emulated trigger fired, or restored
   * accepted / pending-cancel / triggered), where `rejected` is no longer a legal state: an order refused or
   * found never placed ends `canceled` with that reason instead (see `refused`).
   */
  pastSubmit: boolean;
}

const CONDITIONAL = new Set<PlaceKind>(['stop-market', 'stop-limit', 'take-profit', 'take-profit-limit']);

export class LiveVenue implements Venue {
  readonly id: string;
  readonly api: OrderApi;
  private readonly o: LiveVenueOptions;
  private readonly now: () => number;
  private readonly policy: ResolvePolicy;
  private readonly insts: Map<string, Instrument>;
  private listener: VenueListener | undefined;
  private readonly byClient = new Map<string, Track>();
  private readonly byWire = new Map<string, Track>();
  private readonly byVenueId = new Map<string, Track>();
  private readonly seenTrades = new Set<string>();
  private readonly anomalies: VenueAnomaly[] = [];
  private readonly foreign = new Map<string, VenueOrderReport>();
  private readonly adopted = new Set<string>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  /** Stops and take-profits the venue cannot hold for their symbol, with the request sent when they fire. */
  private readonly local = new LocalTriggers();
  private closed = false;
  /** Newest venue trade time applied: REST resyncs ask for trades from a little before it. */
  lastTradeTs = 0;

  constructor(o: LiveVenueOptions) {
    this.o = o;
    this.id = o.id;
    this.api = o.api;
    this.now = o.now ?? Date.now;
    this.policy = { ...DEFAULT_RESOLVE, notPlacedAfterMs: o.api.receiveWindowMs + 5_000, ...o.resolve };
    this.insts = new Map(o.instruments.map((i) => [i.symbol, i]));
  }

  connect(listener: VenueListener): void {
    this.listener = listener;
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  // ───────────── what reconciliation and the views read ─────────────

  unknownOrders(): UnknownOrder[] {
    return [...this.byClient.values()].flatMap((t) => (t.unknown && !t.terminal ? [t.unknown] : []));
  }

  isUnknown(clientOrderId: string): boolean {
    const t = this.byClient.get(clientOrderId);
    return t?.unknown !== undefined && !t.terminal;
  }

  venueAnomalies(): readonly VenueAnomaly[] {
    return this.anomalies;
  }

  /** Whether a venue order (by its client id on the wire) is one of ours. */
  ownsWireId(wireId: string | undefined): boolean {
    return wireId !== undefined && this.byWire.has(wireId);
  }

  wireIdOf(clientOrderId: string): string {
    return venueClientId(clientOrderId, this.api.clientIdLimit);
  }

  knowsTrade(tradeId: string): boolean {
    return this.seenTrades.has(tradeId);
  }

  /** A trade booked by other means (reconciliation adopted a foreign fill): never applied or listed again here. */
  markTradeSeen(tradeId: string): void {
    this.seenTrades.add(tradeId);
    const n = this.anomalies.length;
    this.anomalies.splice(0, n, ...this.anomalies.filter((a) => !(a.kind === 'foreign-trade' && a.detail.startsWith(`trade ${tradeId}:`))));
  }

  /**
   * Takes over orders a previous run left working (read from the ledger) or reconciliation adopted: their
   * venue-side ids are derived, fills already booked are marked seen, and every one whose submit was in
   * flight when the process died (pending-submit) is resolved like any unknown outcome.
   */
  restore(orders: readonly Readonly<Order>[], bookedTradeIds: Iterable<string>): void {
    for (const id of bookedTradeIds) this.seenTrades.add(id);
    for (const o of orders) {
      if (o.state === 'held' || this.byClient.has(o.clientOrderId)) continue;
      const kind = placeKind(o);
      const local = kind !== undefined && this.emulates(o.symbol, kind);
      const t = this.track(o, o.venueOrderId === EMULATED ? undefined : o.venueOrderId);
      t.filled = o.filledQty;
      if (local && (o.state === 'accepted' || o.state === 'pending-submit')) {
        // Never sent anywhere: armed again here (a pending-submit one never got its local ack).
        this.armLocally(o, t, kind as TriggerKind, o.state === 'pending-submit');
        continue;
      }
      if (local && o.state === 'triggered') {
        // Its market or limit form may have reached the venue before the process died: asked by client id.
        t.kind = triggeredKind(kind as TriggerKind);
        t.pastSubmit = true;
        if (o.venueOrderId === EMULATED || o.venueOrderId === undefined) this.markUnknown(t, 'submit', 'the process stopped after the emulated trigger fired');
        continue;
      }
      t.pastSubmit = o.state !== 'pending-submit';
      if (o.state === 'pending-cancel') t.cancelWanted = true;
      // No venue order id in the ledger: the venue never acknowledged it to the previous run, whatever state the
      // kernel had moved it to since (a cancel asked while its create was in flight leaves it pending-cancel).
      // It may be at the venue or may never have reached it: resolved by client id like any unknown submit —
      // found → applied (and canceled if asked), not found past the receive window → it was never placed.
      if (o.state === 'pending-submit' || o.venueOrderId === undefined) this.markUnknown(t, 'submit', 'the process stopped before the venue acknowledged the order');
    }
    for (const t of this.byClient.values()) if (t.unknown) this.scheduleResolve(t, 0);
  }

  /** The last report of a foreign open order (reconciliation adopts from it). */
  foreignOrder(venueOrderId: string): VenueOrderReport | undefined {
    return this.foreign.get(venueOrderId);
  }

  /** Client ids on the wire of adopted foreign orders (they are ours now, under another id). */
  adoptedWireIds(): string[] {
    return [...this.adopted];
  }

  /** Tracks an order reconciliation adopted: the venue knows it by its own client id (maybe not ours). */
  adoptForeign(order: Readonly<Order>, wireId: string | undefined): void {
    const t = this.track(order, order.venueOrderId);
    if (wireId !== undefined && wireId !== t.wireId) {
      this.byWire.delete(t.wireId);
      (t as { wireId: string }).wireId = wireId;
      this.byWire.set(wireId, t);
    }
    this.adopted.add(t.wireId);
    this.foreign.delete(order.venueOrderId ?? '');
    this.anomalies.splice(0, this.anomalies.length, ...this.anomalies.filter((a) => a.venueOrderId !== order.venueOrderId));
  }

  /** Stops tracking an order the trader declared gone (reconciliation: missing at the venue). */
  forget(clientOrderId: string): void {
    const t = this.byClient.get(clientOrderId);
    if (t) t.terminal = true;
  }

  // ───────────── the Venue port ─────────────

  submit(order: Readonly<Order>): void {
    const kind = placeKind(order);
    const t = this.track(order, undefined);
    if (!kind) return this.emitLater({ kind: 'rejected', clientOrderId: order.clientOrderId, reason: `${order.type}_not_supported_live`, ts: this.now() });
    if (this.emulates(order.symbol, kind)) return this.armLocally(order, t, kind as TriggerKind, true);
    this.send(t, this.placeRequest(order, kind));
  }

  /** Whether an order of `kind` on `symbol` is held here rather than at the venue. */
  emulates(symbol: string, kind: PlaceKind): boolean {
    return CONDITIONAL.has(kind) && !(this.api.nativeFor?.(symbol) ?? this.api.native).has(kind);
  }

  isArmedLocally(clientOrderId: string): boolean {
    return this.local.get(clientOrderId) !== undefined;
  }

  /**
   * A trade print of the session's stream (called inside the batch that delivers it): fires the emulated
   * triggers it crosses. `triggered` is recorded in that batch; the order's market or limit form goes out
   * after it, so a crash in between leaves a ledger that says the order may be at the venue.
   */
  onPrice(symbol: string, price: number): void {
    for (const a of this.local.crossed(symbol, price)) {
      const t = this.byClient.get(a.clientOrderId);
      if (!t || t.terminal) continue;
      this.emit({ kind: 'triggered', clientOrderId: t.clientOrderId, ts: this.now() });
      t.pastSubmit = true;
      t.kind = triggeredKind(a.kind);
      const { triggerPrice: _trigger, ...rest } = a.req;
      queueMicrotask(() => this.send(t, { ...rest, kind: t.kind }));
    }
  }

  /**
   * Sends a create once its intent (or trigger) is stored. Sends wait for the group fsync that covers their
   * intents in `disk` durability (one fsync for all orders meanwhile); if the disk refuses, nothing was sent:
   * the order is rejected, never sent without its durable intent.
   */
  private send(t: Track, req: PlaceRequest): void {
    if (this.closed) return;
    const send = (): void => {
      t.sentAt = this.now();
      t.creating = true;
      this.api.create(req).then(
        (r) => {
          t.creating = false;
          this.deliver(() => this.applyOrder(r, t));
        },
        (e: unknown) => {
          t.creating = false;
          this.deliver(() => this.onCallFailed(t, 'submit', e));
        },
      );
    };
    const gate = this.o.beforeSend?.();
    if (!gate) return send();
    t.sentAt = this.now();
    t.creating = true;
    gate.then(
      () => void (this.closed || send()),
      (e: unknown) => this.deliver(() => {
        t.creating = false;
        t.terminal = true;
        this.o.log?.warn({ clientOrderId: t.clientOrderId, err: errorText(e) }, 'order not sent: its intent could not be made durable');
        this.refused(t, 'intent_not_durable');
      }),
    );
  }

  private armLocally(o: Readonly<Order>, t: Track, kind: TriggerKind, ack: boolean): void {
    const inst = this.insts.get(o.symbol);
    if (!inst || o.triggerPrice === undefined) return this.emitLater({ kind: 'rejected', clientOrderId: o.clientOrderId, reason: 'trigger_price_missing', ts: this.now() });
    this.local.arm({ clientOrderId: o.clientOrderId, symbol: o.symbol, side: o.side, kind, trigger: o.triggerPrice * inst.tickF, req: this.placeRequest(o, kind) });
    if (ack) this.emitLater({ kind: 'ack', clientOrderId: o.clientOrderId, venueOrderId: EMULATED, ts: this.now() });
  }

  cancel(clientOrderId: string): void {
    const t = this.byClient.get(clientOrderId);
    if (!t || t.terminal) return this.emitLater({ kind: 'canceled', clientOrderId, reason: 'not_at_venue', ts: this.now() });
    if (this.local.disarm(clientOrderId)) {
      t.terminal = true;
      return this.emitLater({ kind: 'canceled', clientOrderId, reason: 'requested', ts: this.now() });
    }
    t.cancelWanted = true;
    // A submit whose outcome is open is cancelled once it is known to be working (resolve() sends it then).
    if (t.unknown?.op === 'submit') return;
    // Nor is one sent while the create has not answered and nothing acknowledged the order (the user stream may
    // first): the venue may not hold it yet, would answer "unknown order", and the trader's cancel would come
    // back refused while the order goes on to rest there. The first report of it sends the cancel (applyOrder:
    // open and cancel wanted); a refused create ends it.
    if (t.creating && t.venueOrderId === undefined) return;
    this.sendCancel(t);
  }

  amend(clientOrderId: string, change: OrderAmend): void {
    const t = this.byClient.get(clientOrderId);
    const inst = t && this.insts.get(t.symbol);
    if (!t || !inst || t.terminal || t.unknown) return this.emitLater({ kind: 'amend-rejected', clientOrderId, reason: t?.unknown ? 'order_outcome_unknown' : 'not_at_venue', ts: this.now() });
    const qty = change.qty ?? t.qty;
    const armed = this.local.get(clientOrderId);
    if (armed) {
      // Held here: changed here.
      if (change.triggerPrice !== undefined) armed.trigger = change.triggerPrice * inst.tickF;
      armed.req = { ...armed.req, amount: lotsToQty(inst, qty), ...(change.price !== undefined ? { price: ticksToPrice(inst, change.price) } : {}), ...(change.triggerPrice !== undefined ? { triggerPrice: ticksToPrice(inst, change.triggerPrice) } : {}) };
      t.qty = qty;
      return this.emitLater({ kind: 'amended', clientOrderId, qty, price: change.price, triggerPrice: change.triggerPrice, ts: this.now() });
    }
    const req: PlaceRequest = {
      clientOrderId: t.wireId, symbol: t.symbol, side: t.side, kind: t.kind, amount: lotsToQty(inst, qty),
      ...(change.price !== undefined ? { price: ticksToPrice(inst, change.price) } : {}),
      ...(change.triggerPrice !== undefined ? { triggerPrice: ticksToPrice(inst, change.triggerPrice) } : {}),
    };
    this.api.edit(req, CONDITIONAL.has(t.kind)).then(
      (r) => this.deliver(() => {
        this.emit({ kind: 'amended', clientOrderId, qty, price: change.price, triggerPrice: change.triggerPrice, ts: this.now() });
        t.qty = qty;
        this.applyOrder({ ...r, clientOrderId: t.wireId }, t);
      }),
      (e: unknown) => this.deliver(() => {
        // Whatever happened, the venue's own view decides; until then the amend is refused.
        this.emit({ kind: 'amend-rejected', clientOrderId, reason: errorCode(e), ts: this.now() });
        if (outcomeOf(e) !== 'rejected') this.scheduleResolve(this.markUnknown(t, 'amend', errorText(e)), 0);
      }),
    );
  }

  // ───────────── what the venue reports (replies, streams, REST resyncs) ─────────────

  /** An order as the venue reports it: ack, terminal state, and its trades fetched when the fill moved. */
  applyOrder(r: VenueOrderReport, known?: Track): void {
    const t = known ?? (r.clientOrderId !== undefined ? this.byWire.get(r.clientOrderId) : undefined) ?? this.byVenueId.get(r.venueOrderId);
    if (!t) {
      if (r.status === 'open') this.foreign.set(r.venueOrderId, r);
      else this.foreign.delete(r.venueOrderId);
      if (r.status === 'open') this.anomaly({ kind: 'foreign-order', venueOrderId: r.venueOrderId, symbol: r.symbol, detail: `an open ${r.side} ${r.type} ${r.amount} not placed by this run (client id ${r.clientOrderId ?? 'none'})` });
      return;
    }
    if (t.terminal) return;
    if (t.unknown) this.clearUnknown(t);
    const inst = this.insts.get(t.symbol)!;
    if (t.venueOrderId === undefined) {
      t.venueOrderId = r.venueOrderId;
      this.byVenueId.set(r.venueOrderId, t);
      this.emit({ kind: 'ack', clientOrderId: t.clientOrderId, venueOrderId: r.venueOrderId, ts: this.now() });
      t.pastSubmit = true;
    }
    const venueFilled = floatToLots(inst, r.filled, 'half-even');
    if (venueFilled > t.filled) this.fetchTradesOf(t, r);
    else this.finish(t, r);
    if (t.cancelWanted && r.status === 'open' && !t.terminal && venueFilled <= t.filled) this.sendCancel(t);
  }

  /** One of our trades (or a stranger's: listed as an anomaly, never applied). */
  applyTrade(tr: VenueTradeReport): void {
    if (this.seenTrades.has(tr.tradeId)) return;
    const t = this.byVenueId.get(tr.venueOrderId) ?? (tr.clientOrderId !== undefined ? this.byWire.get(tr.clientOrderId) : undefined);
    if (!t) {
      this.anomaly({ kind: 'foreign-trade', venueOrderId: tr.venueOrderId, symbol: tr.symbol, detail: `trade ${tr.tradeId}: ${tr.side} ${tr.amount} @ ${tr.price} of an order not placed by this run` });
      return;
    }
    const inst = this.insts.get(t.symbol)!;
    const qty = floatToLots(inst, tr.amount, 'half-even');
    if (qty <= 0) return;
    if (t.filled + qty > t.qty) {
      this.anomaly({ kind: 'overfill', clientOrderId: t.clientOrderId, venueOrderId: tr.venueOrderId, symbol: t.symbol, detail: `trade ${tr.tradeId} of ${tr.amount} would fill ${lotsToQty(inst, t.filled + qty)} of ${lotsToQty(inst, t.qty)}` });
      return;
    }
    this.seenTrades.add(tr.tradeId);
    if (t.unknown) this.clearUnknown(t);
    if (t.venueOrderId === undefined) {
      t.venueOrderId = tr.venueOrderId;
      this.byVenueId.set(tr.venueOrderId, t);
      this.emit({ kind: 'ack', clientOrderId: t.clientOrderId, venueOrderId: tr.venueOrderId, ts: this.now() });
      t.pastSubmit = true;
    }
    t.filled += qty;
    if (tr.ts > this.lastTradeTs) this.lastTradeTs = tr.ts;
    if (t.filled >= t.qty) t.terminal = true;
    const fill: Fill = {
      venue: this.id, tradeId: tr.tradeId, clientOrderId: t.clientOrderId, symbol: t.symbol, side: t.side, qty,
      price: floatToTicks(inst, tr.price), fee: money(decimalString(tr.fee)), feeCurrency: tr.feeCurrency ?? inst.quote,
      liquidity: tr.liquidity, ts: this.now(), venueTs: tr.ts,
    };
    this.emit({ kind: 'fill', fill });
  }

  /** Orders this venue still considers working (for REST resyncs). */
  workingOrders(): { clientOrderId: string; wireId: string; symbol: string; conditional: boolean; unknown: boolean }[] {
    return [...this.byClient.values()].filter((t) => !t.terminal && !this.isArmedLocally(t.clientOrderId)).map((t) => ({ clientOrderId: t.clientOrderId, wireId: t.wireId, symbol: t.symbol, conditional: CONDITIONAL.has(t.kind), unknown: t.unknown !== undefined }));
  }

  /** Asks the venue about one order by client id and applies the answer (resyncs, periodic checks). */
  async refresh(clientOrderId: string): Promise<'applied' | 'not-found' | 'failed'> {
    const t = this.byClient.get(clientOrderId);
    if (!t || t.terminal || this.isArmedLocally(clientOrderId)) return 'applied';
    try {
      const r = await this.api.fetchOrder(t.wireId, t.symbol, CONDITIONAL.has(t.kind));
      this.deliver(() => this.applyOrder(r, t));
      return 'applied';
    } catch (e) {
      return outcomeOf(e) === 'not-found' ? 'not-found' : 'failed';
    }
  }

  // ───────────── internals ─────────────

  private track(o: Readonly<Order>, venueOrderId: string | undefined): Track {
    const wireId = this.wireIdOf(o.clientOrderId);
    const t: Track = {
      clientOrderId: o.clientOrderId, wireId, symbol: o.symbol, side: o.side, kind: placeKind(o) ?? 'market', qty: o.qty,
      venueOrderId, filled: 0, terminal: false, sentAt: this.now(), unknown: undefined, cancelWanted: false, creating: false, pastSubmit: false,
    };
    this.byClient.set(o.clientOrderId, t);
    this.byWire.set(wireId, t);
    if (venueOrderId !== undefined) this.byVenueId.set(venueOrderId, t);
    return t;
  }

  private placeRequest(o: Readonly<Order>, kind: PlaceKind): PlaceRequest {
    const inst = this.insts.get(o.symbol)!;
    return {
      clientOrderId: this.wireIdOf(o.clientOrderId), symbol: o.symbol, side: o.side, kind, amount: lotsToQty(inst, o.qty),
      ...(o.price !== undefined ? { price: ticksToPrice(inst, o.price) } : {}),
      ...(o.triggerPrice !== undefined ? { triggerPrice: ticksToPrice(inst, o.triggerPrice) } : {}),
      ...(o.reduceOnly ? { reduceOnly: true } : {}),
      ...(o.postOnly ? { postOnly: true } : {}),
      ...(o.tif !== 'GTC' && o.tif !== 'GTD' ? { tif: o.tif } : {}),
    };
  }

  private sendCancel(t: Track): void {
    this.api.cancel({ clientOrderId: t.wireId, symbol: t.symbol, conditional: CONDITIONAL.has(t.kind) }).then(
      (r) => this.deliver(() => {
        if (r) this.applyOrder(r.status === 'open' ? { ...r, status: 'canceled' } : r, t);
        else if (!t.terminal) this.scheduleResolve(t, 0, true);
      }),
      (e: unknown) => this.deliver(() => {
        const outcome = outcomeOf(e);
        // Refused or not found: the order most likely ended already (filled, canceled). The venue's view of it
        // settles that; a refusal for any other reason returns it to working.
        if (outcome !== 'unknown') {
          void this.refresh(t.clientOrderId).then((res) => {
            if (res !== 'applied' || !t.terminal) this.deliver(() => {
              if (t.terminal) return;
              t.cancelWanted = false;
              this.emit({ kind: 'cancel-rejected', clientOrderId: t.clientOrderId, reason: errorCode(e), ts: this.now() });
            });
          });
          return;
        }
        this.scheduleResolve(this.markUnknown(t, 'cancel', errorText(e)), 0);
      }),
    );
  }

  private onCallFailed(t: Track, op: 'submit', e: unknown): void {
    if (outcomeOf(e) === 'rejected') {
      t.terminal = true;
      this.refused(t, errorCode(e), venueMessage(e, this.api.id));
      return;
    }
    this.o.log?.warn({ clientOrderId: t.clientOrderId, err: errorText(e) }, 'order outcome unknown: resolving by client order id');
    this.scheduleResolve(this.markUnknown(t, op, errorText(e)), 0);
  }

  /**
   * The venue refused the order, or it was never placed. `rejected` is legal only while the kernel holds the
   * order pending-submit; past it (acknowledged, a fired emulated trigger, a restored working order) or
   * with a cancel asked, the order ends `canceled` with the refusal as the reason, and the venue's words go to
   * the log (a cancel event carries no detail).
   */
  private refused(t: Track, reason: string, detail?: string): void {
    const ts = this.now();
    if (!t.cancelWanted && !t.pastSubmit) return this.emit({ kind: 'rejected', clientOrderId: t.clientOrderId, reason, ts, ...(detail !== undefined ? { detail } : {}) });
    if (detail !== undefined) this.o.log?.warn({ clientOrderId: t.clientOrderId, reason, detail }, 'order refused by the venue after it was working: ended canceled');
    this.emit({ kind: 'canceled', clientOrderId: t.clientOrderId, reason, ts });
  }

  private markUnknown(t: Track, op: UnknownOrder['op'], why: string): Track {
    t.unknown = { clientOrderId: t.clientOrderId, symbol: t.symbol, op, since: t.unknown?.since ?? this.now(), checks: t.unknown?.checks ?? 0, lastError: why };
    this.o.onChange?.();
    return t;
  }

  private clearUnknown(t: Track): void {
    t.unknown = undefined;
    this.o.onChange?.();
  }

  /** Resolution of an unknown outcome: fetch by client id, bounded retries with backoff, never a resubmit. */
  private scheduleResolve(t: Track, attempt: number, force = false): void {
    if (this.closed || t.terminal) return;
    if (!t.unknown && !force) return;
    const p = this.policy;
    let delay = attempt === 0 ? 0 : Math.min(p.maxMs, p.baseMs * 2 ** (attempt - 1));
    // An unknown submit can be decided "not placed" once the receive window has passed: ask then, not at the next backoff step.
    const decidable = t.sentAt + p.notPlacedAfterMs - this.now();
    if (attempt > 0 && t.unknown?.op === 'submit' && decidable > 0) delay = Math.min(delay, decidable + 5);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.closed || t.terminal) return;
      void this.api.fetchOrder(t.wireId, t.symbol, CONDITIONAL.has(t.kind)).then(
        (r) => this.deliver(() => this.applyOrder(r, t)),
        (e: unknown) => this.deliver(() => {
          if (t.terminal) return;
          const checks = (t.unknown?.checks ?? 0) + 1;
          if (t.unknown) t.unknown = { ...t.unknown, checks, lastError: errorText(e) };
          const notFound = outcomeOf(e) === 'not-found';
          const op = t.unknown?.op;
          if (notFound && op === 'submit' && checks >= p.minChecks && this.now() - t.sentAt >= p.notPlacedAfterMs) {
            // Past the venue's receive window and still unknown to it: the request never got through.
            t.terminal = true;
            t.unknown = undefined;
            this.o.onChange?.();
            this.refused(t, 'not_placed');
            return;
          }
          if (attempt + 1 >= p.attempts && !(notFound && op === 'submit')) {
            this.anomaly({ kind: 'unresolved', clientOrderId: t.clientOrderId, symbol: t.symbol, detail: `${op ?? 'order'} outcome still unknown after ${checks} checks: ${errorText(e)}` });
            this.o.onChange?.();
            return; // left UNKNOWN: the periodic check (reconciliation) keeps asking
          }
          this.scheduleResolve(t, attempt + 1, force);
        }),
      );
    }, delay);
    timer.unref?.();
    this.timers.add(timer);
  }

  /** The order's fill moved: fetch its trades (each with an id) and apply the new ones, then its state. */
  private fetchTradesOf(t: Track, r: VenueOrderReport): void {
    void this.api.fetchMyTrades(t.symbol, Math.max(0, r.ts - 60_000)).then(
      (list) => this.deliver(() => {
        for (const tr of list) if (tr.venueOrderId === r.venueOrderId) this.applyTrade(tr);
        this.finish(t, r);
      }),
      (e: unknown) => this.o.log?.warn({ clientOrderId: t.clientOrderId, err: errorText(e) }, 'could not fetch the trades of a filled order; the next resync will'),
    );
  }

  /** Applies a terminal status once every fill the venue reported has been applied. */
  private finish(t: Track, r: VenueOrderReport): void {
    if (t.terminal) return;
    const inst = this.insts.get(t.symbol)!;
    if (floatToLots(inst, r.filled, 'half-even') > t.filled) return; // trades not in yet: a later report finishes it
    // 'closed' short of the full size: the venue ended it without filling the rest (some venues say closed).
    if (r.status === 'canceled' || r.status === 'expired' || r.status === 'rejected' || (r.status === 'closed' && t.filled < t.qty)) {
      t.terminal = true;
      const ts = this.now();
      if (r.status === 'rejected') return this.refused(t, 'venue');
      this.emit(r.status === 'canceled' || r.status === 'closed' ? { kind: 'canceled', clientOrderId: t.clientOrderId, reason: t.cancelWanted ? 'requested' : 'venue', ts } : { kind: 'expired', clientOrderId: t.clientOrderId, ts });
    }
  }

  private anomaly(a: Omit<VenueAnomaly, 'ts'>): void {
    const key = `${a.kind}:${a.clientOrderId ?? ''}:${a.venueOrderId ?? ''}:${a.detail}`;
    if (this.anomalies.some((x) => `${x.kind}:${x.clientOrderId ?? ''}:${x.venueOrderId ?? ''}:${x.detail}` === key)) return;
    this.anomalies.push({ ...a, ts: this.now() });
    if (this.anomalies.length > 500) this.anomalies.shift();
    this.o.onChange?.();
  }

  private deliver(fn: () => void): void {
    if (this.closed) return;
    (this.o.deliver ?? run)(fn);
  }

  private emit(e: VenueEvent): void {
    this.listener?.onVenueEvent(e);
  }

  /** Events for a call the kernel is still inside of are delivered on the next turn (never re-entrantly). */
  private emitLater(e: VenueEvent): void {
    queueMicrotask(() => this.deliver(() => this.emit(e)));
  }
}

function run(fn: () => void): void {
  fn();
}

export function placeKind(o: Readonly<Pick<Order, 'type' | 'tif'>>): PlaceKind | undefined {
  switch (o.type) {
    case 'market':
    case 'limit':
    case 'stop-market':
    case 'stop-limit':
    case 'take-profit':
    case 'take-profit-limit':
      return o.type;
    default:
      return undefined;
  }
}

export function outcomeOf(e: unknown): 'rejected' | 'unknown' | 'not-found' {
  const o = e instanceof KestrelError ? e.details?.outcome : undefined;
  return o === 'rejected' || o === 'not-found' ? o : 'unknown';
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message.slice(0, 200) : String(e).slice(0, 200);
}

/** The venue's own words for a refusal: Binance's `msg` where the reply carries one, else the error's text. */
function venueMessage(e: unknown, exchange: string): string {
  // ccxt's own text starts with the exchange id, after Kestrel's "<exchange> <op> rejected: ".
  return venueWords(e)?.msg ?? errorText(e).replace(/^.*? rejected: /, '').replace(new RegExp(`^${exchange} `), '');
}

/** A short machine-readable reason for the ledger (the ccxt class name). */
function errorCode(e: unknown): string {
  const kind = e instanceof KestrelError ? e.details?.kind : undefined;
  return typeof kind === 'string' ? `venue_${kind}` : 'venue_rejected';
}
