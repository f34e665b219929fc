/**
 * The benchmark method of ../shared/PERFORMANCE.md, once: cases interleaved round-robin, warm-up rounds
 * discarded, gc + a pause before every timed case, median and min of the timed rounds.
 */
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface BenchCase {
  readonly name: string;
  /** Runs the work once and returns a value that is kept alive (and can be checked by the caller). */
  run(): unknown;
}

export interface CaseResult {
  readonly name: string;
  readonly medianMs: number;
  readonly minMs: number;
  /** Timed rounds, fastest first. */
  readonly samples: readonly number[];
  /** The same rounds in the order they ran (round k of every case ran in the same stretch of time). */
  readonly runs: readonly number[];
  readonly last: unknown;
}

const gc = (globalThis as { gc?: () => void }).gc;

export async function interleaved(cases: readonly BenchCase[], opts: { rounds?: number; warmup?: number; pauseMs?: number } = {}): Promise<Map<string, CaseResult>> {
  return interleavedAsync(cases.map((c) => ({ name: c.name, run: async () => c.run() })), opts);
}

/** Async variant for work that must be awaited (worker pools, I/O). The timing includes the await. */
export async function interleavedAsync(cases: readonly { name: string; run(): Promise<unknown> }[], opts: { rounds?: number; warmup?: number; pauseMs?: number } = {}): Promise<Map<string, CaseResult>> {
  const rounds = Math.max(7, opts.rounds ?? 7);
  const warmup = opts.warmup ?? 2;
  const pause = opts.pauseMs ?? 100;
  if (!gc) console.warn('bench: run node with --expose-gc for stable figures');
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  const last = new Map<string, unknown>();
  for (let r = 0; r < warmup + rounds; r++) {
    for (const c of cases) {
      gc?.();
      await sleep(pause);
      const t0 = performance.now();
      const out = await c.run();
      const ms = performance.now() - t0;
      last.set(c.name, out);
      if (r >= warmup) samples.get(c.name)!.push(ms);
    }
  }
  const results = new Map<string, CaseResult>();
  for (const c of cases) {
    const runs = samples.get(c.name)!;
    const s = [...runs].sort((a, b) => a - b);
    results.set(c.name, { name: c.name, medianMs: s[Math.floor(s.length / 2)]!, minMs: s[0]!, samples: s, runs, last: last.get(c.name) });
  }
  return results;
}

/** A figure line without a peer, e.g. `bench engine throughput: 14.2 M candles/s`. */
export function figure(name: string, value: number, unit: string): void {
  console.log(`bench ${name}: ${fmt(value)} ${unit}`);
}

/**
 * The ratio line, printed last: `bench <name>: <ratio>x <peer> (ours <value> <unit>, peer <value> <unit>)`.
 * `higherIsBetter` says whether the unit is a rate (candles/s) or a cost (ms, ns/candle).
 */
export function ratio(name: string, peer: string, ours: number, theirs: number, unit: string, higherIsBetter: boolean): number {
  const r = higherIsBetter ? ours / theirs : theirs / ours;
  console.log(`bench ${name}: ${fmt(r)}x ${peer} (ours ${fmt(ours)} ${unit}, peer ${fmt(theirs)} ${unit})`);
  return r;
}

export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

/**
 * Milliseconds this thread has waited on a run queue so far (Linux /proc schedstat; 0 elsewhere). On a
 * machine loaded far beyond its cores the OS takes the CPU away for whole time slices in the middle of a
 * timed call; subtracting what the call spent waiting for a CPU leaves the latency that is ours (its work,
 * its I/O, its GC pauses). Benches print it next to the wall-clock figure, never instead of it.
 */
export function runQueueMs(): number {
  if (!schedstat) return 0;
  try {
    return Number(readFileSync(schedstat, 'latin1').split(' ')[1]) / 1e6;
  } catch {
    return 0;
  }
}
const schedstat = process.platform === 'linux' && existsSync('/proc/thread-self/schedstat') ? '/proc/thread-self/schedstat' : undefined;
