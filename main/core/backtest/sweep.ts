/**
 * Parameter sweeps and walk-forward, the pure parts: which parameter sets to run, how to rank them, how to
 * cut the time axis into rolling in-sample / out-of-sample windows, and how to stitch out-of-sample equity.
 * Running them (on the worker pool) is workers/backtest/sweep-runner.ts.
 */
import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import type { Stats } from './metrics.ts';

const Range = z.union([
  z.array(z.number().finite()).min(1).max(1000),
  z.object({ from: z.number().finite(), to: z.number().finite(), step: z.number().positive() }).strict(),
]);

export const Objective = z.enum(['sharpe', 'sortino', 'calmar', 'netProfitPct', 'cagr', 'profitFactor', 'sqn']);
export type Objective = z.infer<typeof Objective>;

export const SweepSpec = z
  .object({
    mode: z.enum(['grid', 'random']).default('grid'),
    /** Parameter → values (list or from/to/step). */
    params: z.record(Range),
    /** Random mode: how many sets to draw (without replacement from the grid). */
    samples: z.number().int().positive().max(100_000).optional(),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
    objective: Objective.default('sharpe'),
    /** Refuse sweeps larger than this (they would take hours). */
    maxCombinations: z.number().int().positive().max(1_000_000).default(10_000),
  })
  .strict();
export type SweepSpec = z.infer<typeof SweepSpec>;
export type SweepSpecInput = z.input<typeof SweepSpec>;

export type ParamSet = Readonly<Record<string, number>>;

function values(r: z.infer<typeof Range>): number[] {
  if (Array.isArray(r)) return r;
  const out: number[] = [];
  const n = Math.floor((r.to - r.from) / r.step + 1e-9);
  for (let k = 0; k <= n && out.length <= 100_000; k++) out.push(Number((r.from + k * r.step).toPrecision(12)));
  return out;
}

export function parseSweep(x: unknown): SweepSpec {
  const r = SweepSpec.safeParse(x);
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new ValidationError(`invalid sweep: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, issues);
  }
  return r.data;
}

/** The parameter sets of a sweep, in a deterministic order (grid: row-major by sorted name). */
export function paramSets(spec: SweepSpec): ParamSet[] {
  const names = Object.keys(spec.params).sort();
  const axes = names.map((n) => values(spec.params[n]!));
  const total = axes.reduce((a, v) => a * v.length, 1);
  if (names.length === 0) return [{}];
  const cap = spec.mode === 'random' ? Math.min(total, spec.samples ?? 100) : total;
  if (cap > spec.maxCombinations) throw new ValidationError(`sweep has ${cap} combinations, above the limit of ${spec.maxCombinations}`, [{ path: 'params', message: 'too many combinations' }]);
  const at = (k: number): ParamSet => {
    const idx = new Array<number>(names.length);
    for (let j = names.length - 1; j >= 0; j--) {
      idx[j] = k % axes[j]!.length;
      k = Math.floor(k / axes[j]!.length);
    }
    // Keys in name order (the last name varies fastest): views take the first key as their first axis.
    const p: Record<string, number> = {};
    names.forEach((n, j) => (p[n] = axes[j]![idx[j]!]!));
    return p;
  };
  if (spec.mode === 'grid') return Array.from({ length: total }, (_, k) => at(k));
  // Random: a seeded partial Fisher–Yates over grid indices (no repeats, reproducible).
  let s = spec.seed >>> 0;
  const rnd = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const picked = new Map<number, number>();
  const out: ParamSet[] = [];
  for (let k = 0; k < cap; k++) {
    const j = k + Math.floor(rnd() * (total - k));
    const vj = picked.get(j) ?? j;
    picked.set(j, picked.get(k) ?? k);
    out.push(at(vj));
  }
  return out;
}

/** Score of a result for ranking; null (no trades, undefined ratio) ranks last. */
export function score(stats: Stats, objective: Objective): number {
  const v = stats[objective];
  return typeof v === 'number' && Number.isFinite(v) ? v : -Infinity;
}

export interface WalkForwardSpec {
  /** Bars in each in-sample (optimisation) window and each out-of-sample (test) window. */
  readonly inSampleBars: number;
  readonly outOfSampleBars: number;
}

export interface Window {
  readonly index: number;
  readonly isFrom: number;
  readonly isTo: number;
  readonly oosFrom: number;
  readonly oosTo: number;
}

/** Rolling windows over bar indices [0, n): [isFrom, isTo) then [oosFrom, oosTo), stepping by the OOS length. */
export function walkForwardWindows(n: number, w: WalkForwardSpec): Window[] {
  if (!(w.inSampleBars > 1 && w.outOfSampleBars > 0)) throw new ValidationError('walk-forward needs inSampleBars > 1 and outOfSampleBars > 0');
  const out: Window[] = [];
  for (let s = 0; s + w.inSampleBars < n; s += w.outOfSampleBars) {
    const oosTo = Math.min(n, s + w.inSampleBars + w.outOfSampleBars);
    out.push({ index: out.length, isFrom: s, isTo: s + w.inSampleBars, oosFrom: s + w.inSampleBars, oosTo });
  }
  if (out.length === 0) throw new ValidationError(`walk-forward: ${n} bars are not enough for one window of ${w.inSampleBars}+${w.outOfSampleBars}`);
  return out;
}

/**
 * Stitched out-of-sample equity: each segment is rescaled to start where the previous one ended, so the
 * curve shows what compounding the walk-forward choices would have done.
 */
export function stitch(segments: readonly { ts: Float64Array; equity: Float64Array; initial: number }[], initial: number): { ts: Float64Array; equity: Float64Array } {
  const n = segments.reduce((a, s) => a + s.equity.length, 0);
  const ts = new Float64Array(n);
  const eq = new Float64Array(n);
  let carry = initial;
  let k = 0;
  for (const s of segments) {
    const f = carry / s.initial;
    for (let i = 0; i < s.equity.length; i++, k++) {
      ts[k] = s.ts[i]!;
      eq[k] = s.equity[i]! * f;
    }
    if (s.equity.length) carry = s.equity[s.equity.length - 1]! * f;
  }
  return { ts, equity: eq };
}
