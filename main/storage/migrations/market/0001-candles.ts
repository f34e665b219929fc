/**
 * Market schema v1: candles as columnar chunks. A chunk holds up to CHUNK_CANDLES candles of one dataset
 * whose timestamps fall in one aligned time window, each field a little-endian Float64Array BLOB. The
 * window is a pure function of (ts, timeframe), so every timestamp has exactly one home chunk: that, plus
 * merge-on-write inside the chunk, is why a candle can never be stored twice.
 */
import type { Migration } from '../../migrate.ts';

export const market0001: Migration = {
  version: 1,
  name: 'market-0001-candles',
  up(db) {
    db.exec(`
      CREATE TABLE candle_sets (
        id        INTEGER PRIMARY KEY,
        source    TEXT NOT NULL,
        symbol    TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        tf_ms     INTEGER NOT NULL CHECK (tf_ms > 0),
        UNIQUE (source, symbol, timeframe)
      ) STRICT;
      CREATE TABLE candle_chunks (
        set_id      INTEGER NOT NULL REFERENCES candle_sets(id) ON DELETE CASCADE,
        chunk_start INTEGER NOT NULL,
        n           INTEGER NOT NULL CHECK (n > 0),
        first_ts    INTEGER NOT NULL,
        last_ts     INTEGER NOT NULL,
        ts     BLOB NOT NULL,
        open   BLOB NOT NULL,
        high   BLOB NOT NULL,
        low    BLOB NOT NULL,
        close  BLOB NOT NULL,
        volume BLOB NOT NULL,
        PRIMARY KEY (set_id, chunk_start)
      ) STRICT;
    `);
  },
};
