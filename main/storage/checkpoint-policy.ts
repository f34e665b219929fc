/**
 * What the background checkpointer does at each tick for one database (run in its thread by
 * checkpoint-worker.ts; a plain function so a test can drive it on any connection). README.md, "Checkpoints".
 *
 * Two costs must stay off the main thread: the checkpoint itself (copy the WAL into the database file, fsync
 * both) and the fsync of the WAL header that SQLite (synchronous=NORMAL) runs in the first commit after the
 * WAL restarts from the top. So the checkpointer copies the WAL only when it is big, or when the database has
 * been quiet for a while, and then restarts the WAL itself with a one-frame write of its own (the database's
 * user_version, rewritten unchanged), which pays the header fsync on this thread.
 *
 * - The WAL holds `checkpointFrames` or more: PASSIVE checkpoint (no writer lock: commits go on), then the
 *   restart write if the whole WAL was copied and no commit holds the writer lock at that instant.
 * - Sustained writes that never let a checkpoint catch up: past `maxFrames` a RESTART checkpoint waits (at
 *   most `busyMs`) for a gap between commits, so the WAL stays bounded at about maxFrames plus one tick.
 * - Quiet for `idleMs` with frames not yet copied: checkpoint (TRUNCATE when the WAL file is bigger than
 *   `keepBytes`, giving the disk back) and restart, so the next order's commit finds a fresh WAL.
 *
 * RESTART and TRUNCATE hold the database's writer lock for as long as they run: while they copy frames, fsync,
 * and wait (busy handler, up to `busyMs`) for readers still reading the WAL. Every other connection's commit
 * waits meanwhile. Run every tick against a long reader (a whole-history scan, a backup, an open read
 * transaction), they held that lock almost without a break (a tick that waited busyMs is followed at once by
 * the next one), and commits on the main thread ran out their 5 s busy timeout: SQLITE_BUSY "database is
 * locked". So a lock-holding checkpoint
 * - copies nothing itself: a PASSIVE pass copies first, without the writer lock, and when a reader pins
 *   frames it could not copy, no RESTART/TRUNCATE is tried at all (it could only wait for that reader);
 * - after it found the WAL busy, is not tried again for `lockBackoffMs`, so writers get the lock between two
 *   attempts: no commit waits more than about busyMs per backoff period for the checkpointer.
 */
import type { MessagePort } from 'node:worker_threads';
import type { SqliteDb } from './sqlite.ts';

export interface CheckpointPolicy {
  /** WAL frames from which a checkpoint runs. */
  readonly checkpointFrames: number;
  /** WAL frames beyond which the checkpointer forces a restart of the WAL (waiting for writers). */
  readonly maxFrames: number;
  /** Quiet time after which the WAL is checkpointed whatever its size. */
  readonly idleMs: number;
  /** WAL file size kept across quiet periods (a file that keeps its size costs no metadata writes). */
  readonly keepBytes: number;
  /** How long a RESTART or TRUNCATE waits for a gap between commits (and for readers) before it gives up. */
  readonly busyMs: number;
  /** After a RESTART or TRUNCATE gave up, how long before the next one may take the writer lock again. */
  readonly lockBackoffMs: number;
}

export interface CheckpointState {
  /** data_version at the last tick. */
  version: number;
  changedAt: number;
  /** The quiet-time checkpoint was done since the last commit seen. */
  idleDone: boolean;
  /** No RESTART or TRUNCATE before this time (set when one found the WAL busy). */
  lockAfter?: number;
  readonly policy: CheckpointPolicy;
}

/** The WAL's frame counts, from the wal-index (shm file) header: https://www.sqlite.org/walformat.html */
export interface WalFrames {
  /** Frames in the WAL (mxFrame). */
  readonly frames: number;
  /** Frames already copied into the database file (nBackfill). */
  readonly copied: number;
}

/** `pinned`: a reader still needs WAL frames that could not be copied; nothing that takes the writer lock was tried. */
export type CheckpointAction = 'none' | 'passive' | 'restart' | 'truncate' | 'busy' | 'pinned';

interface CheckpointResult {
  readonly busy: number;
  readonly log: number;
  readonly checkpointed: number;
}

/**
 * One tick. `wal()` reads the frame counts (undefined when they cannot be read: then every change is
 * checkpointed, as the count is unknown); `walBytes()` the WAL file's size.
 */
