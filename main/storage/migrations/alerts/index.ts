/**
 * alerts.db: alert definitions, what fired (history) and notifications that failed (dead letters). Its
 * own file rather than ledger.db: alerts are the trader's working set, not trading records, and never part
 * of the audit chain; and a separate schema evolves without renumbering the ledger's migrations.
 */
import type { Migration } from '../../migrate.ts';

export const alerts0001: Migration = {
  version: 1,
  name: 'alerts-0001',
  up(db) {
    db.exec(`
      CREATE TABLE alerts (
        id TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        armed INTEGER NOT NULL,
        last_fired_at INTEGER,
        fired INTEGER NOT NULL DEFAULT 0,
        deleted INTEGER NOT NULL DEFAULT 0,
        data TEXT NOT NULL
      );
      CREATE TABLE firings (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        alert_id TEXT NOT NULL,
        ts INTEGER NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX firings_by_alert ON firings (alert_id, seq);
      CREATE TABLE dead_letters (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT NOT NULL,
        alert_id TEXT,
        ts INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        last_error TEXT NOT NULL,
        message TEXT NOT NULL,
        payload TEXT NOT NULL
      );
    `);
  },
};

/** In order; append only. */
export const alertsMigrations: readonly Migration[] = [alerts0001];
