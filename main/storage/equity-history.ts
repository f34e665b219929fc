/**
 * A book's equity history and the strategy attribution of orders (ledger schema v6).
 *
 * Samples are exact Money (decimal TEXT), keyed by (book, ts): a second sample at the same instant replaces
 * the first. Growth is bounded by `thin`: samples older than a day keep the last of each minute, older than
 * 30 days the last of each hour (main/host/trading/equity-sampler.ts takes at most one mark sample a minute
 * and one fill sample a second, so a year of a busy book stays in the tens of thousands of rows).
 */
import { ValidationError } from '../core/errors.ts';
import { money, moneyToString, type Money, type OrderSource } from '../core/model/index.ts';
import { toFill, type FillRow, type StoredFill } from './ledger.ts';
import { guarded, type SqliteDb, type SqliteStatement } from './sqlite.ts';

export type SampleReason = 'start' | 'fill' | 'mark' | 'stop';
const REASONS: readonly SampleReason[] = ['start', 'fill', 'mark', 'stop'];

export interface EquitySample {
  readonly ts: number;
  readonly reason: SampleReason;
  readonly currency: string;
  /** cash + spot holdings / perpetual unrealized at marks (funding and fees are already in cash). */
  readonly equity: Money;
  readonly cash: Money;
  readonly realized: Money;
  readonly unrealized: Money;
  readonly fees: Money;
  /** Funding paid (+) or received (−). */
  readonly funding: Money;
}

export interface ThinPolicy {
  /** Older than this (ms before `now`): one sample per minute. */
  readonly minuteAfterMs: number;
  /** Older than this: one sample per hour. */
  readonly hourAfterMs: number;
}

const DAY = 86_400_000;
export const THIN_POLICY: ThinPolicy = { minuteAfterMs: DAY, hourAfterMs: 30 * DAY };

/** A fill of a book with what placed its order: a strategy (id, name) or the order's source. */
export interface AttributedFill extends StoredFill {
  readonly strategyId: string | null;
  readonly strategyName: string | null;
  /** Null when the order row is not in the ledger (a foreign fill adopted by reconciliation). */
  readonly source: OrderSource | null;
}

interface SampleRow {
  ts: number;
  reason: SampleReason;
  currency: string;
  equity: string;
  cash: string;
  realized: string;
  unrealized: string;
  fees: string;
  funding: string;
}

interface AttributedRow extends FillRow {
  strategy_id: string | null;
  strategy_name: string | null;
  source: OrderSource | null;
}

const MONEY_FIELDS = ['equity', 'cash', 'realized', 'unrealized', 'fees', 'funding'] as const;

export class EquityHistory {
  private readonly db: SqliteDb;
  private readonly st: Record<string, SqliteStatement<unknown[], unknown>>;

