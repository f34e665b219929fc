/**
 * The ledger's reference records: instruments, accounts, sessions, strategies with immutable numbered
 * versions, and backtest results. Plain data in, plain data out; JSON columns hold the parts that only
 * the engine or the UI interprets.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalJson } from '../core/audit/canonical.ts';
import { NotFoundError, ValidationError } from '../core/errors.ts';
import type { InstrumentSpec } from '../core/model/index.ts';
import { guarded, type SqliteDb } from './sqlite.ts';

export type AccountKind = 'backtest' | 'paper' | 'live';

export interface AccountRecord {
  /** The book's id (orders, fills and positions carry it); one per reset of a paper account. */
  readonly id: string;
  /** The account (settings.json) this book belongs to. */
  readonly owner: string;
  readonly venue: string;
  readonly kind: AccountKind;
  readonly name: string;
  readonly currency: string;
  readonly createdAt: number;
  /** Anything else (starting balance as a decimal string, leverage, notes). Never API secrets. */
  readonly data: Readonly<Record<string, unknown>>;
}

export interface SessionRecord {
  readonly id: string;
  readonly kind: AccountKind;
  readonly accountId: string | null;
  /** The account (settings.json) the session traded for; null for sessions without one (backtests). */
  readonly owner: string | null;
  readonly strategyId: string | null;
  readonly strategyVersion: number | null;
  readonly status: string;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface StrategyVersion {
  readonly strategyId: string;
  readonly version: number;
  readonly source: string;
  /** SHA-256 of the source: what backtest results and audit entries cite. */
  readonly hash: string;
  readonly note: string | null;
  readonly createdAt: number;
}

export interface StrategyRecord {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly createdAt: number;
  readonly archived: boolean;
  readonly latestVersion: number;
}

export interface BacktestRecord {
  readonly id: string;
  readonly strategyId: string | null;
  readonly strategyVersion: number | null;
  readonly sessionId: string | null;
  readonly createdAt: number;
  readonly params: unknown;
  /** Statistics as the engine reports them; Money values must already be decimal strings. */
  readonly stats: unknown;
  /** `stats` already serialised by the caller (a large result written faster than canonically); read back as stats. */
  readonly statsJson?: string;
  /** Equity curve (float valuation; display only). */
  readonly equity: Float64Array | null;
  readonly resultHash: string | null;
}

const json = (v: unknown) => canonicalJson(v);

export class Catalog {
  private readonly db: SqliteDb;
  constructor(db: SqliteDb) {
    this.db = db;
  }

  // ── instruments ──
  putInstrument(spec: InstrumentSpec): void {
    if (!spec?.venue || !spec.symbol) throw new ValidationError('Instrument needs venue and symbol', [{ path: 'symbol', message: 'required' }]);
    guarded('store instrument', () =>
      this.db
        .prepare(`INSERT INTO instruments (venue, symbol, kind, tick_size, lot_size, spec) VALUES (?, ?, ?, ?, ?, ?)
          ON CONFLICT (venue, symbol) DO UPDATE SET kind = excluded.kind, tick_size = excluded.tick_size, lot_size = excluded.lot_size, spec = excluded.spec`)
        .run(spec.venue, spec.symbol, spec.kind, spec.tickSize, spec.lotSize, json(spec)),
    );
  }

  instrument(venue: string, symbol: string): InstrumentSpec | undefined {
    const r = this.db.prepare('SELECT spec FROM instruments WHERE venue = ? AND symbol = ?').get(venue, symbol) as { spec: string } | undefined;
    return r && (JSON.parse(r.spec) as InstrumentSpec);
  }

  instruments(venue?: string): InstrumentSpec[] {
    const rows = (venue === undefined ? this.db.prepare('SELECT spec FROM instruments ORDER BY venue, symbol').all() : this.db.prepare('SELECT spec FROM instruments WHERE venue = ? ORDER BY symbol').all(venue)) as { spec: string }[];
    return rows.map((r) => JSON.parse(r.spec) as InstrumentSpec);
  }

  // ── accounts ──
  putAccount(a: AccountRecord): void {
    guarded('store account', () =>
      this.db
        .prepare(`INSERT INTO accounts (id, owner, venue, kind, name, currency, created_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (id) DO UPDATE SET name = excluded.name, currency = excluded.currency, data = excluded.data`)
        .run(a.id, a.owner, a.venue, a.kind, a.name, a.currency, a.createdAt, json(a.data)),
    );
  }

  account(id: string): AccountRecord | undefined {
    const r = this.db.prepare('SELECT * FROM accounts WHERE id = ?').get(id) as Record<string, unknown> | undefined;
    return r && toAccount(r);
  }

  accounts(): AccountRecord[] {
    return (this.db.prepare('SELECT * FROM accounts ORDER BY created_at, id').all() as Record<string, unknown>[]).map(toAccount);
  }

  // ── sessions ──
  putSession(s: SessionRecord): void {
    guarded('store session', () =>
      this.db
        .prepare(`INSERT INTO sessions (id, kind, account_id, owner, strategy_id, strategy_version, status, started_at, ended_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (id) DO UPDATE SET status = excluded.status, ended_at = excluded.ended_at, data = excluded.data`)
        .run(s.id, s.kind, s.accountId, s.owner, s.strategyId, s.strategyVersion, s.status, s.startedAt, s.endedAt, json(s.data)),
    );
  }

  session(id: string): SessionRecord | undefined {
    const r = this.db.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as Record<string, unknown> | undefined;
    return r && toSession(r);
  }

