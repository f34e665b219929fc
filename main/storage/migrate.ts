/**
 * Numbered schema migrations. Each database records its schema version in `PRAGMA user_version` and its
 * identity in `PRAGMA application_id`, both in the file header, so a version check needs no table and
 * works on a file from any app version.
 */
import { StorageError } from '../core/errors.ts';
import type { SqliteDb } from './sqlite.ts';

export interface Migration {
  /** 1, 2, 3 ... contiguous; the schema version after this migration ran. */
  readonly version: number;
  readonly name: string;
  /** Runs inside the migration's transaction. Must not touch rows it did not create unless it says so. */
  up(db: SqliteDb): void;
}

export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.length ? migrations[migrations.length - 1]!.version : 0;
}

export function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
}

export function schemaVersion(db: SqliteDb): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function applicationId(db: SqliteDb): number {
  return db.pragma('application_id', { simple: true }) as number;
}

/**
 * Applies every migration above the file's version, each in its own transaction (a crash between two
 * migrations leaves a valid older schema that the next start continues from). `upTo` is for tests.
 */
export function migrate(db: SqliteDb, label: string, appId: number, migrations: readonly Migration[], upTo = latestVersion(migrations)): number {
  checkMigrationList(migrations);
  let current = schemaVersion(db);
  if (current > latestVersion(migrations)) throw newerSchemaError(label, current, latestVersion(migrations));
  for (const m of migrations) {
    if (m.version <= current || m.version > upTo) continue;
    db.transaction(() => {
      if (m.version === 1) db.pragma(`application_id = ${appId}`);
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
    current = m.version;
  }
  return current;
}

export function newerSchemaError(label: string, found: number, supported: number): StorageError {
  return new StorageError(
    `The ${label} database has schema version ${found}, but this version of Kestrel understands only up to ${supported}. ` +
      'It was written by a newer Kestrel; upgrade Kestrel to open it. The file was left untouched.',
    { database: label, found, supported },
  );
}
