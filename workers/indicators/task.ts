/**
 * Indicator tasks run in pool threads: full series for charts (`indicators.compute`) and summarised parameter
 * sweeps (`indicators.sweep`). wasm SIMD kernels are installed for this thread when built (JS otherwise).
 */
import { type Bar, checkColumns, computeIndicator, createIndicatorStream, getIndicator, parseIndicatorSpec } from '../../main/core/indicators/index.ts';
import { useNativeKernels } from '../../native/kernels.ts';
import { loadNodeKernels } from '../../native/node.ts';
import { defineTask } from '../pool.ts';
import type { SweepSummary } from './types.ts';

useNativeKernels(loadNodeKernels().kernels);

export const compute = defineTask<'indicators.compute'>((input, ctx) => {
  const results = input.specs.map((spec, i) => {
    const r = computeIndicator(spec, input.candles);
    ctx.progress(i + 1, input.specs.length, r.key);
    return { key: r.key, warmup: r.warmup, outputs: { ...r.outputs } };
  });
  return { results };
});

/**
 * Sweeps summarise each series, so they run the streaming form over one reused bar object: no output arrays
 * are allocated at all, which keeps threads from contending on page faults and lets a sweep scale with cores.
 * Streaming is bit-identical to batch (tested), so summaries equal those of computeIndicator's arrays.
 */
export const sweep = defineTask<'indicators.sweep'>((input, ctx) => {
  const c = input.candles;
  const results: SweepSummary[] = input.specs.map((text, i) => {
    const spec = parseIndicatorSpec(text);
    const cols = getIndicator(spec.name).inputs(spec.params);
    const n = checkColumns(c, cols, spec.key);
    const stream = createIndicatorStream(spec);
    const k = stream.outputs.length;
    const sum = new Float64Array(k);
    const count = new Float64Array(k);
    const bar: Bar = {};
    const ts = cols.includes('ts') ? c.ts! : null;
    const open = cols.includes('open') ? c.open! : null;
    const high = cols.includes('high') ? c.high! : null;
    const low = cols.includes('low') ? c.low! : null;
    const close = cols.includes('close') ? c.close! : null;
    const volume = cols.includes('volume') ? c.volume! : null;
    const ref = cols.includes('ref') ? c.ref! : null;
    let v: Float64Array = new Float64Array(k).fill(NaN);
    for (let j = 0; j < n; j++) {
      if (ts) bar.ts = ts[j]!;
      if (open) bar.open = open[j]!;
      if (high) bar.high = high[j]!;
      if (low) bar.low = low[j]!;
      if (close) bar.close = close[j]!;
      if (volume) bar.volume = volume[j]!;
      if (ref) bar.ref = ref[j]!;
      v = stream.update(bar);
      for (let o = 0; o < k; o++) {
        const x = v[o]!;
        if (x === x) {
          sum[o] += x;
          count[o]++;
        }
      }
    }
    const outputs: SweepSummary['outputs'] = {};
    stream.outputs.forEach((name, o) => (outputs[name] = { last: n ? v[o]! : NaN, sum: sum[o]!, count: count[o]! }));
    ctx.progress(i + 1, input.specs.length, spec.key);
    return { key: spec.key, outputs };
  });
  return { results };
});
