/**
 * Main-thread helpers over the pool for indicator work: chart series and parameter sweeps. Candles are
 * copied once into shared memory so every task reads the same bytes.
 */
import { type CandleColumns, checkColumns, type Column, getIndicator, parseIndicatorSpec } from '../../main/core/indicators/index.ts';
import { type Progress, sharedFloat64, type WorkerPool } from '../pool.ts';
import type { ComputeOutput, SweepSummary } from './types.ts';

const COLUMNS = ['ts', 'open', 'high', 'low', 'close', 'volume', 'ref'] as const;

/**
 * Candles whose columns live in SharedArrayBuffers (columns already shared are kept as they are). `only`
 * limits the copy to the columns some task reads (a MACD sweep needs close, not all of OHLCV).
 */
export function shareCandles(c: CandleColumns, only?: ReadonlySet<Column>): CandleColumns {
  const out: Record<string, Float64Array> = {};
  for (const k of COLUMNS) {
    const s = c[k];
    if (!s || (only && !only.has(k))) continue;
    out[k] = s instanceof Float64Array && s.buffer instanceof SharedArrayBuffer ? s : sharedCopy(s);
  }
  return out;
}

/**
 * The last shared copy made of each Float64Array, reused while its bits are unchanged: repeated sweeps over
 * the same candles (re-running with other parameters) then compare 8 MB instead of faulting in a fresh 8 MB
 * shared buffer on the main thread, the part of a sweep that does not run in parallel. Copies are never
 * written after creation, so tasks still reading an old copy are unaffected.
 */
const copies = new WeakMap<Float64Array, Float64Array>();

function sharedCopy(src: ArrayLike<number>): Float64Array {
  if (!(src instanceof Float64Array)) return sharedFloat64(src);
  const prev = copies.get(src);
  if (prev && prev.length === src.length && sameBits(prev, src)) return prev;
  const copy = sharedFloat64(src);
  copies.set(src, copy);
  return copy;
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  const x = new Int32Array(a.buffer, a.byteOffset, a.length * 2);
  const y = new Int32Array(b.buffer, b.byteOffset, b.length * 2);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

export async function computeSeries(pool: WorkerPool, candles: CandleColumns, specs: readonly string[], opts: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {}): Promise<ComputeOutput> {
  return pool.run('indicators.compute', { candles: shareCandles(candles, columnsOf(specs)), specs }, opts);
}

/** Runs every spec as its own task (the pool spreads them over its threads); results in spec order. */
export async function sweepIndicators(pool: WorkerPool, candles: CandleColumns, specs: readonly string[], opts: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {}): Promise<SweepSummary[]> {
  const cols = columnsOf(specs);
  const shared = shareCandles(candles, cols);
  // Checked once here rather than once per combination in the workers (each check is a scan of every column).
  checkColumns(shared, [...cols], 'sweep');
  let done = 0;
  const parts = await Promise.all(
    specs.map(async (spec) => {
      const r = await pool.run('indicators.sweep', { candles: shared, specs: [spec], checked: true }, opts.signal ? { signal: opts.signal } : {});
      opts.onProgress?.({ done: ++done, total: specs.length, note: spec });
      return r.results[0]!;
    }),
  );
  return parts;
}

/** The columns the specs read (parsing them here also reports a bad spec before any task starts). */
export function columnsOf(specs: readonly string[]): Set<Column> {
  const cols = new Set<Column>();
  for (const text of specs) {
    const spec = parseIndicatorSpec(text);
    for (const c of getIndicator(spec.name).inputs(spec.params)) cols.add(c);
  }
  return cols;
}
