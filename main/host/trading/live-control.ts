/**
 * What a live (sim / testnet / live) account's desk adds around its session: the reconciliation gate, the
 * trader's decisions on each difference, arming, the periodic check, and the status the LIVE badge and the
 * reconciliation screen show. Fails closed: until a reconciliation of THIS run came back clean and the
 * trader armed the account by typing its name, the risk gate refuses every order (`blocker`).
 *
 * Decisions and acknowledged differences persist with the account's book (baselines, acknowledged trade
 * ids); arming does not: every start of the host begins disarmed.
 */
import type { LiveStatus } from '../../contract/live.ts';
import type { AccountSettings } from '../../contract/settings.ts';
import { auditOverride } from '../../core/audit/session.ts';
import { isProtective, type ProtectiveLostPolicy } from '../../core/execution/protection.ts';
import { KestrelError, NotFoundError, ValidationError, type RiskReason } from '../../core/errors.ts';
import { floatToLots, floatToTicks, money, moneyToNumber, type Fill, type Order } from '../../core/model/index.ts';
import type { TradingState } from '../../core/ports.ts';
import { decimalString, type VenueTradeReport } from '../../venues/ccxt/index.ts';
import type { LiveVenue } from '../../venues/live/live-venue.ts';
import type { PrivateSync } from '../../venues/live/private-sync.ts';
import { reconcile, type Discrepancy, type LedgerOrder, type ReconcileAction } from '../../venues/live/reconcile.ts';
import type { HostContext } from '../context.ts';
import type { LiveConnection } from './live-connect.ts';
import type { TradingSession } from './session.ts';

/** How soon a difference seen once while running is checked again (it halts the account only when found unchanged). */
const CONFIRM_MS = 2_000;
export interface LiveBookData {
  /** venue − ledger per symbol, acknowledged by the trader (base units). */
  readonly baselines?: Readonly<Record<string, number>>;
  /** Foreign trade ids the trader acknowledged (newest kept). */
  readonly ackTrades?: readonly string[];
  /** Differences acknowledged (ids), so a periodic check does not raise them again. */
  readonly ackIds?: readonly string[];
  readonly dryRun?: boolean;
}

export interface LiveControlOptions {
  readonly account: AccountSettings;
  readonly conn: LiveConnection;
  readonly venue: LiveVenue;
  readonly sync: PrivateSync;
  readonly session: () => TradingSession;
  readonly book: () => LiveBookData;
  readonly saveBook: (change: LiveBookData) => void;
  /** Trading state on a discrepancy found while running (default halted). */
  readonly onDiscrepancy?: Exclude<TradingState, 'active'>;
  readonly setTradingState: (state: TradingState, reason: string) => void;
  readonly emit: HostContext['emit'];
  readonly log: HostContext['log'];
  readonly now: () => number;
  readonly checkMs?: number;
  readonly dryRun: boolean;
}

export class LiveControl {
  private readonly o: LiveControlOptions;
  private gate: LiveStatus['gate'] = 'pending';
  private armedBy: string | null = null;
  private found: Discrepancy[] = [];
  /**
   * While running: differences seen on the last check and not yet acted on (id → summary). The venue is read over
   * several requests while fills keep arriving, so one check can catch a fill on one side only; a difference
   * halts the account once a second check finds it unchanged.
   */
  private suspects = new Map<string, string>();
  /** Differences already raised (the account was moved for them): not raised again while they last. */
  private raised = new Set<string>();
  private lastCheck: number | null = null;
  private lastError: string | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private checking: Promise<LiveStatus> | undefined;
  private stopped = false;
  /** The venue's trades of the last check, by trade id (a foreign one is adopted from its report). */
  private trades = new Map<string, VenueTradeReport>();

  constructor(o: LiveControlOptions) {
    this.o = o;
  }

  /** The risk gate asks before every order: null = allowed. */
  blocker(): RiskReason | null {
    if (this.gate !== 'clear') return { rule: 'live_reconciliation', message: `Live trading on "${this.o.account.name}" is disabled until reconciliation is done (${this.gate})` };
    if (!this.armedBy) return { rule: 'live_not_armed', message: `"${this.o.account.name}" is not armed: arm it (type its name) to send orders` };
    return null;
  }

  get armed(): boolean {
    return this.armedBy !== null;
  }

