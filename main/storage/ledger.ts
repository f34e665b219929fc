/**
 * The order ledger: order intents and updates, fills deduplicated by (venue, trade id), and a position
 * snapshot maintained in the same transaction as each fill and checkable against a rebuild from fills.
 * `storeFor()` gives the engine its Store port, bound to one account and session.
 */
import { canonicalJson } from '../core/audit/canonical.ts';
import { IllegalTransitionError, KestrelError, ValidationError } from '../core/errors.ts';
import { isTerminal, money, moneyToString, type Fill, type Order, type OrderState } from '../core/model/index.ts';
import type { Store } from '../core/ports.ts';
import { guarded, type SqliteDb, type SqliteStatement } from './sqlite.ts';
import type { WalSync } from './wal-sync.ts';

export interface LedgerScope {
  readonly accountId: string;
  /** Engine client order ids are unique per session; '' when the caller has no session. */
  readonly sessionId: string;
}

/**
 * When a live send may go (README.md, "Durability of the ledger"): `process` once the intent is committed
 * (in the WAL: survives a process kill; a power cut within about one fsync may lose it, and reconciliation
 * then finds the order at the venue); `disk` once a group fsync covering the intent has returned.
 */
export type LedgerDurability = 'process' | 'disk';

export interface StoreOptions {
  /**
   * `batch`: an intent joins the surrounding batch's commit instead of committing before it returns. Only
   * for a venue inside this process (paper): a crash takes its working orders with it, so the intent, the
   * ack and the fill commit or vanish together. A venue outside the process (live) needs the default.
   */
  readonly intents?: 'commit' | 'batch';
}

export interface StoredOrder {
  readonly sessionId: string;
  readonly accountId: string;
  readonly version: number;
  readonly order: Order;
}

export interface StoredFill extends Fill {
  readonly seq: number;
  readonly sessionId: string;
  readonly accountId: string;
}

/** A perpetual funding payment booked on an account (migration 0005): what the portfolio re-applies on restart. */
export interface StoredFunding {
  readonly accountId: string;
  readonly sessionId: string;
  readonly symbol: string;
  readonly ts: number;
  /** Money-scaled rate (money('0.0001') = 1 bp); longs pay when positive. */
  readonly rate: bigint;
  readonly markPrice: number;
  /** Signed lots held at the funding time. */
  readonly position: number;
  /** Cash paid (+) or received (−), in `currency`. */
  readonly amount: bigint;
  readonly currency: string;
}

export interface PositionRow {
  readonly accountId: string;
  readonly symbol: string;
  /** Signed lots. */
  readonly qty: number;
  /** Σ signed qty × price over fills, in ticks × lots (exact, decimal string). */
  readonly cost: string;
  /** Fees per currency as exact decimal strings. */
  readonly fees: Readonly<Record<string, string>>;
  readonly fills: number;
  readonly lastFillSeq: number;
}

export interface PositionCheck {
  readonly ok: boolean;
  readonly checked: number;
  readonly mismatches: readonly { accountId: string; symbol: string; stored: PositionRow | null; rebuilt: PositionRow | null }[];
}

interface OrderRow {
  session_id: string;
  account_id: string;
  version: number;
  state: string;
  data: string;
}

/** A `fills` row as stored (equity-history.ts joins it with the order's attribution). */
export interface FillRow {
  seq: number;
  venue: string;
  trade_id: string;
  session_id: string;
  account_id: string;
  client_order_id: string;
  symbol: string;
  side: 'buy' | 'sell';
  qty: number;
  price: number;
  fee: string;
  fee_currency: string;
  liquidity: 'maker' | 'taker';
  ts: number;
  venue_ts: number | null;
}

interface PosRow {
  account_id: string;
  symbol: string;
  qty: number;
  cost: string;
  fees: string;
  fills: number;
  last_fill_seq: number;
}

