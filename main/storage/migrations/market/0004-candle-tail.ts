/**
 * Market schema v4: the candle tail. Bars that extend a dataset past its last stored candle (live 1m bars
 * as they close) are inserted here as rows, and folded into the dataset's chunks a few hundred at a time;
 * appending one bar to a chunk rewrote the whole chunk (up to 4,096 candles of BLOBs) per bar. A tail row is
 * always later than every chunk candle of its dataset, so a read is the chunks followed by the tail, and a
 * timestamp still has one home (a write that is not an append folds the tail first).
 */
import type { Migration } from '../../migrate.ts';

export const market0004: Migration = {
  version: 4,
  name: 'market-0004-candle-tail',
  up(db) {
    db.exec(`
      CREATE TABLE candle_tail (
        set_id INTEGER NOT NULL REFERENCES candle_sets(id) ON DELETE CASCADE,
        ts     INTEGER NOT NULL,
        open   REAL NOT NULL,
        high   REAL NOT NULL,
        low    REAL NOT NULL,
        close  REAL NOT NULL,
        volume REAL NOT NULL,
        PRIMARY KEY (set_id, ts)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
