import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../main/storage/migrate.ts';
import { MARKET_DB } from '../../../../main/storage/index.ts';
import { openSqlite } from '../../../../main/storage/sqlite.ts';
import { CandleStore } from '../../../../main/storage/candles.ts';

describe('market migration 0004 (candle tail)', () => {
  it('adds the tail to a v3 store, keeping its candles, and the tail goes with its dataset', () => {
    const db = openSqlite(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, 'market', MARKET_DB.applicationId, MARKET_DB.migrations, 3);
    const key = { source: 'x', symbol: 'BTC', timeframe: '1m' };
    const c = (ts: number[]) => ({ ts, open: ts.map(() => 1), high: ts.map(() => 2), low: ts.map(() => 0.5), close: ts.map(() => 1.5), volume: ts.map(() => 3) });
    // v3 has no tail: write through plain SQL the way v3's store did (chunks only).
    db.prepare(`INSERT INTO candle_sets (source, symbol, timeframe, tf_ms) VALUES ('x', 'BTC', '1m', 60000)`).run();
    const blob = (a: number[]) => Buffer.from(Float64Array.from(a).buffer);
    db.prepare('INSERT INTO candle_chunks VALUES (1, 0, 2, 0, 60000, ?, ?, ?, ?, ?, ?)').run(blob([0, 60_000]), blob([1, 1]), blob([2, 2]), blob([0.5, 0.5]), blob([1.5, 1.5]), blob([3, 3]));
    expect(migrate(db, 'market', MARKET_DB.applicationId, MARKET_DB.migrations, 4)).toBe(4);
    const store = new CandleStore(db);
    expect(store.upsertMany([{ key, columns: c([120_000, 180_000]) }])).toEqual([null]);
    expect((db.prepare('SELECT COUNT(*) AS n FROM candle_tail').get() as { n: number }).n).toBe(2);
    expect(Array.from(store.range(key).ts)).toEqual([0, 60_000, 120_000, 180_000]);
    expect(() => db.prepare('INSERT INTO candle_tail VALUES (1, 240000, 1, 1, 1, 1, 1.5)').run()).not.toThrow();
    expect(() => db.prepare(`INSERT INTO candle_tail VALUES (1, 300000, 1, 1, 1, 1, 'x')`).run()).toThrow(/cannot store TEXT value in REAL column/);
    store.remove(key);
    expect((db.prepare('SELECT COUNT(*) AS n FROM candle_tail').get() as { n: number }).n).toBe(0);
    db.close();
  });
});
