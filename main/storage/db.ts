/**
 * Opening one Kestrel database file safely: refuse what is not ours or is newer than us BEFORE writing a
 * single byte to it, then set durability pragmas and migrate.
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { StorageError } from '../core/errors.ts';
import { BackgroundCheckpoints, checkpointPolicy } from './checkpointer.ts';
import { applicationId, latestVersion, migrate, newerSchemaError, schemaVersion, type Migration } from './migrate.ts';
import { guarded, openSqlite, toStorageError, type SqliteDb } from './sqlite.ts';

export interface DatabaseSpec {
  /** `market` or `ledger`: used in messages. */
  readonly label: string;
  /** Written to PRAGMA application_id so one database can never be opened as the other. */
  readonly applicationId: number;
  /** NORMAL may lose the last commits on power loss (never corrupts); FULL loses nothing that returned. */
  readonly synchronous: 'NORMAL' | 'FULL';
  readonly migrations: readonly Migration[];
  /** Page size for a NEW file (fixed once WAL is on). Big BLOB rows want big pages: fewer overflow pages to chain. */
  readonly pageSize?: number;
}

export interface OpenDatabaseOptions {
  /** Open without writing: no migration; the schema must already be current. */
  readonly readonly?: boolean;
  /** Caps the file size in pages (SQLite's max_page_count): a quota, and how the full-disk test works. */
  readonly maxPageCount?: number;
  /**
   * `background` (default): WAL checkpoints run on the checkpoint thread (checkpointer.ts), never inside a
   * commit; `sqlite`: SQLite's automatic checkpoint inside the commit that crosses 1000 WAL pages.
   */
  readonly checkpoints?: 'background' | 'sqlite';
  /** WAL sizes for the background checkpoints (checkpointPolicy's defaults: 16 MB to start one, 64 MB bound). */
  readonly walBytes?: { readonly checkpoint: number; readonly max: number };
}

const SQLITE_MAGIC = 'SQLite format 3\0';

export function openDatabase(spec: DatabaseSpec, file: string, opts: OpenDatabaseOptions = {}): SqliteDb {
  checkHeader(spec, file);
  if (!opts.readonly) {
    try {
      mkdirSync(dirname(file), { recursive: true });
    } catch (e) {
      throw new StorageError(`Cannot create the data directory ${dirname(file)}: ${(e as Error).message}`, { file }, e);
    }
  }
  const db = openSqlite(file, { readonly: opts.readonly, fileMustExist: opts.readonly });
  try {
    // Identity and version first, read-only: a foreign or newer file must stay byte-for-byte untouched.
    const found = guarded(`read header of ${file}`, () => schemaVersion(db), { file });
    const app = applicationId(db);
    if (app !== 0 && app !== spec.applicationId) {
      throw new StorageError(`${file} is a SQLite database but not a Kestrel ${spec.label} database (application_id ${app}); refusing to open it.`, { file, applicationId: app });
    }
    if (found > latestVersion(spec.migrations)) throw newerSchemaError(spec.label, found, latestVersion(spec.migrations));
    if (opts.readonly) {
      if (found !== latestVersion(spec.migrations)) {
        throw new StorageError(`The ${spec.label} database is at schema version ${found}; it must be opened for writing once to migrate to ${latestVersion(spec.migrations)}.`, { file, found });
      }
    } else {
      guarded(`configure ${file}`, () => {
        if (spec.pageSize && found === 0 && (db.pragma('page_count', { simple: true }) as number) === 0) db.pragma(`page_size = ${spec.pageSize}`);
        const mode = db.pragma('journal_mode = WAL', { simple: true });
        if (mode !== 'wal') throw new StorageError(`Cannot switch ${file} to WAL journal mode (got ${String(mode)}).`, { file });
      }, { file });
    }
    db.pragma(`synchronous = ${spec.synchronous}`);
    // After a big import the WAL would otherwise keep its high-water size on disk forever.
    if (!opts.readonly) db.pragma('journal_size_limit = 67108864');
    db.pragma('foreign_keys = ON');
    if (opts.maxPageCount !== undefined) db.pragma(`max_page_count = ${Math.floor(opts.maxPageCount)}`);
    if (!opts.readonly) guarded(`migrate ${file}`, () => migrate(db, spec.label, spec.applicationId, spec.migrations), { file });
    if (!opts.readonly && !db.memory && opts.checkpoints !== 'sqlite') checkpointInBackground(db, file, opts.walBytes);
    return db;
  } catch (e) {
    db.close();
    throw toStorageError(e, `open ${spec.label} database`, { file });
  }
}

/** Hands the checkpoints of `db` to the checkpoint thread until `db.close()`, which hands them back first. */
function checkpointInBackground(db: SqliteDb, file: string, wal: OpenDatabaseOptions['walBytes']): void {
  const release = BackgroundCheckpoints.shared()?.add(db, file, checkpointPolicy(db.pragma('page_size', { simple: true }) as number, wal?.checkpoint, wal?.max));
  if (!release) return;
  const close = db.close.bind(db);
  db.close = () => {
    release();
    return close();
  };
}

/** A non-empty file that does not start with SQLite's magic is refused without letting SQLite touch it. */
function checkHeader(spec: DatabaseSpec, file: string): void {
  if (!existsSync(file)) return;
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new StorageError(`${file} is not a regular file; cannot use it as the ${spec.label} database.`, { file });
    size = st.size;
  } catch (e) {
    throw toStorageError(e, `stat ${file}`, { file });
  }
  if (size === 0) return;
  const head = Buffer.alloc(16);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    readSync(fd, head, 0, 16, 0);
  } catch (e) {
    throw new StorageError(`Cannot read ${file}: ${(e as Error).message}`, { file }, e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (size < 512 || head.toString('latin1') !== SQLITE_MAGIC) {
    throw new StorageError(
      `${file} is not a SQLite database (unexpected header). Kestrel will not overwrite it: move it aside or restore the ${spec.label} database from a backup.`,
      { file, size },
    );
  }
}

/** `PRAGMA integrity_check`: 'ok' or the problems SQLite found. */
export function integrityCheck(db: SqliteDb): string[] {
  return (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
}

/** An online copy through SQLite's backup API (consistent even while writers continue). */
export async function backupDatabase(db: SqliteDb, destFile: string): Promise<void> {
  try {
    mkdirSync(dirname(destFile), { recursive: true });
    await db.backup(destFile);
  } catch (e) {
    throw toStorageError(e, `backup to ${destFile}`, { destFile });
  }
}
