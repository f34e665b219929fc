/**
 * Group commit for ledger.db (durability model: README.md, "Durability of the ledger").
 *
 * ledger.db runs WAL with synchronous=NORMAL: a COMMIT writes its frames to the WAL file (the OS page
 * cache) and returns without an fsync, so a commit survives a process kill at once. `WalSync` then makes
 * commits survive a power cut by fsyncing the WAL file on libuv's thread pool, off the event loop, one
 * fsync for every commit that happened while the previous one ran: the classic group commit. fsync covers
 * every byte written to the file before it starts, and a checkpoint (which may move frames into the main
 * file and restart the WAL) syncs both files itself, so a commit is on disk once an fsync started after it
 * has returned.
 */
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StorageError } from '../core/errors.ts';

export class WalSync {
  private readonly walFile: string;
  private readonly dir: string;
  private inFlight: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private dirSynced = false;
  /** fsyncs done (tests and metrics: how many commits shared one). */
  syncs = 0;
  /** Called with the error of a background sync nobody awaited (the host logs it). */
  onError: ((e: StorageError) => void) | undefined;

  constructor(dbFile: string) {
    this.walFile = `${dbFile}-wal`;
    this.dir = dirname(dbFile);
  }

  /**
   * Resolves once everything committed before the call is on disk. While an fsync runs, callers share the
   * next one (it may have started before their commit). Rejects with a StorageError when the disk refuses.
   */
  durable(): Promise<void> {
    if (!this.inFlight) {
      const p = this.fsync().finally(() => {
        if (this.inFlight === p) this.inFlight = undefined;
      });
      this.inFlight = p;
      return p;
    }
    this.queued ??= this.inFlight.then(
      () => this.next(),
      () => this.next(),
    );
    return this.queued;
  }

  /**
   * After a commit: starts (or joins) the fsync that covers it, in the background, and returns it. A power
   * cut can then take only the commits of about one fsync's time. An error nobody awaits goes to onError.
   */
  kick(): Promise<void> {
    const p = this.durable();
    p.catch((e: unknown) => this.onError?.(e as StorageError));
    return p;
  }

  /**
   * Also syncs every `ms` while `alive()`: commits made outside ledger batches (catalog, settings, a lone
   * audit entry) get a bound too. The timer does not keep the process alive and ends with the database.
   */
  every(ms: number, alive: () => boolean): void {
    const t = setInterval(() => (alive() ? void this.kick() : clearInterval(t)), ms);
    t.unref();
  }

  private next(): Promise<void> {
    this.queued = undefined;
    return this.durable();
  }

  private async fsync(): Promise<void> {
    try {
      // The WAL's directory entry once: SQLite creates the -wal file when the ledger opens.
      if (!this.dirSynced) {
        // (Windows cannot open a directory to sync it; NTFS journals the entry itself.)
        if (process.platform !== 'win32') await syncPath(this.dir);
        this.dirSynced = true;
      }
      await syncPath(this.walFile);
      this.syncs++;
    } catch (e) {
      throw new StorageError(`Cannot make the ledger durable (fsync of ${this.walFile} failed): ${(e as Error).message}`, { file: this.walFile }, e);
    }
  }
}

async function syncPath(path: string): Promise<void> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    // No WAL: the last connection closed, which checkpoints and syncs the main file first.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
