import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../../main/storage/migrate.ts';
import { LEDGER_DB } from '../../../../main/storage/index.ts';
import { openSqlite } from '../../../../main/storage/sqlite.ts';

describe('ledger migration 0001 (orders, fills, positions, catalog)', () => {
  it('creates the ledger tables; fills are unique by (venue, trade_id); ticks and lots are integers', () => {
    const db = openSqlite(':memory:');
    expect(migrate(db, 'ledger', LEDGER_DB.applicationId, LEDGER_DB.migrations, 1)).toBe(1);
    expect(schemaVersion(db)).toBe(1);
    const names = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
    expect(names).toEqual(['accounts', 'backtest_results', 'fills', 'instruments', 'orders', 'positions', 'sessions', 'strategies', 'strategy_versions']);
    const fill = db.prepare(`INSERT INTO fills (venue, trade_id, session_id, account_id, client_order_id, symbol, side, qty, price, fee, fee_currency, liquidity, ts) VALUES ('v', ?, 's', 'a', 'o', 'BTC', 'buy', ?, 100, '0.1', 'USDT', 'taker', 1)`);
    fill.run('t1', 1);
    expect(() => fill.run('t1', 1)).toThrow(/UNIQUE/);
    expect(() => fill.run('t2', 1.5)).toThrow(/cannot store REAL/);
    expect(() => fill.run('t3', 0)).toThrow(/CHECK/);
    db.close();
  });
});
