/**
 * Indicator tasks run in pool threads: full series for charts (`indicators.compute`) and summarised parameter
 * sweeps (`indicators.sweep`). wasm SIMD kernels are installed for this thread when built (JS otherwise).
 */
import { computeIndicator } from '../../main/core/indicators/index.ts';
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
 * Sweeps compute each combination with the batch kernels and send back only a summary per output, so
 * results stay small; the arrays die in the worker. (A streaming variant allocated nothing but ran ~3x slower
 * per bar on the CI box, and glibc reuses the freed 8 MB blocks, so batch allocations stay cheap.)
 */
export const sweep = defineTask<'indicators.sweep'>((input, ctx) => {
  const results: SweepSummary[] = input.specs.map((spec, i) => {
    const r = computeIndicator(spec, input.candles);
    const outputs: SweepSummary['outputs'] = {};
    for (const [name, s] of Object.entries(r.outputs)) {
      let sum = 0;
      let count = 0;
      for (let j = 0; j < s.length; j++) {
        const v = s[j]!;
        if (v === v) {
          sum += v;
          count++;
        }
      }
      outputs[name] = { last: s.length ? s[s.length - 1]! : NaN, sum, count };
    }
    ctx.progress(i + 1, input.specs.length, r.key);
    return { key: r.key, outputs };
  });
  return { results };
});
