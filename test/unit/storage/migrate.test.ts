import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion, type Migration } from '../../../main/storage/migrate.ts';
import { openSqlite } from '../../../main/storage/sqlite.ts';

describe('migration runner', () => {
  const ok: Migration = { version: 1, name: 'one', up: (db) => db.exec('CREATE TABLE a (x INTEGER) STRICT') };
  it('runs each migration in its own transaction: a failing one leaves the previous schema intact', () => {
    const db = openSqlite(':memory:');
    const bad: Migration = { version: 2, name: 'two', up: (d) => { d.exec('CREATE TABLE b (y INTEGER)'); throw new Error('boom'); } };
    expect(() => migrate(db, 't', 7, [ok, bad])).toThrow('boom');
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all()).toEqual([{ name: 'a' }]);
    db.close();
  });
  it('refuses a non-contiguous list and a database newer than the list', () => {
    const db = openSqlite(':memory:');
    expect(() => migrate(db, 't', 7, [{ ...ok, version: 2 }])).toThrow(/expected 1/);
    db.pragma('user_version = 5');
    expect(() => migrate(db, 't', 7, [ok])).toThrow(/schema version 5.*only up to 1/);
    db.close();
  });
});
