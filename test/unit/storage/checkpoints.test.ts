/**
 * WAL checkpoints off the main thread (main/storage/README.md, "Checkpoints"): the main connection never
 * checkpoints inside a commit (wal_autocheckpoint = 0), the checkpoint thread keeps the WAL bounded under
 * sustained writes and restarts it itself, and a close hands everything back so the WAL is removed.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { checkpointStep, type CheckpointPolicy, type CheckpointState } from '../../../main/storage/checkpoint-policy.ts';
import { checkpointPolicy } from '../../../main/storage/checkpointer.ts';
import { openLedger, openMarket } from '../../../main/storage/index.ts';
import { openSqlite, type SqliteDb } from '../../../main/storage/sqlite.ts';
import { order, tempDir } from './helpers.ts';

const SCOPE = { accountId: 'acc', sessionId: 's1' };
const walSize = (file: string) => (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);

async function until(cond: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Frames in the WAL right now, as SQLite counts them (a PASSIVE checkpoint on a side connection reports `log`). */
function walFrames(file: string): number {
  const side = openSqlite(file);
  try {
    side.pragma('wal_autocheckpoint = 0');
    return (side.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]!.log;
  } finally {
    side.close();
  }
}

describe('background checkpoints', () => {
  it('the main connections of market.db and ledger.db never checkpoint inside a commit', () => {
    const dir = tempDir();
    const l = openLedger(join(dir, 'ledger.db'));
    const m = openMarket(join(dir, 'market.db'));
    expect(l.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    expect(m.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const sqlite = openLedger(join(dir, 'other.db'), { checkpoints: 'sqlite' });
    expect(sqlite.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    for (const d of [l.db, m.db, sqlite.db]) d.close();
  });

  it('keeps the WAL bounded under sustained writes, then restarts it from the top', async () => {
    const dir = tempDir();
    const pad = 'x'.repeat(3000);
    /**
     * 3,000 intents, each its own commit, in bursts of 20 with a 20 ms pause between (a sustained ~1,000
     * commits/s): the writing spans many of the checkpoint thread's ticks however fast the machine is.
     */
    async function sustained(file: string, opts: Parameters<typeof openLedger>[1]): Promise<{ peak: number; restarts: number; db: ReturnType<typeof openLedger> }> {
      const l = openLedger(file, opts);
      if (opts?.checkpoints === 'sqlite') l.db.pragma('wal_autocheckpoint = 0'); // the reference: no checkpoint at all
      // The WAL header's checkpoint sequence counts the restarts of the WAL.
      const seq = () => (walSize(file) >= 32 ? readFileSync(`${file}-wal`).readUInt32BE(12) : 0);
      const first = seq();
      let peak = 0;
      for (let i = 0; i < 3000; ) {
        for (let k = 0; k < 20; k++, i++) l.ledger.recordIntent(SCOPE, order(`o${i}`, { tag: pad }));
        peak = Math.max(peak, walSize(file));
        await sleep(20);
      }
      expect((l.db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n).toBe(3000);
      return { peak, restarts: seq() - first, db: l };
    }
    // What the same writes leave in a WAL nobody checkpoints.
    const ref = await sustained(join(dir, 'unbounded.db'), { checkpoints: 'sqlite' });
    ref.db.db.close();
    const file = join(dir, 'ledger.db');
    const bounded = await sustained(file, { walBytes: { checkpoint: 256 * 1024, max: 1024 * 1024 } });
    // At least one restart from the top (the reference has none); how many depends on how often a starved
    // machine schedules the checkpoint thread, so the bound on the peak is the property that matters.
    expect(bounded.restarts).toBeGreaterThanOrEqual(1);
    expect(ref.restarts).toBe(0);
    expect(bounded.peak).toBeLessThan(ref.peak / 3);
    // Quiet: the checkpoint thread copies what is left and restarts the WAL itself (one frame of its own).
    await until(() => walFrames(file) <= 1, 'the WAL to be restarted');
    bounded.db.db.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('commits go on (no SQLITE_BUSY) while a long reader keeps the WAL past its bound', async () => {
    // A loaded host: a long read transaction (a scan, a backup) pins the WAL while writes continue. The
    // checkpoint thread used to run a RESTART at every tick, holding the writer lock while it waited for the
    // reader, so each commit ran out its busy timeout: "database is locked".
    const file = join(tempDir(), 'market.db');
    const max = 256 * 1024;
    const m = openMarket(file, { walBytes: { checkpoint: 64 * 1024, max } });
    const reader = openSqlite(file);
    let failed: unknown;
    let peak = 0;
    for (let i = 0; i < 150 && !failed; i++) {
      if (i === 10) {
        reader.exec('BEGIN');
        reader.prepare('SELECT count(*) FROM sqlite_master').get();
      }
      const ts = Array.from({ length: 200 }, (_, k) => (i * 200 + k) * 60_000);
      try {
        m.candles.upsert({ source: 'test', symbol: `S${i % 5}`, timeframe: '1m' }, { ts, open: ts, high: ts, low: ts, close: ts, volume: ts });
      } catch (e) {
        failed = e;
      }
      peak = Math.max(peak, walSize(file));
      await sleep(5);
    }
    reader.exec('COMMIT');
    reader.close();
    expect(failed).toBeUndefined();
    // The case under test happened: the reader held the WAL well past the bound while the thread ran.
    expect(peak).toBeGreaterThan(2 * max);
    expect(m.candles.datasets().length).toBe(5);
    m.db.close();
  });

  it('gives the disk back after a quiet period (TRUNCATE) and a close still removes the WAL', async () => {
    const file = join(tempDir(), 'market.db');
    const m = openMarket(file);
    const ts = Array.from({ length: 50_000 }, (_, k) => k * 60_000);
    const col = ts.map((_, k) => k);
    // Big commits: far past keepBytes in one go.
    for (const symbol of ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT']) m.candles.upsert({ source: 'test', symbol, timeframe: '1m' }, { ts, open: col, high: col, low: col, close: col, volume: col });
    expect(walSize(file)).toBeGreaterThan(checkpointPolicy(16384).keepBytes);
    await until(() => walSize(file) <= checkpointPolicy(16384).keepBytes, 'the idle WAL to be truncated');
    expect(m.candles.range({ source: 'test', symbol: 'BTC/USDT', timeframe: '1m' }).length).toBe(50_000);
    m.db.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    // The copy in the database file is complete: a fresh connection reads every candle.
    const again = openMarket(file);
    expect(again.candles.range({ source: 'test', symbol: 'BTC/USDT', timeframe: '1m' }).length).toBe(50_000);
    again.db.close();
  });
});

describe('checkpointStep (one tick of the policy)', () => {
  const policy: CheckpointPolicy = { checkpointFrames: 50, maxFrames: 200, idleMs: 1000, keepBytes: 1 << 30, busyMs: 0, lockBackoffMs: 1000 };

  function rig() {
    const file = join(tempDir(), 'p.db');
    const main = openSqlite(file);
    main.pragma('journal_mode = WAL');
    main.pragma('wal_autocheckpoint = 0');
    main.exec('CREATE TABLE t (x TEXT)');
    const ck = openSqlite(file);
    const state: CheckpointState = { version: -1, changedAt: 0, idleDone: false, policy };
    const ins = main.prepare('INSERT INTO t VALUES (?)');
    const write = (n: number) => {
      for (let k = 0; k < n; k++) ins.run('y'.repeat(3000));
    };
    const frames = () => {
      const r = (ck.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[])[0]!;
      return r.log;
    };
    return { file, main, ck, state, write, frames };
  }

  it('waits for checkpointFrames, then checkpoints and restarts the WAL on its own connection', () => {
    const r = rig();
    r.write(10);
    const wal = (n: number, c = 0) => () => ({ frames: n, copied: c });
    expect(checkpointStep(r.ck, r.state, 0, wal(10), () => 0)).toBe('none');
    r.write(60);
    expect(checkpointStep(r.ck, r.state, 10, wal(70), () => 0)).toBe('passive');
    // The checkpoint thread wrote the restart frame: the WAL holds just that one.
    const seq = r.main.pragma('user_version', { simple: true });
    expect(seq).toBe(0);
    expect(r.frames()).toBe(1);
    r.main.close();
    r.ck.close();
  });

  it('forces a RESTART past maxFrames and checkpoints whatever is left once quiet', () => {
    const r = rig();
    r.write(250);
    expect(checkpointStep(r.ck, r.state, 0, () => ({ frames: 260, copied: 0 }), () => 0)).toBe('restart');
    expect(r.frames()).toBe(1);
    r.write(5);
    expect(checkpointStep(r.ck, r.state, 100, () => ({ frames: 6, copied: 1 }), () => 0)).toBe('none');
    expect(checkpointStep(r.ck, r.state, 1200, () => ({ frames: 6, copied: 1 }), () => 0)).toBe('passive');
    expect(r.frames()).toBe(1);
    // Once done, a quiet database is left alone.
    expect(checkpointStep(r.ck, r.state, 5000, () => ({ frames: 1, copied: 0 }), () => 0)).toBe('none');
    expect((r.main.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(255);
    r.main.close();
    r.ck.close();
  });

  it('a commit holding the writer lock makes the forced restart wait for the next tick', () => {
    const r = rig();
    r.write(250);
    r.main.exec('BEGIN IMMEDIATE');
    r.main.prepare('INSERT INTO t VALUES (?)').run('z');
    expect(checkpointStep(r.ck, r.state, 0, () => ({ frames: 260, copied: 0 }), () => 0)).toBe('busy');
    r.main.exec('COMMIT');
    // Backing off: the next ticks leave the writer lock to the writers.
    const modes = lockingModes(r.ck);
    expect(checkpointStep(r.ck, r.state, 10, () => ({ frames: 261, copied: 0 }), () => 0)).toBe('busy');
    expect(modes).toEqual([]);
    expect(checkpointStep(r.ck, r.state, policy.lockBackoffMs, () => ({ frames: 261, copied: 0 }), () => 0)).toBe('restart');
    expect(modes).toEqual(['RESTART']);
    r.main.close();
    r.ck.close();
  });

  /** The checkpoint modes that take the writer lock (RESTART, TRUNCATE) run on `db` from now on. */
  function lockingModes(db: SqliteDb): string[] {
    const seen: string[] = [];
    const pragma = db.pragma.bind(db);
    db.pragma = ((source: string, opts?: { simple?: boolean }) => {
      const m = /wal_checkpoint\((RESTART|TRUNCATE)\)/i.exec(source);
      if (m) seen.push(m[1]!.toUpperCase());
      return pragma(source, opts);
    }) as SqliteDb['pragma'];
    return seen;
  }

  it('a reader pinning the WAL gets no RESTART or TRUNCATE: they would hold the writer lock waiting for it', () => {
    // The SQLITE_BUSY of a loaded host: a long read (a scan, a backup) kept the WAL from being copied, the WAL
    // passed maxFrames, and every tick ran a RESTART that held the writer lock while it waited for the
    // reader; ticks back to back left commits no gap within their busy timeout.
    const r = rig();
    r.write(10);
    const reader = openSqlite(r.file);
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM t').get();
    r.write(250);
    const modes = lockingModes(r.ck);
    const frames = () => ({ frames: 261, copied: 0 });
    // 25 ticks under the bound and then 25 quiet ones (idle, WAL file above keepBytes: TRUNCATE territory).
    const big = { ...policy, keepBytes: 0 };
    const state: CheckpointState = { version: -1, changedAt: 0, idleDone: false, policy: big };
    for (let t = 0; t < 25; t++) expect(checkpointStep(r.ck, state, t * 200, frames, () => 1 << 20)).toBe('pinned');
    const idle: CheckpointState = { version: -1, changedAt: 0, idleDone: false, policy: big };
    const few = () => ({ frames: 40, copied: 0 });
    expect(checkpointStep(r.ck, idle, 0, few, () => 1 << 20)).toBe('none');
    for (let t = 0; t < 25; t++) expect(checkpointStep(r.ck, idle, big.idleMs + t * 200, few, () => 1 << 20)).toBe('pinned');
    expect(modes).toEqual([]);
    // Commits went on meanwhile, each without waiting (busy_timeout 0 on this connection).
    r.main.pragma('busy_timeout = 0');
    r.write(5);
    reader.exec('COMMIT');
    reader.close();
    // The reader gone, the bound applies again: the forced restart runs, once.
    expect(checkpointStep(r.ck, state, 20_000, () => ({ frames: 266, copied: 0 }), () => 1 << 20)).toBe('restart');
    expect(modes).toEqual(['RESTART']);
    expect(r.frames()).toBe(1);
    r.main.close();
    r.ck.close();
  });
});
