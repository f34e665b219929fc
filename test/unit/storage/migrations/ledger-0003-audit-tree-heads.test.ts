import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../../../main/core/audit/chain.ts';
import { migrate } from '../../../../main/storage/migrate.ts';
import { LEDGER_DB } from '../../../../main/storage/index.ts';
import { openSqlite } from '../../../../main/storage/sqlite.ts';

describe('ledger migration 0003 (audit tree heads)', () => {
  it('adds the append-only tree-head table to a v2 ledger without touching the audit log', () => {
    const db = openSqlite(':memory:');
    migrate(db, 'ledger', LEDGER_DB.applicationId, LEDGER_DB.migrations, 2);
    const h = (c: string) => c.repeat(64);
    db.prepare('INSERT INTO audit_log VALUES (1, 1, ?, ?, ?, ?)').run('x', '{}', GENESIS_HASH, h('a'));
    db.prepare('INSERT INTO audit_log VALUES (2, 2, ?, ?, ?, ?)').run('x', '{}', h('a'), h('b'));
    expect(migrate(db, 'ledger', LEDGER_DB.applicationId, LEDGER_DB.migrations, 3)).toBe(3);
    expect(db.prepare('SELECT count(*) AS n FROM audit_log').get()).toEqual({ n: 2 });
    const ins = db.prepare('INSERT INTO audit_tree_heads VALUES (?, ?, ?, ?, ?, NULL)');
    expect(() => ins.run(3, h('c'), h('b'), '[]', 5)).toThrow(/within the log/);
    ins.run(1, h('c'), h('a'), '[]', 5);
    expect(() => ins.run(1, h('d'), h('a'), '[]', 6)).toThrow(/larger than the last/);
    ins.run(2, h('d'), h('b'), '[]', 6);
    expect(() => ins.run(3, 'short', h('b'), '[]', 7)).toThrow();
    expect(() => db.prepare('UPDATE audit_tree_heads SET root = ?').run(h('e'))).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_tree_heads').run()).toThrow(/append-only/);
    db.close();
  });
});