export class Ledger {
  readonly db: SqliteDb;
  private readonly st: Record<string, SqliteStatement<unknown[], unknown>>;
  private batching = false;
  private readonly sync: WalSync | undefined;
  private lastIntentSync: Promise<void> | undefined;
  /**
   * Orders whose intent joined the open batch (paper): their latest state, written as ONE row when the batch
   * commits (or before anything reads orders), instead of an insert and an update per state change.
   */
  private readonly unwritten = new Map<string, { readonly scope: LedgerScope; order: Order; writes: number }>();
  /**
   * Position snapshots moved by fills inside the open batch, by account and symbol: written once each when
   * the batch commits (or before anything reads positions) instead of a read, a parse and an upsert per fill.
   * The fills themselves are inserted at once (dedup needs the row); the snapshot is derived from them, and
   * the batch commits both or neither.
   */
  private readonly unwrittenPos = new Map<string, PositionRow>();
  readonly durability: LedgerDurability;
  /** Durable write latency (ms) by kind, for the host's metrics. */
  onWrite: ((kind: 'intent' | 'commit', ms: number) => void) | undefined;

  /** `sync`: the group fsync of the WAL (absent for an in-memory or read-only ledger: nothing to sync). */
  constructor(db: SqliteDb, sync?: WalSync, durability: LedgerDurability = 'process') {
    this.db = db;
    this.sync = sync;
    this.durability = durability;
    const p = (sql: string) => db.prepare(sql) as SqliteStatement<unknown[], unknown>;
    this.st = {
      insertOrder: p(`INSERT INTO orders (session_id, client_order_id, account_id, venue, symbol, side, type, state, qty, price, trigger_price, filled_qty, filled_notional, venue_order_id, created_ts, updated_ts, version, data)
        VALUES (@session, @id, @account, @venue, @symbol, @side, @type, @state, @qty, @price, @trigger, @filled, @notional, @venueOrderId, @created, @updated, 1, @data)`),
      insertOrderAt: p(`INSERT INTO orders (session_id, client_order_id, account_id, venue, symbol, side, type, state, qty, price, trigger_price, filled_qty, filled_notional, venue_order_id, created_ts, updated_ts, version, data)
        VALUES (@session, @id, @account, @venue, @symbol, @side, @type, @state, @qty, @price, @trigger, @filled, @notional, @venueOrderId, @created, @updated, @version, @data)`),
      updateOrder: p(`UPDATE orders SET state = @state, qty = @qty, price = @price, trigger_price = @trigger, filled_qty = @filled, filled_notional = @notional,
        venue_order_id = @venueOrderId, updated_ts = @updated, version = version + 1, data = @data WHERE session_id = @session AND client_order_id = @id`),
      getOrder: p('SELECT session_id, account_id, version, state, data FROM orders WHERE session_id = ? AND client_order_id = ?'),
      openOrders: p(`SELECT session_id, account_id, version, state, data FROM orders WHERE state NOT IN ('filled', 'canceled', 'rejected', 'expired') ORDER BY created_ts, client_order_id`),
      sessionOrders: p('SELECT session_id, account_id, version, state, data FROM orders WHERE session_id = ? ORDER BY created_ts, client_order_id'),
      insertFill: p(`INSERT INTO fills (venue, trade_id, session_id, account_id, client_order_id, symbol, side, qty, price, fee, fee_currency, liquidity, ts, venue_ts)
        VALUES (@venue, @tradeId, @session, @account, @clientOrderId, @symbol, @side, @qty, @price, @fee, @feeCurrency, @liquidity, @ts, @venueTs)
        ON CONFLICT (venue, trade_id) DO NOTHING`),
      fillsOf: p('SELECT * FROM fills WHERE account_id = ? ORDER BY seq'),
      fillsAfter: p('SELECT * FROM fills WHERE seq > ? ORDER BY seq LIMIT ?'),
      allFills: p('SELECT * FROM fills ORDER BY seq'),
      getPos: p('SELECT * FROM positions WHERE account_id = ? AND symbol = ?'),
      putPos: p(`INSERT INTO positions (account_id, symbol, qty, cost, fees, fills, last_fill_seq) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (account_id, symbol) DO UPDATE SET qty = excluded.qty, cost = excluded.cost, fees = excluded.fees, fills = excluded.fills, last_fill_seq = excluded.last_fill_seq`),
      allPos: p('SELECT * FROM positions ORDER BY account_id, symbol'),
      posOf: p('SELECT * FROM positions WHERE account_id = ? ORDER BY symbol'),
      clearPos: p('DELETE FROM positions'),
      insertFunding: p(`INSERT INTO funding (account_id, session_id, symbol, ts, rate, mark_ticks, position, amount, currency) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (account_id, symbol, ts) DO NOTHING`),
      fundingOf: p('SELECT * FROM funding WHERE account_id = ? ORDER BY ts, symbol'),
    };
  }