  start(): void {
    this.o.sync.start();
    void this.check('start');
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.o.sync.stop();
    this.o.venue.close();
    void this.o.conn.close();
  }

  status(): LiveStatus {
    const a = this.o.account;
    return {
      account: a.id, accountName: a.name, environment: a.environment as LiveStatus['environment'], venue: a.venue, marketType: a.marketType,
      armed: this.armedBy !== null, armedBy: this.armedBy, dryRun: this.o.dryRun, gate: this.gate, lastCheck: this.lastCheck, lastError: this.lastError,
      sync: this.o.sync.status, resyncs: this.o.sync.resyncs,
      discrepancies: this.found.map((d) => ({ ...d, actions: [...d.actions], ref: { ...d.ref } })),
      unknownOrders: this.o.venue.unknownOrders().map((u) => ({ ...u })),
      native: [...this.o.conn.api.native],
    };
  }

  /** Resyncs over REST, then compares the ledger with the venue. The first clean one opens the gate. */
  check(why: string): Promise<LiveStatus> {
    this.checking ??= this.runCheck(why).finally(() => {
      this.checking = undefined;
      this.schedule();
    });
    return this.checking;
  }

  private async runCheck(why: string): Promise<LiveStatus> {
    const before = new Set(this.found.map((d) => d.id));
    if (this.gate !== 'clear') this.setGate('checking');
    try {
      await this.o.sync.resync();
      this.found = await this.diff();
      this.lastError = null;
    } catch (e) {
      this.lastError = e instanceof Error ? e.message.slice(0, 300) : String(e);
      this.o.log.warn({ account: this.o.account.id, err: this.lastError, why }, 'reconciliation could not reach the venue');
      if (this.gate !== 'clear') this.setGate('blocked');
      return this.push();
    }
    this.lastCheck = this.o.now();
    if (this.gate !== 'clear') this.setGate(this.found.length === 0 ? 'clear' : 'blocked');
    else {
      if (this.replaceMissing(before)) this.found = await this.diff();
      const ids = new Set(this.found.map((d) => d.id));
      for (const id of this.raised) if (!ids.has(id)) this.raised.delete(id);
      const candidates = this.found.filter((d) => !this.raised.has(d.id) && d.kind !== 'unknown-order' && !this.autoReplaces(d));
      const confirmed = candidates.filter((d) => this.suspects.get(d.id) === d.summary);
      this.suspects = new Map(candidates.filter((d) => !confirmed.includes(d)).map((d) => [d.id, d.summary]));
      if (confirmed.length > 0) {
        for (const d of confirmed) this.raised.add(d.id);
        this.raise(confirmed);
      }
    }
    return this.push();
  }

  /** Whether the periodic check re-places this difference itself (armed, the engine's policy is `replace`). */
  private autoReplaces(d: Discrepancy): boolean {
    return d.kind === 'protective-missing' && d.id.startsWith('protective:') && this.armedBy !== null && this.o.session().engine.protectiveLost === 'replace';
  }

  /**
   * Protective orders still missing at the venue on a second check in a row (a venue may not list an order
   * it has just accepted: one check alone could place a stop twice) are closed as missing and re-placed by
   * the kernel's policy, audited. Returns whether any was.
   */
  private replaceMissing(before: ReadonlySet<string>): boolean {
    const due = this.found.filter((d) => this.autoReplaces(d) && before.has(d.id) && d.ref.clientOrderId);
    for (const d of due) {
      this.closeMissing(d.ref.clientOrderId!);
      auditOverride(this.o.session().parts.audit, this.o.now(), { action: 'reconcile-replace', reason: d.summary, by: 'reconciliation', symbol: d.symbol, details: { id: d.id, kind: d.kind, policy: 'replace' } });
    }
    return due.length > 0;
  }

  /** A discrepancy while running: alert and move the account to its configured state. */
  private raise(fresh: Discrepancy[]): void {
    const state = this.o.onDiscrepancy ?? 'halted';
    const reason = `reconciliation: ${fresh.map((d) => d.summary).join('; ').slice(0, 400)}`;
    this.o.log.warn({ account: this.o.account.id, discrepancies: fresh.map((d) => d.id) }, 'live reconciliation found a discrepancy');
    this.o.setTradingState(state, reason);
  }

