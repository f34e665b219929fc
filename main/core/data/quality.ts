/**
 * The quality report of a dataset and the ingest gate every write path goes through. The gate is strict
 * (any invalid row refuses the whole batch, with reasons) because a half-written batch is worse than none.
 */
import type { OhlcvColumns } from './candles.ts';
import type { TradingCalendar } from './calendar.ts';
import { findGaps, type Gap } from './gaps.ts';
import { contentHash, type HasherFactory } from './hash.ts';
import { normaliseColumns, type NormaliseStats } from './normalise.ts';
import { findOutliers, type Outlier, type OutlierOptions } from './outliers.ts';
import { assertValidColumns, validateColumns, type RejectedRow } from './validate.ts';

export interface QualityOptions extends OutlierOptions {
  readonly tfMs: number;
  readonly hasher?: HasherFactory;
  /** Max items kept in each list (counts stay exact). */
  readonly listLimit?: number;
  /** When the market trades: closed days and hours are not gaps (default: around the clock). */
  readonly calendar?: TradingCalendar;
}

export interface QualityReport {
  readonly count: number;
  readonly first: number | null;
  readonly last: number | null;
  readonly expected: number;
  readonly coverage: number;
  readonly rejected: { readonly count: number; readonly rows: readonly RejectedRow[] };
  readonly duplicates: number;
  readonly conflictingDuplicates: number;
  readonly outOfOrder: number;
  readonly gaps: { readonly count: number; readonly missing: number; readonly list: readonly Gap[] };
  readonly outliers: { readonly count: number; readonly threshold: number; readonly median: number; readonly mad: number; readonly list: readonly Outlier[] };
  readonly syntheticRows: number;
  /** SHA-256 of the normalised series (see hash.ts). */
  readonly contentHash: string;
  readonly ok: boolean;
}

export function qualityReport(c: OhlcvColumns, opts: QualityOptions): QualityReport {
  const limit = opts.listLimit ?? 100;
  const rejected = validateColumns(c, opts.tfMs, limit);
  const { columns, stats } = normaliseColumns(c);
  const n = columns.ts.length;
  const gaps = findGaps(columns.ts, opts.tfMs, limit, opts.calendar);
  const threshold = opts.threshold ?? 10;
  const out = findOutliers(columns.ts, columns.close, { threshold }, limit, columns);
  let synthetic = 0;
  if (columns.synthetic) for (let i = 0; i < n; i++) synthetic += columns.synthetic[i]!;
  const first = n ? columns.ts[0]! : null;
  const last = n ? columns.ts[n - 1]! : null;
  // Rows present plus expected rows missing (a calendar's closed bars are not expected).
  const expected = n ? n + gaps.missing : 0;
  return {
    count: n,
    first,
    last,
    expected,
    coverage: expected ? n / expected : 1,
    rejected: { count: rejected.rejected, rows: rejected.rows },
    duplicates: stats.duplicates,
    conflictingDuplicates: stats.conflicting,
    outOfOrder: stats.outOfOrder,
    gaps: { count: gaps.count, missing: gaps.missing, list: gaps.gaps },
    outliers: { count: out.count, threshold, median: out.median, mad: out.mad, list: out.outliers },
    syntheticRows: synthetic,
    contentHash: contentHash(columns, opts.hasher),
    ok: rejected.rejected === 0 && stats.duplicates === 0 && stats.outOfOrder === 0 && gaps.missing === 0 && out.count === 0,
  };
}

/**
 * The ingest gate: validates every row (throws DataQualityError with reasons on any bad row), then sorts and
 * de-duplicates. What comes out is safe to upsert.
 */
export function prepareForStore(c: OhlcvColumns, tfMs: number, what = 'candles'): { columns: OhlcvColumns; stats: NormaliseStats } {
  assertValidColumns(c, tfMs, what);
  return normaliseColumns(c);
}
