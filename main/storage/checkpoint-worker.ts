/**
 * Thread entry of the background checkpointer (checkpointer.ts): its own connection to each registered
 * database, and the WAL checkpoints the main thread's connections no longer run (wal_autocheckpoint = 0),
 * one step per database and tick (checkpoint-policy.ts).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { endianness } from 'node:os';
import { workerData, type MessagePort } from 'node:worker_threads';
import { openSqlite, type SqliteDb } from './sqlite.ts';
import { ACK, checkpointStep, type CheckpointState, type WalFrames, type CheckpointerMessage, type CheckpointerWorkerData } from './checkpoint-policy.ts';

const data = workerData as CheckpointerWorkerData;
const ctl = new Int32Array(data.control);
const port: MessagePort = data.port;

interface Entry {
  readonly db: SqliteDb;
  readonly file: string;
  readonly state: CheckpointState;
  shm?: number;
}

const dbs = new Map<number, Entry>();

function handle(m: CheckpointerMessage): void {
  if (m.op === 'add') {
    try {
      const db = openSqlite(m.file, { fileMustExist: true, busyTimeoutMs: 0 });
      db.pragma('synchronous = NORMAL');
      // This connection only checkpoints; it must never run an automatic one of its own either.
      db.pragma('wal_autocheckpoint = 0');
      dbs.set(m.id, { db, file: m.file, state: { version: -1, changedAt: Date.now(), idleDone: false, policy: m.policy } });
    } catch (e) {
      port.postMessage({ op: 'failed', id: m.id, message: (e as Error).message });
    }
  } else {
    const e = dbs.get(m.id);
    dbs.delete(m.id);
    try {
      if (e?.shm !== undefined) closeSync(e.shm);
      e?.db.close();
    } finally {
      // The main thread waits for this (Atomics.wait) before it closes its own connection.
      Atomics.store(ctl, ACK, m.ack);
      Atomics.notify(ctl, ACK);
    }
  }
}

const HEADER = Buffer.alloc(100);
const LE = endianness() === 'LE';

/** mxFrame and nBackfill from the wal-index header (native byte order; walformat.html §2.1); undefined if unreadable. */
function walFrames(e: Entry): WalFrames | undefined {
  try {
    e.shm ??= openSync(`${e.file}-shm`, 'r');
    if (readSync(e.shm, HEADER, 0, 100, 0) < 100) return undefined;
    return LE ? { frames: HEADER.readUInt32LE(16), copied: HEADER.readUInt32LE(96) } : { frames: HEADER.readUInt32BE(16), copied: HEADER.readUInt32BE(96) };
  } catch {
    return undefined;
  }
}

function walBytes(file: string): number {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
}

function tick(): void {
  for (const [id, e] of dbs) {
    try {
      checkpointStep(e.db, e.state, Date.now(), () => walFrames(e), () => walBytes(e.file));
    } catch (err) {
      // Anything but a busy database (retried at the next tick) is reported and the database given back,
      // so the main thread turns SQLite's own automatic checkpoints on again for it.
      const code = (err as { code?: string }).code;
      if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') continue;
      port.postMessage({ op: 'failed', id, message: (err as Error).message });
      dbs.delete(id);
      try {
        if (e.shm !== undefined) closeSync(e.shm);
        e.db.close();
      } catch {
        // already reported
      }
    }
  }
}

port.on('message', handle);
setInterval(tick, data.tickMs);
