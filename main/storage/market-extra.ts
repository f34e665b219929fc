/**
 * Public trades (deduplicated by venue trade id) and backfill progress (so an interrupted download
 * resumes at its cursor instead of starting over).
 */
import { ValidationError } from '../core/errors.ts';
import type { CandleKey } from './candles.ts';
import { guarded, type SqliteDb } from './sqlite.ts';

export interface StoredTrade {
  readonly tradeId: string;
  readonly ts: number;
  /** Exact decimal strings as the venue sent them. */
  readonly price: string;
  readonly amount: string;
  readonly side: 'buy' | 'sell' | null;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

export class TradeStore {
  private readonly db: SqliteDb;
  constructor(db: SqliteDb) {
    this.db = db;
  }

  /** Inserts trades, ignoring ones already stored; returns how many were new. */
  insert(source: string, symbol: string, trades: readonly StoredTrade[]): number {
    trades.forEach((t, i) => {
      if (!t.tradeId || !Number.isSafeInteger(t.ts)) throw new ValidationError(`Trade ${i} needs a tradeId and an integer ts`, [{ path: `${i}`, message: 'invalid' }]);
      if (typeof t.price !== 'string' || !DECIMAL.test(t.price) || typeof t.amount !== 'string' || !DECIMAL.test(t.amount)) {
        throw new ValidationError(`Trade ${i}: price and amount must be decimal strings (money is never stored as a float)`, [{ path: `${i}.price`, message: 'not a decimal string' }]);
      }
    });
    const st = this.db.prepare('INSERT INTO trades (source, symbol, trade_id, ts, price, amount, side) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING');
    return guarded('insert trades', () =>
      this.db.transaction(() => trades.reduce((n, t) => n + st.run(source, symbol, t.tradeId, t.ts, t.price, t.amount, t.side).changes, 0)).immediate(),
    );
  }

  /** Trades with from <= ts < to, oldest first. */
  range(source: string, symbol: string, from: number, to: number, limit = 100_000): StoredTrade[] {
    const rows = this.db
      .prepare('SELECT trade_id, ts, price, amount, side FROM trades WHERE source = ? AND symbol = ? AND ts >= ? AND ts < ? ORDER BY ts, trade_id LIMIT ?')
      .all(source, symbol, from, to, limit) as { trade_id: string; ts: number; price: string; amount: string; side: 'buy' | 'sell' | null }[];
    return rows.map((r) => ({ tradeId: r.trade_id, ts: r.ts, price: r.price, amount: r.amount, side: r.side }));
  }
}

export type BackfillStatus = 'running' | 'paused' | 'done' | 'failed';

export interface BackfillState extends CandleKey {
  readonly fromTs: number;
  readonly toTs: number;
  /** Everything before this timestamp is stored; resume here. */
  readonly cursorTs: number;
  readonly status: BackfillStatus;
  readonly message: string | null;
  readonly updatedAt: number;
}

export class BackfillProgress {
  private readonly db: SqliteDb;
  constructor(db: SqliteDb) {
    this.db = db;
  }

  /** Save after each page of candles is stored (ideally in the same call sequence, right after upsert). */
  save(s: BackfillState): void {
    guarded('save backfill progress', () =>
      this.db
        .prepare(`INSERT INTO backfill_progress (source, symbol, timeframe, from_ts, to_ts, cursor_ts, status, message, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (source, symbol, timeframe) DO UPDATE SET from_ts = excluded.from_ts, to_ts = excluded.to_ts, cursor_ts = excluded.cursor_ts,
          status = excluded.status, message = excluded.message, updated_at = excluded.updated_at`)
        .run(s.source, s.symbol, s.timeframe, s.fromTs, s.toTs, s.cursorTs, s.status, s.message, s.updatedAt),
    );
  }

  get(key: CandleKey): BackfillState | undefined {
    const r = this.db.prepare('SELECT * FROM backfill_progress WHERE source = ? AND symbol = ? AND timeframe = ?').get(key.source, key.symbol, key.timeframe) as Record<string, unknown> | undefined;
    return r && toState(r);
  }

  list(): BackfillState[] {
    return (this.db.prepare('SELECT * FROM backfill_progress ORDER BY updated_at DESC').all() as Record<string, unknown>[]).map(toState);
  }
}

function toState(r: Record<string, unknown>): BackfillState {
  return {
    source: r.source as string,
    symbol: r.symbol as string,
    timeframe: r.timeframe as string,
    fromTs: r.from_ts as number,
    toTs: r.to_ts as number,
    cursorTs: r.cursor_ts as number,
    status: r.status as BackfillStatus,
    message: r.message as string | null,
    updatedAt: r.updated_at as number,
  };
}
