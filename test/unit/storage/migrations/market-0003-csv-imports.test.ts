import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../main/storage/migrate.ts';
import { MARKET_DB } from '../../../../main/storage/index.ts';
import { openSqlite } from '../../../../main/storage/sqlite.ts';
import { CsvImports } from '../../../../main/storage/csv-imports.ts';

describe('market migration 0003 (csv imports)', () => {
  it('records imported files by hash and dataset, keeping v2 data', () => {
    const db = openSqlite(':memory:');
    migrate(db, 'market', MARKET_DB.applicationId, MARKET_DB.migrations, 2);
    db.prepare(`INSERT INTO candle_sets (source, symbol, timeframe, tf_ms) VALUES ('x', 'BTC', '1m', 60000)`).run();
    expect(migrate(db, 'market', MARKET_DB.applicationId, MARKET_DB.migrations, 3)).toBe(3);
    expect(db.prepare('SELECT count(*) AS n FROM candle_sets').get()).toEqual({ n: 1 });
    const store = new CsvImports(db);
    const key = { source: 'csv:a', symbol: 'BTC', timeframe: '1m' };
    const rec = { fileHash: 'f'.repeat(64), ...key, rows: 3, firstTs: 0, lastTs: 120_000, contentHash: 'c'.repeat(64), detected: '3 rows', importedAt: 1 };
    store.record(rec);
    store.record({ ...rec, rows: 4, importedAt: 2 });
    expect(store.find('f'.repeat(64), key)).toEqual({ ...rec, rows: 4, importedAt: 2 });
    expect(store.find('f'.repeat(64), { ...key, timeframe: '5m' })).toBeUndefined();
    expect(() => store.record({ ...rec, fileHash: 'short' })).toThrow(/CHECK/);
    db.close();
  });
});
