import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StorageError } from '../../../main/core/errors.ts';
import { databasePaths, LEDGER_DB, openLedger, openMarket, openStores } from '../../../main/storage/index.ts';
import { openSqlite } from '../../../main/storage/sqlite.ts';
import { fill, order, tempDir } from './helpers.ts';

const SCOPE = { accountId: 'a', sessionId: 's' };

function seed(dir: string) {
  const s = openStores(dir);
  s.ledger.ledger.recordIntent(SCOPE, order('o1'));
  s.ledger.ledger.recordFill(SCOPE, fill('t1'));
  s.ledger.audit.record('order', { id: 'o1' });
  s.market.candles.upsert({ source: 'x', symbol: 'BTC', timeframe: '1m' }, { ts: [60_000], open: [1], high: [1], low: [1], close: [1], volume: [1] });
  s.close();
}

function assertIntact(dir: string) {
  const s = openStores(dir);
  expect(s.ledger.ledger.getOrder('s', 'o1')?.order.state).toBe('pending-submit');
  expect(s.ledger.ledger.fills('a')).toHaveLength(1);
  expect(s.ledger.audit.verify()).toMatchObject({ ok: true, count: 1 });
  expect(s.market.candles.dataset({ source: 'x', symbol: 'BTC', timeframe: '1m' })?.count).toBe(1);
  expect(s.integrityCheck()).toEqual({ market: ['ok'], ledger: ['ok'] });
  s.close();
}

describe('opening databases: clear errors, nothing lost', () => {
  it('refuses a garbage file in place of the database without touching it', () => {
    const dir = tempDir();
    const garbage = Buffer.from('this is my tax return, not a database\n'.repeat(100));
    writeFileSync(databasePaths(dir).ledger, garbage);
    expect(() => openStores(dir)).toThrow(StorageError);
    expect(() => openStores(dir)).toThrow(/ledger\.db is not a SQLite database.*will not overwrite/);
    expect(readFileSync(databasePaths(dir).ledger).equals(garbage)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['ledger.db']);
  });

  it('refuses a database whose schema is newer than the app, leaving it byte-identical', () => {
    const dir = tempDir();
    seed(dir);
    const raw = openSqlite(databasePaths(dir).ledger);
    raw.pragma('user_version = 42');
    raw.close();
    const before = readFileSync(databasePaths(dir).ledger);
    expect(() => openStores(dir)).toThrow(`ledger database has schema version 42, but this version of Kestrel understands only up to ${LEDGER_DB.migrations.length}`);
    expect(readFileSync(databasePaths(dir).ledger).equals(before)).toBe(true);
    const fix = openSqlite(databasePaths(dir).ledger);
    fix.pragma(`user_version = ${LEDGER_DB.migrations.length}`);
    fix.close();
    assertIntact(dir);
  });

  it('refuses the market database opened as the ledger (application id)', () => {
    const dir = tempDir();
    seed(dir);
    expect(() => openLedger(databasePaths(dir).market)).toThrow(/not a Kestrel ledger database/);
    expect(() => openMarket(databasePaths(dir).ledger)).toThrow(/not a Kestrel market database/);
    assertIntact(dir);
  });

  it('gives a clear error in a read-only directory and loses nothing', () => {
    const dir = tempDir();
    seed(dir);
    const fresh = join(dir, 'fresh');
    const child = join(import.meta.dirname, '..', '..', 'integration', 'storage', 'open-child.ts');
    chmodSync(dir, 0o555);
    try {
      // root ignores directory permissions, so the attempt runs as an unprivileged user when we are root.
      const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
      for (const target of [dir, fresh]) {
        const r = spawnSync(process.execPath, [child, target], { encoding: 'utf8', ...asUser });
        const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { ok: boolean; name: string; message: string };
        expect(out.ok).toBe(false);
        expect(out.name).toBe('StorageError');
        expect(out.message).toMatch(/read-only|cannot be opened or created|Cannot create the data directory|permission denied/i);
      }
    } finally {
      chmodSync(dir, 0o755);
    }
    expect(existsSync(fresh)).toBe(false);
    assertIntact(dir);
  });

  it('a full disk (max_page_count) fails the write with a clear error; committed data survives and writing resumes', () => {
    const dir = tempDir();
    seed(dir);
    const pages = (() => {
      const raw = openSqlite(databasePaths(dir).ledger);
      const n = raw.pragma('page_count', { simple: true }) as number;
      raw.close();
      return n;
    })();
    const s = openStores(dir, { ledger: { maxPageCount: pages + 3 }, market: { maxPageCount: 40 } });
    let err: unknown;
    let written = 0;
    try {
      for (; written < 10_000; written++) s.ledger.audit.record('order', { pad: 'x'.repeat(500), written });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StorageError);
    expect((err as Error).message).toMatch(/disk .*is full.*nothing already committed was lost/);
    expect(written).toBeGreaterThan(0);
    let big: unknown;
    const n = 100_000;
    const col = new Float64Array(n).fill(1);
    try {
      s.market.candles.upsert({ source: 'x', symbol: 'BTC', timeframe: '1m' }, { ts: Float64Array.from({ length: n }, (_, i) => (i + 2) * 60_000), open: col, high: col, low: col, close: col, volume: col });
    } catch (e) {
      big = e;
    }
    expect(big).toBeInstanceOf(StorageError);
    expect(s.market.candles.dataset({ source: 'x', symbol: 'BTC', timeframe: '1m' })?.count).toBe(1);
    expect(s.ledger.audit.verify()).toMatchObject({ ok: true, count: 1 + written });
    s.close();
    const again = openStores(dir);
    again.ledger.audit.record('order', { after: 'space freed' });
    expect(again.ledger.audit.verify()).toMatchObject({ ok: true, count: 2 + written });
    again.close();
    assertIntact2(dir, written);
  });

  it('backs up both databases through the backup API while open', async () => {
    const dir = tempDir();
    seed(dir);
    const s = openStores(dir);
    const out = await s.backup(join(dir, 'backup-1'));
    s.ledger.audit.record('order', { after: 'backup' });
    s.close();
    expect(out.ledger).toBe(join(dir, 'backup-1', 'ledger.db'));
    assertIntact(join(dir, 'backup-1'));
  });
});

function assertIntact2(dir: string, written: number) {
  const s = openStores(dir);
  expect(s.ledger.ledger.fills('a')).toHaveLength(1);
  expect(s.ledger.audit.count()).toBe(2 + written);
  expect(s.integrityCheck()).toEqual({ market: ['ok'], ledger: ['ok'] });
  s.close();
}