  private async diff(): Promise<Discrepancy[]> {
    const { venue, conn, account } = this.o;
    const s = this.o.session();
    const book = this.o.book();
    const symbols = conn.instruments.map((i) => i.symbol);
    const open = (await Promise.all(symbols.map((x) => conn.api.fetchOpenOrders(x)))).flat();
    const since = this.o.now() - 24 * 3_600_000;
    const trades = (await Promise.all(symbols.map((x) => conn.api.fetchMyTrades(x, since)))).flat();
    this.trades = new Map(trades.map((t) => [t.tradeId, t]));
    const positions = new Map<string, number>();
    if (account.marketType === 'perpetual') {
      for (const p of await conn.api.fetchPositions(symbols)) positions.set(p.symbol, (positions.get(p.symbol) ?? 0) + p.qty);
      for (const x of symbols) if (!positions.has(x)) positions.set(x, 0);
    } else {
      const bal = new Map((await conn.api.fetchBalances()).map((b) => [b.currency, b.total]));
      for (const i of conn.instruments) positions.set(i.symbol, bal.get(i.base) ?? 0);
    }
    // Emulated stops and take-profits are held here, not at the venue: nothing to compare.
    const ledgerOrders: LedgerOrder[] = s.engine.openOrders().filter((o) => !venue.isArmedLocally(o.clientOrderId)).map((o) => ({
      clientOrderId: o.clientOrderId, wireId: venue.wireIdOf(o.clientOrderId), symbol: o.symbol, side: o.side, type: o.type, qty: o.qty, filled: o.filledQty,
      state: o.state, protective: isProtective(o), unknown: venue.isUnknown(o.clientOrderId),
    }));
    const own = new Set([...s.engine.oms.all()].map((o) => venue.wireIdOf(o.clientOrderId)));
    for (const w of venue.adoptedWireIds()) own.add(w);
    const known = new Set<string>([...s.engine.portfolio.fills().map((f) => f.tradeId), ...(book.ackTrades ?? [])]);
    // Spot: the venue's number is the base balance, which a fee charged in the base asset also moved.
    const baseFees = new Map<string, number>();
    if (account.marketType === 'spot') {
      for (const f of s.engine.portfolio.fills()) {
        const i = conn.instruments.find((x) => x.symbol === f.symbol);
        if (i && f.feeCurrency === i.base) baseFees.set(f.symbol, (baseFees.get(f.symbol) ?? 0) + moneyToNumber(f.fee));
      }
    }
    const ledgerPos = new Map(conn.instruments.map((i) => [i.symbol, s.engine.portfolio.positionQty(i.symbol) * i.lotF - (baseFees.get(i.symbol) ?? 0)]));
    const lots = new Map(conn.instruments.map((i) => [i.symbol, i.lotF]));
    const lost = s.engine.unprotected().map(({ order: o, qty }) => ({ clientOrderId: o.clientOrderId, symbol: o.symbol, side: o.side, type: o.type, qty, reason: o.reason ?? 'venue' }));
    const found = reconcile(
      { openOrders: ledgerOrders, positions: ledgerPos, baselines: book.baselines ?? {}, knownTrades: known, lotOf: (x) => lots.get(x) ?? 0, lost },
      { openOrders: open, trades, positions, ownWireIds: own, overfills: venue.venueAnomalies().filter((a) => a.kind === 'overfill').map((a) => ({ clientOrderId: a.clientOrderId ?? '', symbol: a.symbol, detail: a.detail })) },
    );
    const acked = new Set(book.ackIds ?? []);
    return found.filter((d) => !acked.has(d.id) || d.kind === 'position-mismatch');
  }

