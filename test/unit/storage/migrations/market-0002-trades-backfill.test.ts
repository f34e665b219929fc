import { describe, expect, it } from 'vitest';
import { migrate } from '../../../../main/storage/migrate.ts';
import { MARKET_DB } from '../../../../main/storage/index.ts';
import { openSqlite } from '../../../../main/storage/sqlite.ts';

describe('market migration 0002 (trades, backfill progress)', () => {
  it('adds trades (deduplicated, prices as text) and backfill progress, keeping v1 candles', () => {
    const db = openSqlite(':memory:');
    migrate(db, 'market', MARKET_DB.applicationId, MARKET_DB.migrations, 1);
    db.prepare(`INSERT INTO candle_sets (source, symbol, timeframe, tf_ms) VALUES ('x', 'BTC', '1m', 60000)`).run();
    expect(migrate(db, 'market', MARKET_DB.applicationId, MARKET_DB.migrations, 2)).toBe(2);
    expect(db.prepare('SELECT count(*) AS n FROM candle_sets').get()).toEqual({ n: 1 });
    const t = db.prepare(`INSERT INTO trades VALUES ('x', 'BTC', ?, 1, ?, '0.5', 'buy')`);
    t.run('a', '100.25');
    expect(() => t.run('a', '100.25')).toThrow(/UNIQUE/);
    expect(() => t.run('b', 100.25)).not.toThrow(); // STRICT TEXT coerces; the repository refuses numbers before this point
    expect(db.prepare(`SELECT typeof(price) AS t FROM trades WHERE trade_id = 'b'`).get()).toEqual({ t: 'text' });
    expect(() => db.prepare(`INSERT INTO backfill_progress VALUES ('x', 'BTC', '1m', 0, 1, 0, 'weird', NULL, 0)`).run()).toThrow(/CHECK/);
    db.close();
  });
});
