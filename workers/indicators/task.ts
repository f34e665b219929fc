/**
 * Indicator tasks run in pool threads: full series for charts (`indicators.compute`) and summarised parameter
 * sweeps (`indicators.sweep`). wasm SIMD kernels are installed for this thread when built (JS otherwise).
 */
import { computeIndicator, OutputArena, withOutputArena } from '../../main/core/indicators/index.ts';
import { useNativeKernels } from '../../native/kernels.ts';
import { loadNodeKernels } from '../../native/node.ts';
import { defineTask } from '../pool.ts';
import { CancelledError } from '../../main/core/errors.ts';
import { summarise } from './summary.ts';
import type { SweepSummary } from './types.ts';

useNativeKernels(loadNodeKernels().kernels);

export const compute = defineTask<'indicators.compute'>((input, ctx) => {
  const results = input.specs.map((spec, i) => {
    if (ctx.cancelled) throw new CancelledError('indicators cancelled');
    const r = computeIndicator(spec, input.candles);
    ctx.progress(i + 1, input.specs.length, r.key);
    return { key: r.key, warmup: r.warmup, outputs: { ...r.outputs } };
  });
  return { results };
});

/** This thread's sweep outputs: every combination reuses the same buffers (see OutputArena). */
const arena = new OutputArena();

/**
 * Sweeps compute each combination with the batch kernels and send back only a summary per output, so
 * results stay small. The series are written into this thread's reused buffers (withOutputArena): fresh
 * 8 MB outputs per combination made two sweep threads barely faster than one (page faults, zeroing and
 * munmap serialise the threads of a process), and a streaming variant allocated nothing but ran ~3x slower.
 */
export const sweep = defineTask<'indicators.sweep'>((input, ctx) => {
  const results: SweepSummary[] = input.specs.map((spec, i) => {
    if (ctx.cancelled) throw new CancelledError('indicator sweep cancelled');
    try {
      const summary = withOutputArena(arena, () => summarise(computeIndicator(spec, input.candles, { checked: input.checked === true })));
      ctx.progress(i + 1, input.specs.length, summary.key);
      return summary;
    } finally {
      arena.release();
    }
  });
  return { results };
});