  /** The trader's decision on one difference. */
  async resolve(id: string, action: ReconcileAction, origin: string): Promise<LiveStatus> {
    const d = this.found.find((x) => x.id === id);
    if (!d) throw new NotFoundError('discrepancy', id);
    if (!d.actions.includes(action)) throw new ValidationError(`"${action}" does not apply to ${d.kind} (${d.actions.join(', ') || 'nothing to do but wait'})`, [{ path: 'action', message: 'not allowed here' }]);
    const s = this.o.session();
    const book = this.o.book();
    switch (action) {
      case 'acknowledge':
        if (d.kind === 'position-mismatch') this.o.saveBook({ baselines: { ...(book.baselines ?? {}), [d.symbol]: (book.baselines?.[d.symbol] ?? 0) + (d.ref.delta ?? 0) } });
        else if (d.kind === 'foreign-trade' && d.ref.tradeId) this.o.saveBook({ ackTrades: [...(book.ackTrades ?? []), d.ref.tradeId].slice(-2000) });
        else this.o.saveBook({ ackIds: [...(book.ackIds ?? []), d.id].slice(-2000) });
        if (d.kind === 'missing-order' && d.ref.clientOrderId) this.closeMissing(d.ref.clientOrderId);
        // The trader takes note that the stop is gone: closed here, its sibling kept, the position left unprotected.
        if (d.kind === 'protective-missing' && d.ref.clientOrderId) this.settleLost(d, 'dismiss');
        break;
      case 'adopt':
        if (d.kind === 'foreign-trade') this.adoptTrade(d);
        else this.adopt(d);
        break;
      case 'cancel':
        if (!d.ref.wireId && !d.ref.venueOrderId) throw new ValidationError('the venue gave this order no id to cancel it by');
        await this.o.conn.api.cancel({ clientOrderId: d.ref.wireId ?? '', symbol: d.symbol, conditional: false });
        break;
      case 'replace':
        this.settleLost(d, 'replace');
        break;
    }
    auditOverride(s.parts.audit, this.o.now(), { action: `reconcile-${action}`, reason: d.summary, by: origin, symbol: d.symbol, details: { id: d.id, kind: d.kind, ledger: d.ledger, venue: d.venue } });
    return this.check(`after ${action}`);
  }

  /** A foreign open order becomes one of the account's: in the ledger, the OMS and the venue's tracking. */
  private adopt(d: Discrepancy): void {
    const s = this.o.session();
    const r = this.lastVenueOrder(d);
    const inst = s.instrument(d.symbol);
    const ts = this.o.now();
    const kind = r.type.includes('take_profit') ? 'take-profit' : r.type.includes('stop') ? 'stop-market' : r.type === 'market' ? 'market' : 'limit';
    const id = r.clientOrderId && this.o.venue.wireIdOf(r.clientOrderId) === r.clientOrderId ? r.clientOrderId : `adopted-${r.venueOrderId}`;
    const order: Order = {
      clientOrderId: id, venueOrderId: r.venueOrderId, symbol: d.symbol, venue: s.parts.venue.id, side: r.side, type: kind,
      qty: floatToLots(inst, r.amount - r.filled, 'half-even'), price: r.price !== undefined ? floatToTicks(inst, r.price) : undefined,
      triggerPrice: r.triggerPrice !== undefined ? floatToTicks(inst, r.triggerPrice) : undefined, trail: undefined, tif: 'GTC', expireAt: undefined,
      reduceOnly: r.reduceOnly, postOnly: false, source: 'reconcile', tag: 'adopted', state: 'accepted', filledQty: 0, filledNotionalTicks: 0,
      groupId: undefined, groupKind: undefined, parentId: undefined, createdTs: ts, updatedTs: ts, reason: undefined,
    };
    if (order.qty <= 0) throw new ValidationError('nothing of this order is left to adopt');
    s.batchRun(() => s.engine.adopt(order));
    // Its client id on the wire stays the venue's (it may not be ours); the venue tracks it by venue id too.
    this.o.venue.adoptForeign(order, r.clientOrderId);
  }

