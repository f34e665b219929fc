/**
 * The alerts repository (alerts.db, see migrations/alerts): definitions, firing history, dead letters.
 * Definitions are stored as their JSON (validated by the contract's schema on the way in and out); the
 * columns hold only what is queried or updated on its own.
 */
import { join } from 'node:path';
import { openDatabase, type DatabaseSpec } from './db.ts';
import { alertsMigrations } from './migrations/alerts/index.ts';
import { guarded, type SqliteDb } from './sqlite.ts';

export const ALERTS_DB: DatabaseSpec = { label: 'alerts', applicationId: 0x4b53_414c, synchronous: 'NORMAL', migrations: alertsMigrations };

export interface StoredAlert {
  readonly id: string;
  readonly createdAt: number;
  readonly armed: boolean;
  readonly lastFiredAt: number | null;
  readonly fired: number;
  /** The definition (name, account, condition, repeat, cooldown, channels, sound) as JSON. */
  readonly data: unknown;
}

export interface StoredFiring {
  readonly seq: number;
  readonly alertId: string;
  readonly ts: number;
  readonly data: unknown;
}

export interface StoredDeadLetter {
  readonly id: number;
  readonly channel: string;
  readonly alertId: string | null;
  readonly ts: number;
  readonly attempts: number;
  readonly lastError: string;
  readonly message: string;
  readonly payload: unknown;
}

type AlertRow = { id: string; created_at: number; armed: number; last_fired_at: number | null; fired: number; data: string };
type DeadRow = { id: number; channel: string; alert_id: string | null; ts: number; attempts: number; last_error: string; message: string; payload: string };

export class AlertStore {
  readonly db: SqliteDb;

  constructor(db: SqliteDb) {
    this.db = db;
  }

  static open(dataDir: string): AlertStore {
    return new AlertStore(openDatabase(ALERTS_DB, join(dataDir, 'alerts.db')));
  }

  list(): StoredAlert[] {
    return guarded('list alerts', () => (this.db.prepare('SELECT * FROM alerts WHERE deleted = 0 ORDER BY created_at, id').all() as AlertRow[]).map(alertOf));
  }

  put(a: StoredAlert): void {
    guarded('save alert', () =>
      this.db
        .prepare(`INSERT INTO alerts (id, created_at, armed, last_fired_at, fired, data) VALUES (?, ?, ?, ?, ?, ?)
          ON CONFLICT (id) DO UPDATE SET armed = excluded.armed, last_fired_at = excluded.last_fired_at, fired = excluded.fired, data = excluded.data`)
        .run(a.id, a.createdAt, a.armed ? 1 : 0, a.lastFiredAt, a.fired, JSON.stringify(a.data)),
    );
  }

  /** Kept (deleted = 1) so its history still names it. */
  delete(id: string): boolean {
    return guarded('delete alert', () => this.db.prepare('UPDATE alerts SET deleted = 1 WHERE id = ? AND deleted = 0').run(id).changes > 0);
  }

  /** Records a firing and the alert's new state in one commit. */
  fire(a: StoredAlert, ts: number, data: unknown): number {
    return guarded('record alert firing', () =>
      this.db.transaction(() => {
        this.put(a);
        return Number(this.db.prepare('INSERT INTO firings (alert_id, ts, data) VALUES (?, ?, ?)').run(a.id, ts, JSON.stringify(data)).lastInsertRowid);
      }).immediate(),
    );
  }

  history(alertId: string | undefined, limit: number): StoredFiring[] {
    const rows = guarded('read alert history', () =>
      alertId === undefined
        ? this.db.prepare('SELECT * FROM firings ORDER BY seq DESC LIMIT ?').all(limit)
        : this.db.prepare('SELECT * FROM firings WHERE alert_id = ? ORDER BY seq DESC LIMIT ?').all(alertId, limit),
    ) as { seq: number; alert_id: string; ts: number; data: string }[];
    return rows.map((r) => ({ seq: r.seq, alertId: r.alert_id, ts: r.ts, data: JSON.parse(r.data) as unknown }));
  }

  addDeadLetter(d: Omit<StoredDeadLetter, 'id'>): number {
    return guarded('store dead letter', () =>
      Number(this.db.prepare('INSERT INTO dead_letters (channel, alert_id, ts, attempts, last_error, message, payload) VALUES (?, ?, ?, ?, ?, ?, ?)').run(d.channel, d.alertId, d.ts, d.attempts, d.lastError, d.message, JSON.stringify(d.payload)).lastInsertRowid),
    );
  }

  deadLetters(): StoredDeadLetter[] {
    return (guarded('read dead letters', () => this.db.prepare('SELECT * FROM dead_letters ORDER BY id DESC LIMIT 500').all()) as DeadRow[]).map((r) => ({
      id: r.id, channel: r.channel, alertId: r.alert_id, ts: r.ts, attempts: r.attempts, lastError: r.last_error, message: r.message, payload: JSON.parse(r.payload) as unknown,
    }));
  }

  deadLetter(id: number): StoredDeadLetter | undefined {
    return this.deadLetters().find((d) => d.id === id);
  }

  updateDeadLetter(id: number, attempts: number, lastError: string): void {
    guarded('update dead letter', () => this.db.prepare('UPDATE dead_letters SET attempts = ?, last_error = ? WHERE id = ?').run(attempts, lastError, id));
  }

  removeDeadLetter(id: number): void {
    guarded('remove dead letter', () => this.db.prepare('DELETE FROM dead_letters WHERE id = ?').run(id));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function alertOf(r: AlertRow): StoredAlert {
  return { id: r.id, createdAt: r.created_at, armed: r.armed === 1, lastFiredAt: r.last_fired_at, fired: r.fired, data: JSON.parse(r.data) as unknown };
}
