/**
 * Main-thread helpers over the pool for indicator work: chart series and parameter sweeps. Candles are
 * copied once into shared memory so every task reads the same bytes.
 */
import type { CandleColumns } from '../../main/core/indicators/index.ts';
import { type Progress, sharedFloat64, type WorkerPool } from '../pool.ts';
import type { ComputeOutput, SweepSummary } from './types.ts';

const COLUMNS = ['ts', 'open', 'high', 'low', 'close', 'volume', 'ref'] as const;

/** Candles whose columns live in SharedArrayBuffers (columns already shared are kept as they are). */
export function shareCandles(c: CandleColumns): CandleColumns {
  const out: Record<string, Float64Array> = {};
  for (const k of COLUMNS) {
    const s = c[k];
    if (!s) continue;
    out[k] = s instanceof Float64Array && s.buffer instanceof SharedArrayBuffer ? s : sharedFloat64(s);
  }
  return out;
}

export function computeSeries(pool: WorkerPool, candles: CandleColumns, specs: readonly string[], opts: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {}): Promise<ComputeOutput> {
  return pool.run('indicators.compute', { candles: shareCandles(candles), specs }, opts);
}

/** Runs every spec as its own task (the pool spreads them over its threads); results in spec order. */
export async function sweepIndicators(pool: WorkerPool, candles: CandleColumns, specs: readonly string[], opts: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {}): Promise<SweepSummary[]> {
  const shared = shareCandles(candles);
  let done = 0;
  const parts = await Promise.all(
    specs.map(async (spec) => {
      const r = await pool.run('indicators.sweep', { candles: shared, specs: [spec] }, opts.signal ? { signal: opts.signal } : {});
      opts.onProgress?.({ done: ++done, total: specs.length, note: spec });
      return r.results[0]!;
    }),
  );
  return parts;
}
