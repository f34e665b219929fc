/** The per-output summary a sweep sends back instead of whole series (definition in types.ts). */
import type { IndicatorResult } from '../../main/core/indicators/index.ts';
import type { SweepSummary } from './types.ts';

export function summarise(r: IndicatorResult): SweepSummary {
  const outputs: SweepSummary['outputs'] = {};
  for (const [name, s] of Object.entries(r.outputs)) {
    const { sum, count } = laneSum(s);
    outputs[name] = { last: s.length ? s[s.length - 1]! : NaN, sum, count };
  }
  return { key: r.key, outputs };
}

/** Sum and count of the non-NaN values in four interleaved lanes (the definition in types.ts). */
export function laneSum(s: Float64Array): { sum: number; count: number } {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let nan = 0;
  const n = s.length;
  const body = n - (n % 4);
  let j = 0;
  for (; j < body; j += 4) {
    const a = s[j]!;
    const b = s[j + 1]!;
    const c = s[j + 2]!;
    const d = s[j + 3]!;
    // NaNs are rare (the warm-up prefix): test the four at once, sort them out only when one is there.
    if (a + b + c + d === a + b + c + d) {
      s0 += a;
      s1 += b;
      s2 += c;
      s3 += d;
    } else {
      if (a === a) s0 += a;
      else nan++;
      if (b === b) s1 += b;
      else nan++;
      if (c === c) s2 += c;
      else nan++;
      if (d === d) s3 += d;
      else nan++;
    }
  }
  for (; j < n; j++) {
    const v = s[j]!;
    if (v !== v) nan++;
    else if (j % 4 === 0) s0 += v;
    else if (j % 4 === 1) s1 += v;
    else s2 += v;
  }
  return { sum: s0 + s1 + (s2 + s3), count: n - nan };
}
