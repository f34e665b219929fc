/**
 * Market schema v2: public trades (deduplicated by venue trade id; price and amount as decimal strings,
 * never REAL) and the backfill progress table that lets an interrupted download resume where it stopped.
 */
import type { Migration } from '../../migrate.ts';

export const market0002: Migration = {
  version: 2,
  name: 'market-0002-trades-backfill',
  up(db) {
    db.exec(`
      CREATE TABLE trades (
        source   TEXT NOT NULL,
        symbol   TEXT NOT NULL,
        trade_id TEXT NOT NULL,
        ts       INTEGER NOT NULL,
        price    TEXT NOT NULL,
        amount   TEXT NOT NULL,
        side     TEXT CHECK (side IS NULL OR side IN ('buy', 'sell')),
        PRIMARY KEY (source, symbol, trade_id)
      ) STRICT;
      CREATE INDEX trades_by_time ON trades (source, symbol, ts);
      CREATE TABLE backfill_progress (
        source     TEXT NOT NULL,
        symbol     TEXT NOT NULL,
        timeframe  TEXT NOT NULL,
        from_ts    INTEGER NOT NULL,
        to_ts      INTEGER NOT NULL,
        cursor_ts  INTEGER NOT NULL,
        status     TEXT NOT NULL CHECK (status IN ('running', 'paused', 'done', 'failed')),
        message    TEXT,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (source, symbol, timeframe)
      ) STRICT;
    `);
  },
};
