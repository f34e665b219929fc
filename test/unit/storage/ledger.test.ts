import { describe, expect, it } from 'vitest';
import { IllegalTransitionError, KestrelError, ValidationError } from '../../../main/core/errors.ts';
import { openSqlite } from '../../../main/storage/sqlite.ts';
import { openLedger } from '../../../main/storage/index.ts';
import { fill, order, tempDir } from './helpers.ts';

const SCOPE = { accountId: 'paper-1', sessionId: 's1' };

function open() {
  const file = `${tempDir()}/ledger.db`;
  return { file, ...openLedger(file) };
}

describe('order ledger', () => {
  it('stores the intent, then updates; the stored order reads back with the engine shape', () => {
    const l = open();
    const o = order('o1');
    l.ledger.recordIntent(SCOPE, o);
    expect(l.ledger.getOrder('s1', 'o1')).toMatchObject({ accountId: 'paper-1', version: 1, order: o });
    const acked = { ...o, state: 'accepted' as const, venueOrderId: 'v-9', updatedTs: o.updatedTs + 5 };
    l.ledger.recordOrderUpdate(SCOPE, acked);
    expect(l.ledger.getOrder('s1', 'o1')).toMatchObject({ version: 2, order: acked });
    expect(l.ledger.openOrders().map((s) => s.order.clientOrderId)).toEqual(['o1']);
    l.db.close();
  });

  it('an intent is durable when recordIntent returns (visible to another connection)', () => {
    const l = open();
    const other = openSqlite(l.file, { readonly: true });
    l.ledger.recordIntent(SCOPE, order('o1'));
    expect(other.prepare('SELECT state FROM orders').all()).toEqual([{ state: 'pending-submit' }]);
    // ...also inside a batch, where other writes wait for the batch commit.
    l.ledger.batch(() => {
      l.audit.record('signal', { x: 1 });
      l.ledger.recordIntent(SCOPE, order('o2'));
      expect(other.prepare('SELECT count(*) AS n FROM orders').get()).toEqual({ n: 2 });
      expect(other.prepare('SELECT count(*) AS n FROM audit_log').get()).toEqual({ n: 1 });
      l.audit.record('order', { id: 'o2' });
      expect(other.prepare('SELECT count(*) AS n FROM audit_log').get()).toEqual({ n: 1 });
    });
    expect(other.prepare('SELECT count(*) AS n FROM audit_log').get()).toEqual({ n: 2 });
    other.close();
    l.db.close();
  });

  it('refuses a second intent with the same id, a non-intent state, and changing a terminal order', () => {
    const l = open();
    l.ledger.recordIntent(SCOPE, order('o1'));
    expect(() => l.ledger.recordIntent(SCOPE, order('o1'))).toThrow(KestrelError);
    expect(() => l.ledger.recordIntent(SCOPE, order('o2', { state: 'accepted' }))).toThrow(ValidationError);
    l.ledger.recordIntent({ ...SCOPE, sessionId: 's2' }, order('o1'));
    l.ledger.recordOrderUpdate(SCOPE, order('o1', { state: 'canceled' }));
    expect(() => l.ledger.recordOrderUpdate(SCOPE, order('o1', { state: 'accepted' }))).toThrow(IllegalTransitionError);
    expect(l.ledger.getOrder('s1', 'o1')?.order.state).toBe('canceled');
    expect(() => l.ledger.recordIntent(SCOPE, order('o3', { qty: 1.5 }))).toThrow(/integer/);
    l.db.close();
  });

  it('deduplicates fills by (venue, trade id) and keeps positions in step', () => {
    const l = open();
    const store = l.ledger.storeFor(SCOPE);
    expect(store.recordFill(fill('t1', { qty: 2, price: 100 }))).toBe(true);
    expect(store.recordFill(fill('t1', { qty: 2, price: 100 }))).toBe(false);
    expect(store.recordFill(fill('t1', { venue: 'other' }))).toBe(true);
    expect(store.recordFill(fill('t2', { side: 'sell', qty: 5, price: 110, fee: 10n ** 18n, feeCurrency: 'BNB' }))).toBe(true);
    expect(l.ledger.fills('paper-1')).toHaveLength(3);
    const [p] = l.ledger.positions('paper-1');
    expect(p).toMatchObject({ qty: 2 + 1 - 5, cost: String(2 * 100 + 6_000_000 - 5 * 110), fees: { BNB: '1', USDT: '0.003' }, fills: 3 });
    expect(l.ledger.checkPositions()).toMatchObject({ ok: true, checked: 1 });
    expect(l.ledger.fills('paper-1')[2]).toMatchObject({ tradeId: 't2', fee: 10n ** 18n, feeCurrency: 'BNB' });
    l.db.close();
  });

  it('inside a batch: fills deduplicate, positions move in memory, read back mid-batch, and commit with the fills even when the batch throws', () => {
    const l = open();
    const store = l.ledger.storeFor(SCOPE);
    store.recordFill(fill('t0', { qty: 1 })); // a position stored before the batch, that the batch continues
    const other = openSqlite(l.file, { readonly: true });
    const storedQty = (): unknown => (other.prepare('SELECT qty FROM positions').get() as { qty: number } | undefined)?.qty;
    expect(() => l.ledger.batch(() => {
      expect(store.recordFill(fill('t1', { qty: 2, price: 100 }))).toBe(true);
      expect(store.recordFill(fill('t1', { qty: 2, price: 100 }))).toBe(false);
      expect(store.recordFill(fill('t2', { side: 'sell', qty: 5, price: 110, fee: 10n ** 18n, feeCurrency: 'BNB' }))).toBe(true);
      expect(storedQty()).toBe(1); // nothing committed yet
      expect(l.ledger.positions('paper-1')[0]).toMatchObject({ qty: 1 + 2 - 5, fills: 3 });
      expect(store.recordFill(fill('t3', { qty: 4 }))).toBe(true); // after a read: the flushed row is continued
      expect(() => store.recordFill(fill('t4', { qty: 1.5 }))).toThrow(/integer/); // refused: changes nothing
      throw new Error('strategy crashed');
    })).toThrow(/crashed/);
    expect(storedQty()).toBe(1 + 2 - 5 + 4);
    const [p] = l.ledger.positions('paper-1');
    expect(p).toMatchObject({ qty: 2, cost: String(6_000_000 + 2 * 100 - 5 * 110 + 4 * 6_000_000), fees: { BNB: '1', USDT: '0.0045' }, fills: 4 });
    expect(p!.lastFillSeq).toBe(l.ledger.fills('paper-1').at(-1)!.seq);
    expect(l.ledger.checkPositions()).toMatchObject({ ok: true, checked: 1 });
    other.close();
    l.db.close();
  });

  it('a position snapshot that disagrees with the fills is reported, and the rebuild repairs it', () => {
    const l = open();
    l.ledger.recordFill(SCOPE, fill('t1', { qty: 4 }));
    l.ledger.recordFill(SCOPE, fill('t2', { qty: 1, side: 'sell' }));
    l.db.prepare(`UPDATE positions SET qty = 99`).run();
    const check = l.ledger.checkPositions();
    expect(check.ok).toBe(false);
    expect(check.mismatches[0]).toMatchObject({ symbol: 'BTC/USDT', stored: { qty: 99 }, rebuilt: { qty: 3 } });
    l.ledger.rebuildPositions();
    expect(l.ledger.checkPositions().ok).toBe(true);
    expect(l.ledger.positions()[0]!.qty).toBe(3);
    l.db.close();
  });

  it('never stores money as REAL: no REAL column anywhere, fractional ticks/lots refused by STRICT tables', () => {
    const l = open();
    const tables = l.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[];
    for (const { name } of tables) {
      const cols = l.db.prepare(`SELECT type FROM pragma_table_info(?)`).all(name) as { type: string }[];
      for (const c of cols) expect(c.type.toUpperCase()).not.toMatch(/REAL|FLOA|DOUB|NUMERIC|DECIMAL/);
    }
    expect(() => l.db.prepare(`INSERT INTO positions VALUES ('a', 's', 1.5, '0', '{}', 0, 0)`).run()).toThrow(/cannot store REAL/);
    expect(() => l.ledger.recordFill(SCOPE, fill('t9', { fee: 0.5 as unknown as bigint }))).toThrow(ValidationError);
    l.db.close();
  });
});

describe('ledger database file', () => {
  it('runs WAL with synchronous=NORMAL (the WAL is fsynced by the group commit, wal-sync.ts)', () => {
    const l = open();
    expect(l.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(l.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    l.db.close();
  });
});
