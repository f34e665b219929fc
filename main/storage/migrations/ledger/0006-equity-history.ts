/**
 * Ledger schema v6: the equity history of every book and the strategy that placed an order.
 *
 * `equity_samples`: one row per sample of a book's account figures (equity-history.ts says when one is taken
 * and how old samples are thinned). Money as exact decimal TEXT like the rest of the ledger; the key is
 * (book, ts) so a second sample at the same instant replaces the first instead of piling up.
 *
 * `order_strategies`: which saved strategy created an order of a session (orders themselves only say
 * `source: strategy`): per-strategy P&L is computed from fills joined with it. Written by the paper
 * strategies runner, only for strategy orders.
 */
import type { Migration } from '../../migrate.ts';

export const ledger0006: Migration = {
  version: 6,
  name: 'ledger-0006-equity-history',
  up(db) {
    db.exec(`
      CREATE TABLE equity_samples (
        book_id    TEXT NOT NULL,
        ts         INTEGER NOT NULL,
        reason     TEXT NOT NULL CHECK (reason IN ('start', 'fill', 'mark', 'stop')),
        currency   TEXT NOT NULL,
        equity     TEXT NOT NULL,
        cash       TEXT NOT NULL,
        realized   TEXT NOT NULL,
        unrealized TEXT NOT NULL,
        fees       TEXT NOT NULL,
        funding    TEXT NOT NULL,
        PRIMARY KEY (book_id, ts)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE order_strategies (
        session_id      TEXT NOT NULL,
        client_order_id TEXT NOT NULL,
        strategy_id     TEXT NOT NULL,
        strategy_name   TEXT NOT NULL,
        run_id          TEXT NOT NULL,
        PRIMARY KEY (session_id, client_order_id)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
