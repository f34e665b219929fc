/**
 * Ledger schema v5: perpetual funding payments as ledger rows. A payment moves an account's cash as a fill
 * does, so it is kept next to the fills (not only in the audit log) and a book's next session continues
 * from both. One row per (book, symbol, funding time): a venue's funding time is paid once per position.
 * Money is decimal TEXT (exact), the mark is the instrument's integer ticks, the position signed lots.
 */
import type { Migration } from '../../migrate.ts';

export const ledger0005: Migration = {
  version: 5,
  name: 'ledger-0005-funding',
  up(db) {
    db.exec(`
      CREATE TABLE funding (
        seq          INTEGER PRIMARY KEY,
        account_id   TEXT NOT NULL,
        session_id   TEXT NOT NULL,
        symbol       TEXT NOT NULL,
        ts           INTEGER NOT NULL,
        rate         TEXT NOT NULL,
        mark_ticks   INTEGER NOT NULL,
        position     INTEGER NOT NULL,
        amount       TEXT NOT NULL,
        currency     TEXT NOT NULL,
        UNIQUE (account_id, symbol, ts)
      ) STRICT;
    `);
  },
};