export function checkpointStep(db: SqliteDb, s: CheckpointState, now: number, wal: () => WalFrames | undefined, walBytes: () => number): CheckpointAction {
  const v = db.pragma('data_version', { simple: true }) as number;
  if (v !== s.version) {
    s.version = v;
    s.changedAt = now;
    s.idleDone = false;
  }
  const w = wal();
  const { policy } = s;
  if (w && w.frames > policy.maxFrames) {
    const copied = copyWal(db);
    if (copied !== 'done') return copied;
    const r = lockingCheckpoint(db, s, now, 'RESTART');
    if (r !== 'done') return r;
    restartWal(db);
    return 'restart';
  }
  if (!w || (w.frames >= policy.checkpointFrames && w.copied < w.frames)) {
    if (!w && s.idleDone) return 'none';
    const r = run(db, 'PASSIVE', 0);
    if (!w) s.idleDone = true;
    if (r.busy) return 'busy';
    if (r.checkpointed === r.log) restartWal(db);
    return 'passive';
  }
  if (!s.idleDone && now - s.changedAt >= policy.idleMs) {
    const copied = copyWal(db);
    if (copied !== 'done') return copied;
    const truncate = walBytes() > policy.keepBytes;
    if (truncate) {
      const r = lockingCheckpoint(db, s, now, 'TRUNCATE');
      if (r !== 'done') return r;
    }
    s.idleDone = true;
    restartWal(db);
    return truncate ? 'truncate' : 'passive';
  }
  return 'none';
}

/** A PASSIVE pass (no writer lock): `pinned` when a reader still needs frames it could not copy. */
function copyWal(db: SqliteDb): 'done' | 'busy' | 'pinned' {
  const copy = run(db, 'PASSIVE', 0);
  if (copy.busy) return 'busy';
  return copy.checkpointed < copy.log ? 'pinned' : 'done';
}

/**
 * A RESTART or TRUNCATE (the WAL is fully copied already, so it only waits for readers and resets the WAL):
 * `busy` and a backoff when writers or readers were in the way, `busy` without trying while backing off.
 */
function lockingCheckpoint(db: SqliteDb, s: CheckpointState, now: number, mode: 'RESTART' | 'TRUNCATE'): 'done' | 'busy' {
  if (s.lockAfter !== undefined && now < s.lockAfter) return 'busy';
  if (run(db, mode, s.policy.busyMs).busy) {
    s.lockAfter = now + s.policy.lockBackoffMs;
    return 'busy';
  }
  s.lockAfter = undefined;
  return 'done';
}

function run(db: SqliteDb, mode: 'PASSIVE' | 'RESTART' | 'TRUNCATE', busyMs: number): CheckpointResult {
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyMs))}`);
  return (db.pragma(`wal_checkpoint(${mode})`) as CheckpointResult[])[0]!;
}

/**
 * Makes this connection the writer that restarts a fully copied WAL (and fsyncs its new header), instead of
 * the next commit on the main thread: one frame, user_version rewritten unchanged in its own transaction.
 * Skipped when a commit is under way (busy): that commit then restarts the WAL itself, as SQLite always did.
 */
function restartWal(db: SqliteDb): void {
  db.pragma('busy_timeout = 0');
  try {
    db.exec('BEGIN IMMEDIATE');
  } catch (e) {
    if ((e as { code?: string }).code === 'SQLITE_BUSY') return;
    throw e;
  }
  try {
    db.pragma(`user_version = ${db.pragma('user_version', { simple: true }) as number}`);
    db.exec('COMMIT');
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
  }
}

/** The control word shared with the thread (an Int32Array over a SharedArrayBuffer): the last close it finished. */
export const ACK = 0;

export interface CheckpointerWorkerData {
  readonly control: SharedArrayBuffer;
  readonly port: MessagePort;
  readonly tickMs: number;
}

export type CheckpointerMessage =
  | { readonly op: 'add'; readonly id: number; readonly file: string; readonly policy: CheckpointPolicy }
  | { readonly op: 'remove'; readonly id: number; readonly ack: number };

/** From the thread: a database it had to give up (the main thread turns SQLite's own checkpoints back on). */
export type CheckpointerEvent = { readonly op: 'failed'; readonly id: number; readonly message: string };
