/**
 * Timeframe aggregation (1m → 5m, 1h, 1d ...): buckets aligned to the UTC epoch, open = first, high = max,
 * low = min, close = last, volume = sum. A bucket is synthetic only when every source row was synthetic.
 * Input must be normalised (strictly increasing).
 */
import { allocColumns, type OhlcvColumns } from './candles.ts';

export function aggregateColumns(c: OhlcvColumns, targetMs: number): OhlcvColumns {
  const n = c.ts.length;
  if (n === 0) return allocColumns(0);
  // Count buckets first so the output is allocated once.
  let buckets = 0;
  let cur = Number.NaN;
  for (let i = 0; i < n; i++) {
    const b = c.ts[i]! - (c.ts[i]! % targetMs);
    if (b !== cur) {
      buckets++;
      cur = b;
    }
  }
  const syn = c.synthetic;
  const out = allocColumns(buckets, syn !== undefined);
  let k = -1;
  cur = Number.NaN;
  for (let i = 0; i < n; i++) {
    const t = c.ts[i]!;
    const b = t - (t % targetMs);
    if (b !== cur) {
      k++;
      cur = b;
      out.ts[k] = b;
      out.open[k] = c.open[i]!;
      out.high[k] = c.high[i]!;
      out.low[k] = c.low[i]!;
      out.volume[k] = 0;
      if (syn) out.synthetic![k] = 1;
    } else {
      if (c.high[i]! > out.high[k]!) out.high[k] = c.high[i]!;
      if (c.low[i]! < out.low[k]!) out.low[k] = c.low[i]!;
    }
    out.close[k] = c.close[i]!;
    out.volume[k] = out.volume[k]! + c.volume[i]!;
    if (syn && syn[i] === 0) out.synthetic![k] = 0;
  }
  return out;
}