  /**
   * A fill of an order Kestrel did not place (another device, or while Kestrel was closed) booked into the
   * account's ledger as the venue reported it: position, cash and fees follow, the audit records it like any
   * fill, and its trade id makes it known (a later check, or the stream, does not book it again). It names no
   * order of the ledger (`foreign-<venue order id>`): the order was never Kestrel's.
   */
  private adoptTrade(d: Discrepancy): void {
    const t = this.trades.get(d.ref.tradeId ?? '');
    if (!t) throw new KestrelError('conflict', 'the venue no longer reports this fill: check again');
    const s = this.o.session();
    const inst = s.instrument(t.symbol);
    const qty = floatToLots(inst, t.amount, 'half-even');
    if (!(qty > 0) || !(t.price > 0)) throw new ValidationError(`the venue's fill ${t.tradeId} has no usable quantity or price`);
    const fill: Fill = {
      venue: s.parts.venue.id, tradeId: t.tradeId, clientOrderId: `foreign-${t.venueOrderId}`, symbol: t.symbol, side: t.side, qty,
      price: floatToTicks(inst, t.price), fee: money(decimalString(t.fee)), feeCurrency: t.feeCurrency ?? inst.quote, liquidity: t.liquidity,
      ts: this.o.now(), venueTs: t.ts,
    };
    this.o.venue.markTradeSeen(t.tradeId);
    s.batchRun(() => s.engine.onVenueEvent({ kind: 'fill', fill }));
    if (!s.engine.portfolio.hasFill(fill.venue, fill.tradeId)) throw new KestrelError('conflict', `the fill ${t.tradeId} could not be booked (see the audit log)`);
  }

  private lastVenueOrder(d: Discrepancy) {
    const r = this.o.venue.foreignOrder(d.ref.venueOrderId ?? '');
    if (!r) throw new KestrelError('conflict', 'the venue no longer reports this order open: check again');
    return r;
  }

  /**
   * A protective order the venue does not have: one still working in the ledger is closed as missing first;
   * then it is placed again in its OCO set (`replace`, a new client id, through the risk gate) or left as the
   * trader acknowledged it (`dismiss`: the position stays unprotected, knowingly).
   */
  private settleLost(d: Discrepancy, action: 'replace' | 'dismiss'): void {
    const id = d.ref.clientOrderId;
    if (!id) throw new NotFoundError('order', d.id);
    const s = this.o.session();
    if (!d.id.startsWith('lost:')) {
      this.closeMissing(id, 'flag');
      // Nothing left to protect: closing it ended its OCO set, there is nothing to place or leave bare.
      if (!s.engine.unprotected().some((x) => x.order.clientOrderId === id)) return;
    }
    s.batchRun(() => s.engine.settleLost(id, action, 'reconcile'));
  }

  /**
   * An order the venue does not have is gone: closed in the ledger as canceled `missing_at_venue`. A protective
   * one goes the kernel's one way for a lost protective order (its sibling kept; re-placed in the same OCO set
   * with a new client id through the risk gate, or the position flagged unprotected): `how` is the trader's
   * decision; without one (the periodic check) the engine's policy applies.
   */
  private closeMissing(clientOrderId: string, how?: ProtectiveLostPolicy): void {
    const s = this.o.session();
    this.o.venue.forget(clientOrderId);
    s.batchRun(() => s.engine.closeMissing(clientOrderId, 'missing_at_venue', how, how ? 'reconcile' : 'system'));
  }

  arm(confirm: string, origin: string): LiveStatus {
    const a = this.o.account;
    if (this.gate !== 'clear') throw new KestrelError('conflict', `Reconcile "${a.name}" first: ${this.found.length} difference(s) open (${this.gate})`);
    if (confirm.trim() !== a.name) throw new ValidationError(`Type the account's name "${a.name}" to arm it`, [{ path: 'confirm', message: 'does not match the account name' }]);
    this.armedBy = origin;
    auditOverride(this.o.session().parts.audit, this.o.now(), { action: 'arm-live', reason: `${a.environment} account armed${this.o.dryRun ? ' (dry-run)' : ''}`, by: origin, details: { environment: a.environment, dryRun: this.o.dryRun } });
    return this.push();
  }

  disarm(origin: string): LiveStatus {
    if (this.armedBy) auditOverride(this.o.session().parts.audit, this.o.now(), { action: 'disarm-live', reason: 'disarmed', by: origin });
    this.armedBy = null;
    return this.push();
  }

  private setGate(g: LiveStatus['gate']): void {
    if (this.gate === g) return;
    this.gate = g;
    if (g !== 'clear') this.armedBy = null;
  }

  private push(): LiveStatus {
    const s = this.status();
    this.o.emit('live.status', s);
    return s;
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    // A suspected difference is looked at again soon rather than at the next period.
    const every = this.o.checkMs ?? 30_000;
    this.timer = setTimeout(() => void this.check(this.suspects.size > 0 ? 'confirm' : 'periodic'), this.suspects.size > 0 ? Math.min(every, CONFIRM_MS) : every);
    this.timer.unref?.();
  }
}