  /** Resolves once every commit made before the call is on disk (one fsync shared by all callers meanwhile). */
  durable(): Promise<void> {
    return this.sync ? this.sync.durable() : Promise.resolve();
  }

  /**
   * The group fsync covering the last intent committed (started at its commit): what a live venue in `disk`
   * durability awaits before sending. Orders placed while one fsync runs share the next.
   */
  intentDurable(): Promise<void> {
    return this.lastIntentSync ?? Promise.resolve();
  }

  /**
   * Writes the order intent (state pending-submit or held) and returns once it is committed (survives a
   * process kill; see `durable()` for a power cut). `joinBatch`: see StoreOptions.intents.
   */
  recordIntent(scope: LedgerScope, order: Readonly<Order>, joinBatch = false): void {
    if (order.state !== 'pending-submit' && order.state !== 'held') {
      throw new ValidationError(`An order intent must be pending-submit or held, got ${order.state}`, [{ path: 'state', message: 'not an intent' }]);
    }
    if (joinBatch && this.batching && this.db.inTransaction) return this.deferIntent(scope, order);
    const params = orderParams(scope, order);
    guarded('record order intent', () => {
      // Inside a batch a live intent may not wait for the batch's commit: the venue call follows at once.
      // The intent joins the batch, which is committed right away (one commit for what the batch held and
      // the intent) and reopened; the group fsync started here is what `intentDurable()` hands out.
      const inBatch = this.batching && this.db.inTransaction && !joinBatch;
      const t0 = performance.now();
      try {
        this.st.insertOrder!.run(params);
        this.onWrite?.('intent', performance.now() - t0);
      } catch (e) {
        if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
          throw new KestrelError('conflict', `Order ${order.clientOrderId} already exists in session ${scope.sessionId || '(none)'}`, { details: { clientOrderId: order.clientOrderId } });
        }
        throw e;
      } finally {
        if (inBatch) {
          if (this.db.inTransaction) {
            this.flushUnwritten();
            this.lastIntentSync = this.commit();
          }
          this.db.exec('BEGIN IMMEDIATE');
        } else if (!this.db.inTransaction && this.sync) {
          this.lastIntentSync = this.sync.kick(); // it committed on its own
        }
      }
    });
  }

  /**
   * Runs `fn` (one engine tick) with all its ledger writes — order updates, fills, audit entries — in ONE
   * transaction: one commit per tick instead of one per write, and the background group fsync after it.
   * Live order intents inside are still committed before they return (see recordIntent). Whatever was
   * written is committed even when `fn` throws: each write records something that did happen.
   * Do not call recordIntent from inside your own db.transaction() within a batch.
   */
  batch<T>(fn: () => T): T {
    if (this.batching) return fn();
    guarded('begin batch', () => this.db.exec('BEGIN IMMEDIATE'));
    this.batching = true;
    try {
      return fn();
    } finally {
      this.batching = false;
      // SQLite may already have rolled back (e.g. SQLITE_FULL); then there is nothing to commit.
      if (!this.db.inTransaction) {
        this.unwritten.clear();
        this.unwrittenPos.clear();
      }
      if (this.db.inTransaction) {
        guarded('commit batch', () => {
          try {
            // Inside the try: a held row that cannot be written must not leave the batch's transaction open.
            this.flushUnwritten();
            const t0 = performance.now();
            this.commit();
            this.onWrite?.('commit', performance.now() - t0);
          } catch (e) {
            if (this.db.inTransaction) this.db.exec('ROLLBACK');
            throw e;
          }
        });
      }
    }
  }

  private deferIntent(scope: LedgerScope, order: Readonly<Order>): void {
    checkOrder(order);
    const key = orderKey(scope.sessionId, order.clientOrderId);
    if (this.unwritten.has(key) || this.st.getOrder!.get(scope.sessionId, order.clientOrderId)) {
      throw new KestrelError('conflict', `Order ${order.clientOrderId} already exists in session ${scope.sessionId || '(none)'}`, { details: { clientOrderId: order.clientOrderId } });
    }
    this.unwritten.set(key, { scope, order: { ...order }, writes: 1 });
  }

  /** Writes the deferred paper orders (each at its latest state, its version counting the states it went through). */
  private flushUnwritten(): void {
    if (this.unwrittenPos.size > 0) {
      const pos = [...this.unwrittenPos.values()];
      this.unwrittenPos.clear();
      guarded('record positions', () => {
        for (const p of pos) this.writePosition(p);
      });
    }
    if (this.unwritten.size === 0) return;
    const rows = [...this.unwritten.values()];
    this.unwritten.clear();
    guarded('record orders', () => {
      // Each row is a deferred intent's write: the write-latency metric counts it as one.
      for (const u of rows) {
        const t0 = performance.now();
        this.st.insertOrderAt!.run({ ...orderParams(u.scope, u.order), version: u.writes });
        this.onWrite?.('intent', performance.now() - t0);
      }
    });
  }

  /** COMMIT, then the background group fsync that covers it (returned): a power cut takes about one fsync's worth at most. */
  private commit(): Promise<void> | undefined {
    this.db.exec('COMMIT');
    return this.sync?.kick();
  }

  /**
   * Stores the order's new state. Unknown orders (found by reconciliation) are inserted. A terminal order
   * never changes state again: that would be a silent overwrite of a final fact.
   */
  recordOrderUpdate(scope: LedgerScope, order: Readonly<Order>): void {
    const u = this.unwritten.size > 0 ? this.unwritten.get(orderKey(scope.sessionId, order.clientOrderId)) : undefined;
    if (u) {
      checkOrder(order);
      if (isTerminal(u.order.state) && u.order.state !== order.state) throw new IllegalTransitionError('order', u.order.state, order.state, { clientOrderId: order.clientOrderId });
      u.order = { ...order };
      u.writes++;
      return;
    }
    const params = orderParams(scope, order);
    const write = (): void => {
      const cur = this.st.getOrder!.get(scope.sessionId, order.clientOrderId) as OrderRow | undefined;
      if (!cur) return void this.st.insertOrder!.run(params);
      if (isTerminal(cur.state as OrderState) && cur.state !== order.state) throw new IllegalTransitionError('order', cur.state, order.state, { clientOrderId: order.clientOrderId });
      this.st.updateOrder!.run(params);
    };
    // Inside a transaction (a batch) the read and the one write need no savepoint of their own: the write is
    // a single statement, atomic by itself, and the transaction already holds the write lock.
    guarded('record order update', () => (this.db.inTransaction ? write() : this.db.transaction(write).immediate()));
  }

  getOrder(sessionId: string, clientOrderId: string): StoredOrder | undefined {
    this.flushUnwritten();
    const r = this.st.getOrder!.get(sessionId, clientOrderId) as OrderRow | undefined;
    return r && toStoredOrder(r);
  }

  /** Orders not yet in a terminal state (what reconciliation must resolve at startup). */
  openOrders(): StoredOrder[] {
    this.flushUnwritten();
    return (this.st.openOrders!.all() as OrderRow[]).map(toStoredOrder);
  }

  sessionOrders(sessionId: string): StoredOrder[] {
    this.flushUnwritten();
    return (this.st.sessionOrders!.all(sessionId) as OrderRow[]).map(toStoredOrder);
  }

  /** Stores a fill and updates the position snapshot atomically; false if (venue, tradeId) was already stored. */
  recordFill(scope: LedgerScope, fill: Fill): boolean {
    checkFill(fill);
    if (this.batching && this.db.inTransaction) return guarded('record fill', () => this.batchFill(scope, fill));
    return guarded('record fill', () =>
      this.db.transaction(() => {
        const r = this.st.insertFill!.run(fillParams(scope, fill));
        if (r.changes === 0) return false;
        const prev = this.st.getPos!.get(scope.accountId, fill.symbol) as PosRow | undefined;
        const next = applyFill(prev ? toPosition(prev) : emptyPosition(scope.accountId, fill.symbol), fill, Number(r.lastInsertRowid));
        this.writePosition(next);
        return true;
      }).immediate(),
    );
  }

  /**
   * A fill inside a batch: one INSERT (atomic by itself, under the batch's write lock) and the position moved
   * in memory. The position is computed before the insert, so a refused fill changes nothing.
   */
  private batchFill(scope: LedgerScope, fill: Fill): boolean {
    const key = `${scope.accountId}\u0000${fill.symbol}`;
    let prev = this.unwrittenPos.get(key);
    if (!prev) {
      const row = this.st.getPos!.get(scope.accountId, fill.symbol) as PosRow | undefined;
      prev = row ? toPosition(row) : emptyPosition(scope.accountId, fill.symbol);
    }
    const params = fillParams(scope, fill); // refuses what it refuses outside a batch, before anything is written
    const next = applyFill(prev, fill, 0);
    const r = this.st.insertFill!.run(params);
    if (r.changes === 0) return false;
    this.unwrittenPos.set(key, { ...next, lastFillSeq: Number(r.lastInsertRowid) });
    return true;
  }

  /**
   * Stores a funding payment (inside the batch that booked it: one commit with its audit event); false when
   * that (account, symbol, funding time) was stored already: a funding time is paid once.
   */
  recordFunding(f: StoredFunding): boolean {
    if (!f.symbol || !f.accountId || !Number.isSafeInteger(f.ts) || !Number.isSafeInteger(f.markPrice) || f.markPrice <= 0 || !Number.isSafeInteger(f.position)) {
      throw new ValidationError(`funding for ${f.symbol || '?'} at ${f.ts}: bad time, mark or position`, [{ path: 'funding', message: 'invalid' }]);
    }
    return guarded('record funding', () => this.st.insertFunding!.run(f.accountId, f.sessionId, f.symbol, f.ts, moneyToString(f.rate), f.markPrice, f.position, moneyToString(f.amount), f.currency).changes > 0);
  }

  /** An account's funding payments, in time order. */
  funding(accountId: string): StoredFunding[] {
    return (this.st.fundingOf!.all(accountId) as FundingRow[]).map((r) => ({
      accountId: r.account_id, sessionId: r.session_id, symbol: r.symbol, ts: r.ts, rate: money(r.rate), markPrice: r.mark_ticks, position: r.position, amount: money(r.amount), currency: r.currency,
    }));
  }

  fills(accountId: string): StoredFill[] {
    return (this.st.fillsOf!.all(accountId) as FillRow[]).map(toFill);
  }

  /** A page of fills in arrival order after `afterSeq` (exports, UI blotter). */
  fillsAfter(afterSeq: number, limit = 1000): StoredFill[] {
    return (this.st.fillsAfter!.all(afterSeq, limit) as FillRow[]).map(toFill);
  }

  positions(accountId?: string): PositionRow[] {
    this.flushUnwritten();
    const rows = (accountId === undefined ? this.st.allPos!.all() : this.st.posOf!.all(accountId)) as PosRow[];
    return rows.map(toPosition);
  }

  /** Rebuilds every position from the fills and compares with the stored snapshot. */
  checkPositions(): PositionCheck {
    const rebuilt = this.rebuildFromFills();
    const stored = new Map(this.positions().map((p) => [`${p.accountId}\u0000${p.symbol}`, p]));
    const mismatches: PositionCheck['mismatches'][number][] = [];
    for (const [k, r] of rebuilt) {
      const s = stored.get(k) ?? null;
      if (!s || canonicalJson(s) !== canonicalJson(r)) mismatches.push({ accountId: r.accountId, symbol: r.symbol, stored: s, rebuilt: r });
      stored.delete(k);
    }
    for (const s of stored.values()) mismatches.push({ accountId: s.accountId, symbol: s.symbol, stored: s, rebuilt: null });
    return { ok: mismatches.length === 0, checked: rebuilt.size, mismatches };
  }

  /** Replaces the snapshot with the rebuild from fills (repair after a failed check). */
  rebuildPositions(): PositionCheck {
    const before = this.checkPositions();
    guarded('rebuild positions', () =>
      this.db.transaction(() => {
        this.st.clearPos!.run();
        for (const p of this.rebuildFromFills().values()) this.writePosition(p);
      }).immediate(),
    );
    return before;
  }

  /** The engine's Store port bound to one account and session. */
  storeFor(scope: LedgerScope, opts: StoreOptions = {}): Store {
    const joinBatch = opts.intents === 'batch';
    return {
      recordIntent: (order) => this.recordIntent(scope, order, joinBatch),
      recordOrderUpdate: (order) => this.recordOrderUpdate(scope, order),
      recordFill: (fill) => this.recordFill(scope, fill),
    };
  }

  private rebuildFromFills(): Map<string, PositionRow> {
    const out = new Map<string, PositionRow>();
    for (const row of this.st.allFills!.iterate() as IterableIterator<FillRow>) {
      const k = `${row.account_id}\u0000${row.symbol}`;
      out.set(k, applyFill(out.get(k) ?? emptyPosition(row.account_id, row.symbol), toFill(row), row.seq));
    }
    return out;
  }

  private writePosition(p: PositionRow): void {
    this.st.putPos!.run(p.accountId, p.symbol, p.qty, p.cost, canonicalJson(p.fees), p.fills, p.lastFillSeq);
  }
}

