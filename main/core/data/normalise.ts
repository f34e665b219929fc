/**
 * Normalisation: any batch of candles → strictly increasing timestamps, one row per timestamp. What was
 * fixed is counted so the quality report can say so; conflicting duplicates (same time, different values)
 * are counted apart because they mean the source disagrees with itself.
 */
import { allocColumns, type OhlcvColumns } from './candles.ts';

export interface NormaliseStats {
  readonly input: number;
  readonly output: number;
  /** Rows whose timestamp was not greater than the one before (before sorting). */
  readonly outOfOrder: number;
  /** Rows dropped because another row had the same timestamp. */
  readonly duplicates: number;
  /** Of those, rows whose values differed from the kept row (the LAST one received wins, like a live feed). */
  readonly conflicting: number;
}

function isStrictlyIncreasing(ts: Float64Array): boolean {
  for (let i = 1; i < ts.length; i++) if (!(ts[i]! > ts[i - 1]!)) return false;
  return true;
}

export function normaliseColumns(c: OhlcvColumns): { columns: OhlcvColumns; stats: NormaliseStats } {
  const n = c.ts.length;
  // Fast path: already clean, no copy at all (backfill pages and the demo generator land here).
  if (isStrictlyIncreasing(c.ts)) return { columns: c, stats: { input: n, output: n, outOfOrder: 0, duplicates: 0, conflicting: 0 } };

  let outOfOrder = 0;
  for (let i = 1; i < n; i++) if (c.ts[i]! < c.ts[i - 1]!) outOfOrder++;
  // Stable order by (ts, arrival): sort indices by ts*2^20+i would overflow; sort an index array instead.
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const ts = c.ts;
  const order = Array.from(idx).sort((a, b) => ts[a]! - ts[b]! || a - b);
  const out = allocColumns(n, c.synthetic !== undefined);
  let m = 0;
  let duplicates = 0;
  let conflicting = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    if (m > 0 && out.ts[m - 1] === ts[i]) {
      duplicates++;
      const j = m - 1;
      if (out.open[j] !== c.open[i] || out.high[j] !== c.high[i] || out.low[j] !== c.low[i] || out.close[j] !== c.close[i] || out.volume[j] !== c.volume[i]) conflicting++;
      m--; // the later arrival overwrites
    }
    out.ts[m] = ts[i]!;
    out.open[m] = c.open[i]!;
    out.high[m] = c.high[i]!;
    out.low[m] = c.low[i]!;
    out.close[m] = c.close[i]!;
    out.volume[m] = c.volume[i]!;
    if (c.synthetic) out.synthetic![m] = c.synthetic[i]!;
    m++;
  }
  const columns: OhlcvColumns = {
    ts: out.ts.subarray(0, m),
    open: out.open.subarray(0, m),
    high: out.high.subarray(0, m),
    low: out.low.subarray(0, m),
    close: out.close.subarray(0, m),
    volume: out.volume.subarray(0, m),
    ...(out.synthetic ? { synthetic: out.synthetic.subarray(0, m) } : {}),
  };
  return { columns, stats: { input: n, output: m, outOfOrder, duplicates, conflicting } };
}
