import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../../../main/core/audit/chain.ts';
import { migrate } from '../../../../main/storage/migrate.ts';
import { LEDGER_DB } from '../../../../main/storage/index.ts';
import { openSqlite } from '../../../../main/storage/sqlite.ts';

describe('ledger migration 0002 (audit log)', () => {
  it('adds the append-only audit table to a v1 ledger without touching its rows', () => {
    const db = openSqlite(':memory:');
    migrate(db, 'ledger', LEDGER_DB.applicationId, LEDGER_DB.migrations, 1);
    db.prepare(`INSERT INTO accounts VALUES ('a', 'paper', 'paper', 'Paper', 'USDT', 1, '{}')`).run();
    expect(migrate(db, 'ledger', LEDGER_DB.applicationId, LEDGER_DB.migrations, 2)).toBe(2);
    expect(db.prepare('SELECT id FROM accounts').all()).toEqual([{ id: 'a' }]);
    const ins = db.prepare('INSERT INTO audit_log VALUES (?, 1, ?, ?, ?, ?)');
    expect(() => ins.run(2, 'x', '{}', GENESIS_HASH, 'h1')).toThrow(/next link/);
    ins.run(1, 'x', '{}', GENESIS_HASH, 'h1');
    expect(() => ins.run(2, 'x', '{}', GENESIS_HASH, 'h2')).toThrow(/next link/);
    ins.run(2, 'x', '{}', 'h1', 'h2');
    expect(() => db.prepare('UPDATE audit_log SET kind = ? WHERE seq = 1').run('y')).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    db.close();
  });
});
