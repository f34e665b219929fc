/**
 * Missing candles. A gap is a run of grid timestamps with no row between two rows. Filling is a policy
 * choice: `none` leaves the hole (the honest default), `forward-fill` inserts flat candles at the previous
 * close with zero volume, each marked synthetic so no report or chart can mistake them for trades.
 */
import type { TradingCalendar } from './calendar.ts';
import { allocColumns, type OhlcvColumns } from './candles.ts';

export type FillPolicy = 'none' | 'forward-fill';

export interface Gap {
  /** First missing timestamp. */
  readonly from: number;
  /** Last missing timestamp (inclusive). */
  readonly to: number;
  readonly missing: number;
}

/**
 * Gaps in a strictly increasing, grid-aligned series. With a trading calendar, only bars the market was
 * expected to trade count as missing: a weekend or a holiday between two rows is no gap.
 */
export function findGaps(ts: Float64Array, tfMs: number, limit = 1000, calendar?: TradingCalendar): { gaps: Gap[]; missing: number; count: number } {
  const gaps: Gap[] = [];
  let missing = 0;
  let count = 0;
  for (let i = 1; i < ts.length; i++) {
    const step = ts[i]! - ts[i - 1]!;
    if (step > tfMs) {
      const m = calendar ? calendar.expectedBetween(ts[i - 1]!, ts[i]!, tfMs) : Math.round(step / tfMs) - 1;
      if (m === 0) continue;
      missing += m;
      count++;
      if (gaps.length < limit) gaps.push({ from: ts[i - 1]! + tfMs, to: ts[i]! - tfMs, missing: m });
    }
  }
  return { gaps, missing, count };
}

export function fillGaps(c: OhlcvColumns, tfMs: number, policy: FillPolicy): OhlcvColumns {
  if (policy === 'none') return c;
  const { missing } = findGaps(c.ts, tfMs, 0);
  if (missing === 0) return c;
  const n = c.ts.length;
  const out = allocColumns(n + missing, true);
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0) {
      const prevClose = c.close[i - 1]!;
      for (let t = c.ts[i - 1]! + tfMs; t < c.ts[i]!; t += tfMs) {
        out.ts[m] = t;
        out.open[m] = prevClose;
        out.high[m] = prevClose;
        out.low[m] = prevClose;
        out.close[m] = prevClose;
        out.volume[m] = 0;
        out.synthetic![m] = 1;
        m++;
      }
    }
    out.ts[m] = c.ts[i]!;
    out.open[m] = c.open[i]!;
    out.high[m] = c.high[i]!;
    out.low[m] = c.low[i]!;
    out.close[m] = c.close[i]!;
    out.volume[m] = c.volume[i]!;
    out.synthetic![m] = c.synthetic ? c.synthetic[i]! : 0;
    m++;
  }
  return out;
}
