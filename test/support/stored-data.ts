import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { openSqlite } from '../../main/storage/sqlite.ts';

/**
 * A digest of everything a data directory stores: every row of every table of each SQLite database (read
 * through SQLite, so WAL checkpoints do not count as changes) and the bytes of every other file except
 * logs. Two equal digests mean nothing stored was added, changed or lost.
 */
export function storedDataDigest(dataDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of walk(dataDir)) {
    const rel = relative(dataDir, file);
    if (rel.startsWith('logs') || /\.db-(wal|shm|journal)$/.test(rel)) continue;
    const h = createHash('sha256');
    if (rel.endsWith('.db')) {
      const db = openSqlite(file, { readonly: true, fileMustExist: true });
      try {
        const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string; sql: string }[];
        for (const t of tables) {
          h.update(`${t.sql}\n`);
          for (const row of db.prepare(`SELECT * FROM "${t.name.replaceAll('"', '""')}"`).iterate()) h.update(JSON.stringify(row, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : typeof v === 'bigint' ? v.toString() : v)) + '\n');
        }
      } finally {
        db.close();
      }
    } else h.update(readFileSync(file));
    out[rel] = h.digest('hex');
  }
  return out;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}