function emptyPosition(accountId: string, symbol: string): PositionRow {
  return { accountId, symbol, qty: 0, cost: '0', fees: {}, fills: 0, lastFillSeq: 0 };
}

function applyFill(p: PositionRow, f: Fill, seq: number): PositionRow {
  const signed = f.side === 'buy' ? f.qty : -f.qty;
  const fees = { ...p.fees };
  fees[f.feeCurrency] = moneyToString(money(fees[f.feeCurrency] ?? '0') + f.fee);
  return {
    accountId: p.accountId,
    symbol: p.symbol,
    qty: p.qty + signed,
    cost: (BigInt(p.cost) + BigInt(signed) * BigInt(f.price)).toString(),
    fees,
    fills: p.fills + 1,
    lastFillSeq: seq,
  };
}

function toPosition(r: PosRow): PositionRow {
  return { accountId: r.account_id, symbol: r.symbol, qty: r.qty, cost: r.cost, fees: JSON.parse(r.fees) as Record<string, string>, fills: r.fills, lastFillSeq: r.last_fill_seq };
}

function int(v: number | undefined, path: string, optional = false): number | null {
  if (v === undefined && optional) return null;
  if (!Number.isSafeInteger(v)) throw new ValidationError(`${path} must be an integer (ticks/lots), got ${String(v)}`, [{ path, message: 'not an integer' }]);
  return v!;
}