  constructor(db: SqliteDb) {
    this.db = db;
    const p = (sql: string) => db.prepare(sql) as SqliteStatement<unknown[], unknown>;
    this.st = {
      put: p(`INSERT INTO equity_samples (book_id, ts, reason, currency, equity, cash, realized, unrealized, fees, funding) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (book_id, ts) DO UPDATE SET reason = excluded.reason, currency = excluded.currency, equity = excluded.equity, cash = excluded.cash,
        realized = excluded.realized, unrealized = excluded.unrealized, fees = excluded.fees, funding = excluded.funding`),
      last: p('SELECT * FROM equity_samples WHERE book_id = ? ORDER BY ts DESC LIMIT 1'),
      // The newest `limit` samples of the range, returned oldest first.
      range: p('SELECT * FROM (SELECT * FROM equity_samples WHERE book_id = ? AND ts >= ? AND ts < ? ORDER BY ts DESC LIMIT ?) ORDER BY ts'),
      count: p('SELECT count(*) AS n FROM equity_samples WHERE book_id = ? AND ts >= ? AND ts < ?'),
      thin: p(`DELETE FROM equity_samples WHERE book_id = @book AND ts < @before
        AND ts NOT IN (SELECT max(ts) FROM equity_samples WHERE book_id = @book AND ts < @before GROUP BY ts / CAST(@bucket AS INTEGER))`),
      attribute: p('INSERT INTO order_strategies (session_id, client_order_id, strategy_id, strategy_name, run_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      fills: p(`SELECT f.*,
          s.strategy_id, s.strategy_name, json_extract(o.data, '$.source') AS source
        FROM fills f
        LEFT JOIN order_strategies s ON s.session_id = f.session_id AND s.client_order_id = f.client_order_id
        LEFT JOIN orders o ON o.session_id = f.session_id AND o.client_order_id = f.client_order_id
        WHERE f.account_id = ? AND f.seq > ? ORDER BY f.seq`),
    };
  }

  /** Stores a sample (replacing one at the same ts). */
  record(bookId: string, s: EquitySample): void {
    checkSample(bookId, s);
    guarded('record equity sample', () => this.st.put!.run(bookId, s.ts, s.reason, s.currency, ...MONEY_FIELDS.map((k) => moneyToString(s[k]))), { bookId });
  }

  last(bookId: string): EquitySample | undefined {
    const r = this.st.last!.get(bookId) as SampleRow | undefined;
    return r && toSample(r);
  }

  /** Samples in [from, to), oldest first: the newest `limit` of them, and whether older ones were left out. */
  range(bookId: string, opts: { from?: number | undefined; to?: number | undefined; limit?: number | undefined } = {}): { samples: EquitySample[]; truncated: boolean } {
    const from = opts.from ?? 0;
    const to = opts.to ?? Number.MAX_SAFE_INTEGER;
    const limit = opts.limit ?? 10_000;
    const rows = this.st.range!.all(bookId, from, to, limit) as SampleRow[];
    const truncated = rows.length === limit && (this.st.count!.get(bookId, from, to) as { n: number }).n > limit;
    return { samples: rows.map(toSample), truncated };
  }

  /** Thins a book's old samples (THIN_POLICY); returns how many were removed. */
  thin(bookId: string, now: number, policy: ThinPolicy = THIN_POLICY): number {
    return guarded('thin equity history', () =>
      this.db.transaction(() => {
        const a = this.st.thin!.run({ book: bookId, before: now - policy.hourAfterMs, bucket: 3_600_000 }).changes;
        const b = this.st.thin!.run({ book: bookId, before: now - policy.minuteAfterMs, bucket: 60_000 }).changes;
        return a + b;
      }).immediate(),
    );
  }

  /** Records which strategy run created an order (joins the surrounding ledger batch when one is open). */
  attribute(sessionId: string, clientOrderId: string, strategy: { id: string; name: string; runId: string }): void {
    guarded('record order attribution', () => this.st.attribute!.run(sessionId, clientOrderId, strategy.id, strategy.name, strategy.runId), { clientOrderId });
  }

  /** A book's fills after `afterSeq` in arrival order, each with the strategy or source of its order. */
  attributedFills(bookId: string, afterSeq = 0): AttributedFill[] {
    return (this.st.fills!.all(bookId, afterSeq) as AttributedRow[]).map((r) => ({
      ...toFill(r),
      strategyId: r.strategy_id, strategyName: r.strategy_name, source: r.source,
    }));
  }
}

function checkSample(bookId: string, s: EquitySample): void {
  if (typeof bookId !== 'string' || bookId.length === 0) throw new ValidationError('An equity sample needs a book id', [{ path: 'bookId', message: 'required' }]);
  if (!Number.isSafeInteger(s.ts)) throw new ValidationError(`Equity sample ts must be an integer (ms), got ${String(s.ts)}`, [{ path: 'ts', message: 'not an integer' }]);
  if (!REASONS.includes(s.reason)) throw new ValidationError(`Unknown equity sample reason ${String(s.reason)}`, [{ path: 'reason', message: `one of ${REASONS.join(', ')}` }]);
  if (typeof s.currency !== 'string' || s.currency.length === 0) throw new ValidationError('An equity sample needs a currency', [{ path: 'currency', message: 'required' }]);
  for (const k of MONEY_FIELDS) if (typeof s[k] !== 'bigint') throw new ValidationError(`Equity sample ${k} must be Money (bigint atto-units)`, [{ path: k, message: 'not Money' }]);
}

function toSample(r: SampleRow): EquitySample {
  return {
    ts: r.ts, reason: r.reason, currency: r.currency, equity: money(r.equity), cash: money(r.cash), realized: money(r.realized),
    unrealized: money(r.unrealized), fees: money(r.fees), funding: money(r.funding),
  };
}
