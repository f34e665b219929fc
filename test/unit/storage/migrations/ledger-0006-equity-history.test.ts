import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../main/storage/migrate.ts';
import { LEDGER_DB } from '../../../../main/storage/index.ts';
import { openSqlite } from '../../../../main/storage/sqlite.ts';

describe('ledger migration 0006 (equity history, order attribution)', () => {
  it('adds the two tables to a v5 ledger without touching its fills, and they refuse what is not theirs', () => {
    const db = openSqlite(':memory:');
    migrate(db, 'ledger', LEDGER_DB.applicationId, LEDGER_DB.migrations, 5);
    db.prepare(`INSERT INTO fills (venue, trade_id, session_id, account_id, client_order_id, symbol, side, qty, price, fee, fee_currency, liquidity, ts)
      VALUES ('paper', 'T1', 's', 'paper-1', 'o1', 'BTC/USDT', 'buy', 1, 100, '0.1', 'USDT', 'taker', 5)`).run();
    expect(migrate(db, 'ledger', LEDGER_DB.applicationId, LEDGER_DB.migrations, 6)).toBe(6);
    expect(db.prepare('SELECT count(*) AS n FROM fills').get()).toEqual({ n: 1 });
    const put = db.prepare('INSERT INTO equity_samples VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    put.run('paper-1', 10, 'start', 'USDT', '10000', '10000', '0', '0', '0', '0');
    expect(() => put.run('paper-1', 10, 'fill', 'USDT', '1', '1', '0', '0', '0', '0')).toThrow(/UNIQUE|PRIMARY/);
    expect(() => put.run('paper-1', 11, 'guess', 'USDT', '1', '1', '0', '0', '0', '0')).toThrow(/CHECK/);
    expect(() => put.run('paper-1', 12.5, 'fill', 'USDT', '1', '1', '0', '0', '0', '0')).toThrow(/INTEGER/);
    const attr = db.prepare('INSERT INTO order_strategies VALUES (?, ?, ?, ?, ?)');
    attr.run('s', 'o1', 'st1', 'fast sma', 'ps-1');
    expect(() => attr.run('s', 'o1', 'st2', 'other', 'ps-2')).toThrow(/UNIQUE|PRIMARY/);
    db.close();
  });
});