function orderKey(sessionId: string, clientOrderId: string): string {
  return `${sessionId}\u0000${clientOrderId}`;
}

/** What orderParams refuses, checked when a write is deferred (so the caller gets the error, not the commit). */
function checkOrder(o: Readonly<Order>): void {
  if (typeof o.clientOrderId !== 'string' || !o.clientOrderId) throw new ValidationError('Order has no clientOrderId', [{ path: 'clientOrderId', message: 'required' }]);
  int(o.qty, 'qty');
  int(o.price, 'price', true);
  int(o.triggerPrice, 'triggerPrice', true);
  int(o.filledQty, 'filledQty');
  int(o.filledNotionalTicks, 'filledNotionalTicks');
  int(o.createdTs, 'createdTs');
  int(o.updatedTs, 'updatedTs');
}

function orderParams(scope: LedgerScope, o: Readonly<Order>): Record<string, unknown> {
  if (typeof o.clientOrderId !== 'string' || !o.clientOrderId) throw new ValidationError('Order has no clientOrderId', [{ path: 'clientOrderId', message: 'required' }]);
  return {
    session: scope.sessionId,
    account: scope.accountId,
    id: o.clientOrderId,
    venue: o.venue,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    state: o.state,
    qty: int(o.qty, 'qty'),
    price: int(o.price, 'price', true),
    trigger: int(o.triggerPrice, 'triggerPrice', true),
    filled: int(o.filledQty, 'filledQty'),
    notional: int(o.filledNotionalTicks, 'filledNotionalTicks'),
    venueOrderId: o.venueOrderId ?? null,
    created: int(o.createdTs, 'createdTs'),
    updated: int(o.updatedTs, 'updatedTs'),
    data: canonicalJson(o),
  };
}

