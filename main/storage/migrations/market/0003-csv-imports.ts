/**
 * Market schema v3: which CSV files (by SHA-256 of their bytes) were imported into which dataset, with the
 * content hash of the candles they gave, so importing the same file again is answered by the store.
 */
import type { Migration } from '../../migrate.ts';

export const market0003: Migration = {
  version: 3,
  name: 'market-0003-csv-imports',
  up(db) {
    db.exec(`
      CREATE TABLE csv_imports (
        file_hash    TEXT NOT NULL CHECK (length(file_hash) = 64),
        source       TEXT NOT NULL,
        symbol       TEXT NOT NULL,
        timeframe    TEXT NOT NULL,
        rows         INTEGER NOT NULL,
        first_ts     INTEGER NOT NULL,
        last_ts      INTEGER NOT NULL,
        content_hash TEXT NOT NULL CHECK (length(content_hash) = 64),
        detected     TEXT NOT NULL,
        imported_at  INTEGER NOT NULL,
        PRIMARY KEY (file_hash, source, symbol, timeframe)
      ) STRICT;
    `);
  },
};
