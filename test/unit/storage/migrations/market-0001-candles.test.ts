import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion, applicationId } from '../../../../main/storage/migrate.ts';
import { MARKET_DB } from '../../../../main/storage/index.ts';
import { openSqlite } from '../../../../main/storage/sqlite.ts';

describe('market migration 0001 (candle chunks)', () => {
  it('creates candle_sets and candle_chunks with one chunk per (set, window) and sets identity', () => {
    const db = openSqlite(':memory:');
    expect(migrate(db, 'market', MARKET_DB.applicationId, MARKET_DB.migrations, 1)).toBe(1);
    expect(schemaVersion(db)).toBe(1);
    expect(applicationId(db)).toBe(MARKET_DB.applicationId);
    db.prepare(`INSERT INTO candle_sets (source, symbol, timeframe, tf_ms) VALUES ('x', 'BTC', '1m', 60000)`).run();
    const put = db.prepare(`INSERT INTO candle_chunks VALUES (1, 0, 1, 0, 0, x'00', x'00', x'00', x'00', x'00', x'00')`);
    put.run();
    expect(() => put.run()).toThrow(/UNIQUE/);
    expect(() => db.prepare(`INSERT INTO candle_sets (source, symbol, timeframe, tf_ms) VALUES ('x', 'BTC', '1m', 60000)`).run()).toThrow(/UNIQUE/);
    expect(() => db.prepare(`INSERT INTO candle_chunks VALUES (1, 1, 1, 0, 0, 'text', x'00', x'00', x'00', x'00', x'00')`).run()).toThrow(/BLOB/);
    db.pragma('foreign_keys = ON');
    db.prepare('DELETE FROM candle_sets').run();
    expect(db.prepare('SELECT count(*) AS n FROM candle_chunks').get()).toEqual({ n: 0 }); // a dataset's chunks go with it
    db.close();
  });
});