/** `canonicalJson` drops undefined fields; restore them so the object has the Order shape. */
function toStoredOrder(r: OrderRow): StoredOrder {
  const d = JSON.parse(r.data) as Record<string, unknown>;
  for (const k of ['venueOrderId', 'price', 'triggerPrice', 'trail', 'expireAt', 'tag', 'groupId', 'groupKind', 'parentId', 'reason']) if (!(k in d)) d[k] = undefined;
  return { sessionId: r.session_id, accountId: r.account_id, version: r.version, order: d as unknown as Order };
}

interface FundingRow {
  account_id: string;
  session_id: string;
  symbol: string;
  ts: number;
  rate: string;
  mark_ticks: number;
  position: number;
  amount: string;
  currency: string;
}

function checkFill(f: Fill): void {
  for (const k of ['venue', 'tradeId', 'clientOrderId', 'symbol', 'feeCurrency'] as const) {
    if (typeof f[k] !== 'string' || (k !== 'clientOrderId' && f[k].length === 0)) throw new ValidationError(`Fill ${k} must be a non-empty string`, [{ path: k, message: 'required' }]);
  }
  if (f.side !== 'buy' && f.side !== 'sell') throw new ValidationError(`Fill side must be buy or sell, got ${String(f.side)}`, [{ path: 'side', message: 'invalid' }]);
  if (!(Number.isSafeInteger(f.qty) && f.qty > 0)) throw new ValidationError(`Fill qty must be a positive integer number of lots, got ${f.qty}`, [{ path: 'qty', message: 'invalid' }]);
  int(f.price, 'price');
  int(f.ts, 'ts');
  if (typeof f.fee !== 'bigint') throw new ValidationError('Fill fee must be Money (bigint atto-units)', [{ path: 'fee', message: 'not Money' }]);
}

function fillParams(scope: LedgerScope, f: Fill): Record<string, unknown> {
  return {
    venue: f.venue,
    tradeId: f.tradeId,
    session: scope.sessionId,
    account: scope.accountId,
    clientOrderId: f.clientOrderId,
    symbol: f.symbol,
    side: f.side,
    qty: f.qty,
    price: f.price,
    fee: moneyToString(f.fee),
    feeCurrency: f.feeCurrency,
    liquidity: f.liquidity,
    ts: f.ts,
    venueTs: f.venueTs ?? null,
  };
}

export function toFill(r: FillRow): StoredFill {
  const f: StoredFill = {
    seq: r.seq,
    sessionId: r.session_id,
    accountId: r.account_id,
    venue: r.venue,
    tradeId: r.trade_id,
    clientOrderId: r.client_order_id,
    symbol: r.symbol,
    side: r.side,
    qty: r.qty,
    price: r.price,
    fee: money(r.fee),
    feeCurrency: r.fee_currency,
    liquidity: r.liquidity,
    ts: r.ts,
    ...(r.venue_ts === null ? {} : { venueTs: r.venue_ts }),
  };
  return f;
}
