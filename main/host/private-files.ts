/**
 * The data directory holds the trader's orders, fills, audit log and sealed key: readable by its owner
 * only. The directory is 0700 and every file Kestrel writes there 0600, whatever the umask. Best effort on
 * filesystems without POSIX modes (Windows, some mounts), where chmod is a no-op or fails.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

function chmodQuietly(path: string, mode: number): void {
  try {
    chmodSync(path, mode);
  } catch {
    // no POSIX modes here
  }
}

/** Creates `dir` (and parents) if needed and makes it owner-only. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodQuietly(dir, PRIVATE_DIR_MODE);
}

export function makePrivate(file: string): void {
  if (existsSync(file)) chmodQuietly(file, PRIVATE_FILE_MODE);
}

/**
 * Tightens what an older version left world-readable: the data directory, its subdirectories and every
 * file in them (databases and their -wal/-shm companions, logs, keys, heads).
 */
export function tightenDataDir(dir: string): void {
  ensurePrivateDir(dir);
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) tightenDataDir(p);
    else if (st.isFile() && (st.mode & 0o077) !== 0) chmodQuietly(p, PRIVATE_FILE_MODE);
  }
}

/**
 * For the app's own processes (Electron main, `kestrel serve`): every file and directory they create from
 * now on is owner-only, including ones third-party code creates (SQLite's -wal/-shm, pino's log file),
 * which no chmod after the fact could cover without a window. Returns the previous mask.
 */
export function privateUmask(): number {
  return process.umask(0o077);
}
