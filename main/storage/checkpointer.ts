/**
 * WAL checkpoints off the main thread (durability and why: README.md, "Checkpoints").
 *
 * SQLite's automatic checkpoint runs inside the COMMIT that crosses 1000 WAL pages: it copies the WAL into
 * the database file and fsyncs both, on the event loop, inside whatever order or socket read committed.
 * Measured, those commits were most of the submit→ack p99. Each writable database therefore turns
 * `wal_autocheckpoint` off on its connection and registers here: one thread per process, with its own
 * connection per database, checkpoints them (checkpoint-policy.ts). If the thread cannot start or gives a
 * database up, that database's automatic checkpoints are turned back on, so the WAL is bounded either way.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { CheckpointPolicy, CheckpointerEvent, CheckpointerMessage, CheckpointerWorkerData } from './checkpoint-policy.ts';
import { ACK } from './checkpoint-policy.ts';
import type { SqliteDb } from './sqlite.ts';

const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;
const CLOSE_WAIT_MS = 10_000;

interface Registered {
  readonly id: number;
  readonly db: SqliteDb;
  readonly file: string;
  readonly policy: CheckpointPolicy;
}

export class BackgroundCheckpoints {
  private static instance: BackgroundCheckpoints | undefined;
  /** Told when the thread fails or gives a database up (the host logs it); SQLite's own checkpoints take over. */
  static onError: ((message: string) => void) | undefined;

  private readonly ctl = new Int32Array(new SharedArrayBuffer(4));
  private readonly port: MessagePort;
  private readonly worker: Worker;
  private readonly dbs = new Map<number, Registered>();
  private dead = false;
  private nextId = 1;
  private acks = 0;

  /** The process's checkpointer, started at the first database that registers; undefined if no thread can start. */
  static shared(): BackgroundCheckpoints | undefined {
    if (!BackgroundCheckpoints.instance || BackgroundCheckpoints.instance.dead) {
      try {
        BackgroundCheckpoints.instance = new BackgroundCheckpoints(200);
      } catch (e) {
        BackgroundCheckpoints.onError?.(`no background checkpoints, SQLite checkpoints inside commits: ${(e as Error).message}`);
        return undefined;
      }
    }
    return BackgroundCheckpoints.instance;
  }

  constructor(tickMs: number) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    // From sources the entry is the .ts file (type stripping); in a compiled build the .js beside us.
    const entry = new URL(import.meta.url.endsWith('.ts') ? './checkpoint-worker.ts' : './checkpoint-worker.js', import.meta.url);
    // A build without the thread's file keeps SQLite's own checkpoints (and never waits for a thread at close).
    if (!existsSync(fileURLToPath(entry))) throw new Error(`missing ${fileURLToPath(entry)}`);
    const data: CheckpointerWorkerData = { control: this.ctl.buffer as SharedArrayBuffer, port: port2, tickMs };
    this.worker = new Worker(entry, { workerData: data, transferList: [port2] });
    // Neither keeps the process alive: at exit SQLite's recovery makes any interrupted checkpoint harmless.
    this.worker.unref();
    this.port.on('message', (m: CheckpointerEvent) => {
      if (m.op === 'failed') this.giveBack(m.id, `background checkpoints of ${this.dbs.get(m.id)?.file ?? 'a database'} stopped: ${m.message}`);
    });
    this.port.unref(); // after on('message'), which refs it
    const fail = (why: string) => {
      if (this.dead) return;
      this.dead = true;
      for (const id of [...this.dbs.keys()]) this.giveBack(id, why);
    };
    this.worker.on('error', (e) => fail(`the checkpoint thread failed: ${e.message}`));
    this.worker.on('exit', (code) => fail(`the checkpoint thread exited (code ${code})`));
  }

  /**
   * Takes over the checkpoints of `db` (a writable WAL database on `file`). Returns the function that hands
   * them back; call it before closing `db`, so its close is again the last one (which checkpoints and
   * removes the WAL).
   */
  add(db: SqliteDb, file: string, policy: CheckpointPolicy): () => void {
    if (this.dead) return () => {};
    const r: Registered = { id: this.nextId++, db, file, policy };
    this.dbs.set(r.id, r);
    db.pragma('wal_autocheckpoint = 0');
    // Sent at once, not when the thread reports in: a long synchronous job on the main thread must not
    // leave the WAL without checkpoints meanwhile.
    this.post({ op: 'add', id: r.id, file, policy });
    return () => this.remove(r.id);
  }

  /** Databases checkpointed here now (tests and diagnostics). */
  get count(): number {
    return this.dbs.size;
  }

  /** Synchronous: once it returns the thread's connection to the database is closed. */
  private remove(id: number): void {
    const r = this.dbs.get(id);
    if (!r) return;
    this.dbs.delete(id);
    if (this.dead) return;
    const ack = ++this.acks;
    this.post({ op: 'remove', id, ack });
    const until = performance.now() + CLOSE_WAIT_MS;
    for (let seen = Atomics.load(this.ctl, ACK); seen < ack && !this.dead; seen = Atomics.load(this.ctl, ACK)) {
      const left = until - performance.now();
      if (left <= 0) {
        BackgroundCheckpoints.onError?.(`the checkpoint thread did not release ${r.file} within ${CLOSE_WAIT_MS} ms`);
        return;
      }
      Atomics.wait(this.ctl, ACK, seen, Math.min(left, 100));
    }
  }

  private giveBack(id: number, why: string): void {
    const r = this.dbs.get(id);
    if (!r) return;
    this.dbs.delete(id);
    if (r.db.open) r.db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
    BackgroundCheckpoints.onError?.(why);
  }

  private post(m: CheckpointerMessage): void {
    this.port.postMessage(m);
  }
}

/**
 * The policy for a database with pages of `pageSize` bytes: checkpoints from about 16 MB of WAL (SQLite's own
 * start at 1000 pages: 4 MB for the ledger), a WAL bounded at about 64 MB (also the journal_size_limit).
 * Fewer, bigger checkpoints: each restart of the WAL costs an fsync, now on the checkpoint thread.
 */
export function checkpointPolicy(pageSize: number, checkpointBytes = 16 * 1024 * 1024, maxBytes = 64 * 1024 * 1024): CheckpointPolicy {
  const frames = (bytes: number) => Math.max(16, Math.floor(bytes / (pageSize + 24)));
  return { checkpointFrames: frames(checkpointBytes), maxFrames: frames(maxBytes), idleMs: 1000, keepBytes: 4 * 1024 * 1024, busyMs: 200, lockBackoffMs: 1000 };
}
