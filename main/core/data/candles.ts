/**
 * Candles as columns: one Float64Array per field. Every data path (import, backfill, demo, query, replay)
 * speaks this shape, because columnar data without an object per candle is the biggest speed lever we have.
 */
import { ValidationError } from '../errors.ts';
import type { OhlcvArrays } from '../model/market.ts';

/** The model's six columns; every row valid (length = ts.length). */
export interface OhlcvColumns extends OhlcvArrays {
  /** 1 where the row was synthesised (gap forward-fill); absent when no row is synthetic. */
  readonly synthetic?: Uint8Array;
}

export const FIELDS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;
export type Field = (typeof FIELDS)[number];

export function allocColumns(n: number, withSynthetic = false): OhlcvColumns {
  const base = {
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  return withSynthetic ? { ...base, synthetic: new Uint8Array(n) } : base;
}

export function columnsLength(c: OhlcvColumns): number {
  return c.ts.length;
}

/** A view of rows [from, to) without copying. */
export function sliceColumns(c: OhlcvColumns, from: number, to: number): OhlcvColumns {
  const out = {
    ts: c.ts.subarray(from, to),
    open: c.open.subarray(from, to),
    high: c.high.subarray(from, to),
    low: c.low.subarray(from, to),
    close: c.close.subarray(from, to),
    volume: c.volume.subarray(from, to),
  };
  return c.synthetic ? { ...out, synthetic: c.synthetic.subarray(from, to) } : out;
}

export function concatColumns(parts: readonly OhlcvColumns[]): OhlcvColumns {
  const n = parts.reduce((s, p) => s + p.ts.length, 0);
  const syn = parts.some((p) => p.synthetic);
  const out = allocColumns(n, syn);
  let at = 0;
  for (const p of parts) {
    for (const f of FIELDS) out[f].set(p[f], at);
    if (syn && p.synthetic) out.synthetic!.set(p.synthetic, at);
    at += p.ts.length;
  }
  return out;
}

/** Rows as tuples [ts, o, h, l, c, v] (ccxt's OHLCV shape) → columns. */
export function columnsFromRows(rows: readonly (readonly number[])[]): OhlcvColumns {
  const out = allocColumns(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    out.ts[i] = r[0]!;
    out.open[i] = r[1]!;
    out.high[i] = r[2]!;
    out.low[i] = r[3]!;
    out.close[i] = r[4]!;
    out.volume[i] = r[5]!;
  }
  return out;
}

export function rowsFromColumns(c: OhlcvColumns): number[][] {
  const rows: number[][] = new Array(c.ts.length);
  for (let i = 0; i < c.ts.length; i++) rows[i] = [c.ts[i]!, c.open[i]!, c.high[i]!, c.low[i]!, c.close[i]!, c.volume[i]!];
  return rows;
}

// ── timeframes ──────────────────────────────────────────────────────────────────────────────────────────

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, D: 86_400_000, w: 604_800_000 };

export const TIMEFRAMES = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '1D'] as const;

/** '1m' → 60000. Accepts `<n><m|h|d|D|w>`; anything else is a ValidationError. */
export function timeframeMs(tf: string): number {
  const m = /^(\d{1,4})([mhdDw])$/.exec(tf);
  if (!m) throw new ValidationError(`Unknown timeframe "${tf}"`, [{ path: 'timeframe', message: 'expected e.g. 1m, 5m, 1h, 4h, 1d' }]);
  const n = Number(m[1]);
  if (n < 1) throw new ValidationError(`Timeframe must be positive: "${tf}"`, [{ path: 'timeframe', message: 'must be ≥ 1' }]);
  return n * UNIT_MS[m[2]!]!;
}

/** Canonical spelling used in dataset keys: days as lower-case `d` (ccxt spelling). */
export function canonicalTimeframe(tf: string): string {
  timeframeMs(tf);
  return tf.endsWith('D') ? `${tf.slice(0, -1)}d` : tf;
}

/** The engine's CandleColumns (model/market.ts) carry `length` and may have spare capacity: view the valid part. */
export function fromModelColumns(c: { ts: Float64Array; open: Float64Array; high: Float64Array; low: Float64Array; close: Float64Array; volume: Float64Array; length: number }): OhlcvColumns {
  return sliceColumns(c, 0, c.length);
}

/** View as the engine's CandleColumns (no copy). */
export function toModelColumns(c: OhlcvColumns, intervalMs: number): OhlcvColumns & { readonly length: number; readonly intervalMs: number } {
  return { ts: c.ts, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume, length: c.ts.length, intervalMs, ...(c.synthetic ? { synthetic: c.synthetic } : {}) };
}

/** Index of the first element ≥ t in an ascending Float64Array. */
export function lowerBound(ts: Float64Array, t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
