/**
 * Filtered reads of the audit log for the audit view and exports: by event type, symbol, strategy,
 * session and time, paged by chain seq. Filters read the hashed body itself (json_extract), so what is
 * listed is exactly what was chained, never a side column that could disagree with it.
 */
import type { ChainedEntry } from '../core/audit/chain.ts';
import { guarded, type SqliteDb } from './sqlite.ts';
import { toLink, type Row } from './audit-log.ts';

export interface AuditFilter {
  readonly types?: readonly string[];
  readonly symbol?: string;
  /** Strategy id or version hash. */
  readonly strategy?: string;
  readonly session?: string;
  readonly fromTs?: number;
  readonly toTs?: number;
  readonly fromSeq?: number;
  readonly toSeq?: number;
}

export interface AuditPage {
  readonly items: ChainedEntry[];
  /** Pass as `after` for the next page; null at the end. */
  readonly next: number | null;
}

function where(f: AuditFilter, after: number): { sql: string; args: unknown[] } {
  const c: string[] = ['seq > ?'];
  const args: unknown[] = [after];
  if (f.types && f.types.length) {
    c.push(`kind IN (${f.types.map(() => '?').join(',')})`);
    args.push(...f.types);
  }
  if (f.symbol !== undefined) {
    c.push("json_extract(body, '$.data.symbol') = ?");
    args.push(f.symbol);
  }
  if (f.session !== undefined) {
    c.push("json_extract(body, '$.data.session') = ?");
    args.push(f.session);
  }
  if (f.strategy !== undefined) {
    c.push("(json_extract(body, '$.data.strategyVersion') = ? OR json_extract(body, '$.data.payload.strategy') = ? OR json_extract(body, '$.data.payload.config.strategy.id') = ?)");
    args.push(f.strategy, f.strategy, f.strategy);
  }
  if (f.fromTs !== undefined) {
    c.push('ts >= ?');
    args.push(f.fromTs);
  }
  if (f.toTs !== undefined) {
    c.push('ts <= ?');
    args.push(f.toTs);
  }
  if (f.fromSeq !== undefined) {
    c.push('seq >= ?');
    args.push(f.fromSeq);
  }
  if (f.toSeq !== undefined) {
    c.push('seq <= ?');
    args.push(f.toSeq);
  }
  return { sql: c.join(' AND '), args };
}

export class AuditQuery {
  private readonly db: SqliteDb;

  constructor(db: SqliteDb) {
    this.db = db;
  }

  page(f: AuditFilter, after = 0, limit = 100): AuditPage {
    return guarded('query audit log', () => {
      const n = Math.min(Math.max(1, Math.floor(limit)), 1000);
      const w = where(f, after);
      const rows = this.db.prepare(`SELECT seq, ts, kind, body, prev_hash, hash FROM audit_log WHERE ${w.sql} ORDER BY seq LIMIT ?`).all(...w.args, n + 1) as Row[];
      const items = rows.slice(0, n).map(toLink);
      return { items, next: rows.length > n ? items[items.length - 1]!.seq : null };
    });
  }

  count(f: AuditFilter): number {
    return guarded('count audit log', () => {
      const w = where(f, 0);
      return (this.db.prepare(`SELECT count(*) AS n FROM audit_log WHERE ${w.sql}`).get(...w.args) as { n: number }).n;
    });
  }

  /** First and last chain seq matching (a session's or a time range's extent), or null. */
  extent(f: AuditFilter): { from: number; to: number } | null {
    return guarded('audit log extent', () => {
      const w = where(f, 0);
      const r = this.db.prepare(`SELECT min(seq) AS a, max(seq) AS b FROM audit_log WHERE ${w.sql}`).get(...w.args) as { a: number | null; b: number | null };
      return r.a === null || r.b === null ? null : { from: r.a, to: r.b };
    });
  }

  /** All matching entries, streamed in seq order. */
  *iterate(f: AuditFilter): Generator<ChainedEntry> {
    const w = where(f, 0);
    const st = this.db.prepare(`SELECT seq, ts, kind, body, prev_hash, hash FROM audit_log WHERE ${w.sql} ORDER BY seq`);
    for (const r of st.iterate(...w.args) as IterableIterator<Row>) yield toLink(r);
  }

  get(seq: number): ChainedEntry | null {
    const r = this.db.prepare('SELECT seq, ts, kind, body, prev_hash, hash FROM audit_log WHERE seq = ?').get(seq) as Row | undefined;
    return r ? toLink(r) : null;
  }
}
