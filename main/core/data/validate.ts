/**
 * Row-level sanity. A bad row never enters the store silently: callers get every rejected row with its
 * reason and decide (the import and backfill paths refuse the whole batch so nothing is stored partially).
 */
import { DataQualityError } from '../errors.ts';
import type { OhlcvColumns } from './candles.ts';

export type RejectReason =
  | 'non_finite'
  | 'bad_timestamp'
  | 'off_grid_timestamp'
  | 'non_positive_price'
  | 'low_above_open_or_close'
  | 'high_below_open_or_close'
  | 'negative_volume';

export interface RejectedRow {
  readonly row: number;
  readonly ts: number;
  readonly reason: RejectReason;
  readonly message: string;
}

const MESSAGES: Record<RejectReason, string> = {
  non_finite: 'a field is NaN or infinite',
  bad_timestamp: 'timestamp is not a non-negative integer number of milliseconds',
  off_grid_timestamp: 'timestamp is not aligned to the timeframe',
  non_positive_price: 'a price is zero or negative',
  low_above_open_or_close: 'low is above open or close',
  high_below_open_or_close: 'high is below open or close',
  negative_volume: 'volume is negative',
};

/** Upper bound for a plausible timestamp (year ~2286): catches seconds/µs mix-ups that survived parsing. */
const MAX_TS = 1e13;

/** Returns the first reason a row is bad, or undefined. Pure numbers in, so it stays monomorphic and fast. */
export function rowReason(ts: number, o: number, h: number, l: number, c: number, v: number, tfMs: number): RejectReason | undefined {
  // `x - x === 0` is false exactly for NaN and ±Infinity.
  if (ts - ts !== 0 || o - o !== 0 || h - h !== 0 || l - l !== 0 || c - c !== 0 || v - v !== 0) return 'non_finite';
  if (ts < 0 || ts > MAX_TS || Math.floor(ts) !== ts) return 'bad_timestamp';
  // ts / tfMs is exact below MAX_TS (its fraction, at least 1/tfMs, is far above an ulp of the quotient), and a
  // division is several times cheaper than the fmod behind %.
  if (tfMs > 0 && Math.floor(ts / tfMs) !== ts / tfMs) return 'off_grid_timestamp';
  if (o <= 0 || h <= 0 || l <= 0 || c <= 0) return 'non_positive_price';
  if (l > o || l > c || l > h) return 'low_above_open_or_close';
  if (h < o || h < c) return 'high_below_open_or_close';
  if (v < 0) return 'negative_volume';
  return undefined;
}

/** Checks every row; `limit` caps the list of rejects kept (the count is always exact). */
export function validateColumns(c: OhlcvColumns, tfMs: number, limit = 100): { rejected: number; rows: RejectedRow[] } {
  const { ts, open, high, low, close, volume } = c;
  const n = ts.length;
  const rows: RejectedRow[] = [];
  let rejected = 0;
  for (let i = 0; i < n; i++) {
    const r = rowReason(ts[i]!, open[i]!, high[i]!, low[i]!, close[i]!, volume[i]!, tfMs);
    if (r !== undefined) {
      rejected++;
      if (rows.length < limit) rows.push({ row: i, ts: ts[i]!, reason: r, message: MESSAGES[r] });
    }
  }
  return { rejected, rows };
}

/** Throws a DataQualityError naming the rejected rows and their reasons when any row is bad. */
export function assertValidColumns(c: OhlcvColumns, tfMs: number, what = 'candles'): void {
  const { rejected, rows } = validateColumns(c, tfMs, 20);
  if (rejected === 0) return;
  const first = rows[0]!;
  throw new DataQualityError(`${rejected} of ${c.ts.length} ${what} rejected; first at row ${first.row} (ts ${first.ts}): ${first.message}`, {
    rejected,
    rows: rows.map((r) => ({ row: r.row, ts: r.ts, reason: r.reason, message: r.message })),
  });
}

export function reasonMessage(r: RejectReason): string {
  return MESSAGES[r];
}