  sessions(limit = 100): SessionRecord[] {
    return (this.db.prepare('SELECT * FROM sessions ORDER BY started_at DESC, id LIMIT ?').all(limit) as Record<string, unknown>[]).map(toSession);
  }

  // ── strategies ──
  createStrategy(s: { id: string; name: string; kind: string; createdAt: number }): void {
    guarded('create strategy', () => this.db.prepare('INSERT INTO strategies (id, name, kind, created_at) VALUES (?, ?, ?, ?)').run(s.id, s.name, s.kind, s.createdAt));
  }

  /** Saves the source as the next version (versions are immutable). Saving unchanged source returns the latest. */
  saveStrategyVersion(strategyId: string, source: string, createdAt: number, note: string | null = null): StrategyVersion {
    return guarded('save strategy version', () =>
      this.db.transaction(() => {
        if (!this.db.prepare('SELECT 1 FROM strategies WHERE id = ?').get(strategyId)) throw new NotFoundError('strategy', strategyId);
        const hash = bytesToHex(sha256(utf8ToBytes(source)));
        const latest = this.db.prepare('SELECT * FROM strategy_versions WHERE strategy_id = ? ORDER BY version DESC LIMIT 1').get(strategyId) as Record<string, unknown> | undefined;
        if (latest && latest.hash === hash) return toVersion(latest);
        const version = latest ? (latest.version as number) + 1 : 1;
        this.db.prepare('INSERT INTO strategy_versions (strategy_id, version, source, hash, note, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(strategyId, version, source, hash, note, createdAt);
        return { strategyId, version, source, hash, note, createdAt };
      }).immediate(),
    );
  }

  strategyVersion(strategyId: string, version?: number): StrategyVersion | undefined {
    const r = (version === undefined
      ? this.db.prepare('SELECT * FROM strategy_versions WHERE strategy_id = ? ORDER BY version DESC LIMIT 1').get(strategyId)
      : this.db.prepare('SELECT * FROM strategy_versions WHERE strategy_id = ? AND version = ?').get(strategyId, version)) as Record<string, unknown> | undefined;
    return r && toVersion(r);
  }

  strategies(): StrategyRecord[] {
    const rows = this.db
      .prepare(`SELECT s.*, COALESCE((SELECT MAX(version) FROM strategy_versions v WHERE v.strategy_id = s.id), 0) AS latest FROM strategies s ORDER BY s.name`)
      .all() as Record<string, unknown>[];
    return rows.map((r) => ({ id: r.id as string, name: r.name as string, kind: r.kind as string, createdAt: r.created_at as number, archived: r.archived === 1, latestVersion: r.latest as number }));
  }

  // ── backtest results ──
  putBacktest(b: BacktestRecord): void {
    guarded('store backtest result', () =>
      this.db
        .prepare('INSERT INTO backtest_results (id, strategy_id, strategy_version, session_id, created_at, params, stats, equity, result_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(b.id, b.strategyId, b.strategyVersion, b.sessionId, b.createdAt, json(b.params), b.statsJson ?? json(b.stats), b.equity ? Buffer.from(b.equity.buffer, b.equity.byteOffset, b.equity.byteLength) : null, b.resultHash),
    );
  }

  backtest(id: string): BacktestRecord | undefined {
    const r = this.db.prepare('SELECT * FROM backtest_results WHERE id = ?').get(id) as Record<string, unknown> | undefined;
    return r && toBacktest(r);
  }

  /** Newest first, without equity curves (list views). */
  backtests(strategyId?: string, limit = 100): Omit<BacktestRecord, 'equity'>[] {
    const sql = `SELECT id, strategy_id, strategy_version, session_id, created_at, params, stats, NULL AS equity, result_hash FROM backtest_results ${strategyId === undefined ? '' : 'WHERE strategy_id = @s'} ORDER BY created_at DESC, id LIMIT @limit`;
    return (this.db.prepare(sql).all(strategyId === undefined ? { limit } : { s: strategyId, limit }) as Record<string, unknown>[]).map(toBacktest);
  }
}

function toAccount(r: Record<string, unknown>): AccountRecord {
  return { id: r.id as string, owner: r.owner as string, venue: r.venue as string, kind: r.kind as AccountKind, name: r.name as string, currency: r.currency as string, createdAt: r.created_at as number, data: JSON.parse(r.data as string) };
}

function toSession(r: Record<string, unknown>): SessionRecord {
  return {
    id: r.id as string,
    kind: r.kind as AccountKind,
    accountId: r.account_id as string | null,
    owner: r.owner as string | null,
    strategyId: r.strategy_id as string | null,
    strategyVersion: r.strategy_version as number | null,
    status: r.status as string,
    startedAt: r.started_at as number,
    endedAt: r.ended_at as number | null,
    data: JSON.parse(r.data as string),
  };
}

function toVersion(r: Record<string, unknown>): StrategyVersion {
  return { strategyId: r.strategy_id as string, version: r.version as number, source: r.source as string, hash: r.hash as string, note: r.note as string | null, createdAt: r.created_at as number };
}

function toBacktest(r: Record<string, unknown>): BacktestRecord {
  const eq = r.equity as Buffer | null;
  let equity: Float64Array | null = null;
  if (eq) {
    equity = new Float64Array(eq.byteLength / 8);
    new Uint8Array(equity.buffer).set(eq);
  }
  return {
    id: r.id as string,
    strategyId: r.strategy_id as string | null,
    strategyVersion: r.strategy_version as number | null,
    sessionId: r.session_id as string | null,
    createdAt: r.created_at as number,
    params: JSON.parse(r.params as string),
    stats: JSON.parse(r.stats as string),
    equity,
    resultHash: r.result_hash as string | null,
  };
}
