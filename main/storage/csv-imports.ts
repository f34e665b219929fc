/** CSV files imported into datasets, by the SHA-256 of their bytes (migrations/market/0003-csv-imports.ts). */
import type { CandleKey } from './candles.ts';
import { guarded, type SqliteDb } from './sqlite.ts';

export interface CsvImportRecord extends CandleKey {
  readonly fileHash: string;
  readonly rows: number;
  readonly firstTs: number;
  readonly lastTs: number;
  /** Content hash of the candles the file gave, as stored (main/core/data/hash.ts). */
  readonly contentHash: string;
  /** What the parser recognised, as it reported it. */
  readonly detected: string;
  readonly importedAt: number;
}

export class CsvImports {
  private readonly db: SqliteDb;
  constructor(db: SqliteDb) {
    this.db = db;
  }

  record(r: CsvImportRecord): void {
    guarded('record csv import', () =>
      this.db
        .prepare(`INSERT INTO csv_imports (file_hash, source, symbol, timeframe, rows, first_ts, last_ts, content_hash, detected, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (file_hash, source, symbol, timeframe) DO UPDATE SET rows = excluded.rows, first_ts = excluded.first_ts, last_ts = excluded.last_ts,
          content_hash = excluded.content_hash, detected = excluded.detected, imported_at = excluded.imported_at`)
        .run(r.fileHash, r.source, r.symbol, r.timeframe, r.rows, r.firstTs, r.lastTs, r.contentHash, r.detected, r.importedAt),
    );
  }

  /** Every dataset a CSV was ever imported into, as `source|symbol|timeframe`. */
  importedKeys(): Set<string> {
    const rows = guarded('list csv imports', () => this.db.prepare('SELECT DISTINCT source, symbol, timeframe FROM csv_imports').all() as { source: string; symbol: string; timeframe: string }[]);
    return new Set(rows.map((r) => `${r.source}|${r.symbol}|${r.timeframe}`));
  }

  find(fileHash: string, key: CandleKey): CsvImportRecord | undefined {
    const r = this.db.prepare('SELECT * FROM csv_imports WHERE file_hash = ? AND source = ? AND symbol = ? AND timeframe = ?').get(fileHash, key.source, key.symbol, key.timeframe) as Record<string, unknown> | undefined;
    if (!r) return undefined;
    return {
      fileHash: r.file_hash as string, source: r.source as string, symbol: r.symbol as string, timeframe: r.timeframe as string, rows: r.rows as number,
      firstTs: r.first_ts as number, lastTs: r.last_ts as number, contentHash: r.content_hash as string, detected: r.detected as string, importedAt: r.imported_at as number,
    };
  }
}
