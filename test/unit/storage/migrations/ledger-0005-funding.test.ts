import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../main/storage/migrate.ts';
import { LEDGER_DB } from '../../../../main/storage/index.ts';
import { Ledger } from '../../../../main/storage/ledger.ts';
import { openSqlite } from '../../../../main/storage/sqlite.ts';
import { money } from '../../../../main/core/model/index.ts';

describe('ledger migration 0005 (funding)', () => {
  it('adds the funding rows to a v4 ledger: one per (book, symbol, funding time), exact money, integer ticks', () => {
    const db = openSqlite(':memory:');
    migrate(db, 'ledger', LEDGER_DB.applicationId, LEDGER_DB.migrations, 4);
    expect(migrate(db, 'ledger', LEDGER_DB.applicationId, LEDGER_DB.migrations, 5)).toBe(5);
    const ledger = new Ledger(db);
    const row = { accountId: 'paper-1', sessionId: 's1', symbol: 'BTC/USDT:USDT', ts: 28_800_000, rate: money('0.0001'), markPrice: 3_000_000, position: 100, amount: money('0.3'), currency: 'USDT' };
    expect(ledger.recordFunding(row)).toBe(true);
    // The same funding time again (a record fetched twice, a restarted session): paid once.
    expect(ledger.recordFunding({ ...row, sessionId: 's2', amount: money('9') })).toBe(false);
    expect(ledger.recordFunding({ ...row, accountId: 'paper-2', amount: money('-0.15'), position: -50 })).toBe(true);
    expect(ledger.funding('paper-1')).toEqual([row]);
    expect(ledger.funding('paper-2')[0]!.amount).toBe(money('-0.15'));
    expect(() => ledger.recordFunding({ ...row, ts: 1.5 })).toThrow(/bad time/);
    expect(() => db.prepare("INSERT INTO funding (account_id, session_id, symbol, ts, rate, mark_ticks, position, amount, currency) VALUES ('a', 's', 'X', 1, '0', 1.5, 1, '0', 'USDT')").run()).toThrow();
    db.close();
  });
});
