/**
 * The ONE module that imports better-sqlite3. Everything else in Kestrel uses the types and helpers here,
 * so a driver change (or a driver bug workaround) happens in one file, and every driver error leaves
 * storage as a StorageError with a sentence a user can act on.
 */
import Database from 'better-sqlite3';
import { KestrelError, StorageError } from '../core/errors.ts';

export type SqliteDb = Database.Database;
export type SqliteStatement<P extends unknown[] | object = unknown[], R = unknown> = Database.Statement<P, R>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the driver's own constraint
export type SqliteTransaction<F extends (...args: any[]) => unknown> = Database.Transaction<F>;

export interface SqliteOpenOptions {
  readonly readonly?: boolean;
  readonly fileMustExist?: boolean;
  /** How long a writer waits for a lock held by another connection before SQLITE_BUSY (default BUSY_TIMEOUT_MS). */
  readonly busyTimeoutMs?: number;
}

/**
 * Every connection opened here (main thread, worker threads, other processes) waits this long for another
 * connection's lock before SQLITE_BUSY. The checkpoint thread holds the writer lock at most its busyMs
 * once per backoff period (checkpoint-policy.ts), far below this.
 */
export const BUSY_TIMEOUT_MS = 5000;

export function openSqlite(file: string, opts: SqliteOpenOptions = {}): SqliteDb {
  try {
    return new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.fileMustExist ?? false, timeout: opts.busyTimeoutMs ?? BUSY_TIMEOUT_MS });
  } catch (e) {
    throw toStorageError(e, `open ${file}`, { file });
  }
}

/** SQLite's extended result code name (`SQLITE_FULL`, `SQLITE_CONSTRAINT_PRIMARYKEY`, ...) if `e` came from the driver. */
export function sqliteCode(e: unknown): string | undefined {
  if (e instanceof Database.SqliteError) return e.code;
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

const HINTS: Record<string, string> = {
  SQLITE_FULL: 'the disk (or the database size limit) is full; free space and retry — nothing already committed was lost',
  SQLITE_READONLY: 'the database or its folder is read-only; Kestrel needs write access to its data directory',
  SQLITE_CANTOPEN: 'the database file cannot be opened or created; check the data directory exists and is writable',
  SQLITE_NOTADB: 'the file is not a SQLite database',
  SQLITE_CORRUPT: 'the database file is corrupt; restore it from a backup',
  SQLITE_BUSY: 'the database stayed locked by another connection for longer than the busy timeout (another Kestrel process on the same data directory, or a long write)',
  SQLITE_IOERR: 'a disk I/O error occurred',
  SQLITE_PERM: 'permission denied',
};

/** Maps a driver error to a StorageError; KestrelErrors pass through unchanged. */
export function toStorageError(e: unknown, what: string, details: Record<string, unknown> = {}): KestrelError {
  if (e instanceof KestrelError) return e;
  const code = sqliteCode(e);
  const base = code?.split('_').slice(0, 2).join('_');
  const hint = (code && HINTS[code]) ?? (base && HINTS[base]);
  const msg = e instanceof Error ? e.message : String(e);
  return new StorageError(`Storage failed (${what}): ${hint ? `${hint} [${code}: ${msg}]` : msg}`, { ...details, sqliteCode: code }, e);
}

/** Runs `fn`, mapping driver errors. */
export function guarded<T>(what: string, fn: () => T, details?: Record<string, unknown>): T {
  try {
    return fn();
  } catch (e) {
    throw toStorageError(e, what, details);
  }
}
