/**
 * Shared plumbing of the indicator library: input checks that throw typed errors and output arrays that are
 * NaN up to the first ready index. Kernels take typed arrays (any ArrayLike<number>, Float64Array preferred)
 * and return fresh Float64Arrays, so callers own their results and may transfer them between threads.
 */
import { ValidationError } from '../errors.ts';

export type Series = ArrayLike<number>;

/** A fresh output of length n whose first `notReady` slots are NaN (the rest is written by the kernel). */
export function nanPrefixed(n: number, notReady: number): Float64Array {
  const k = Math.min(n, Math.max(0, notReady));
  if (arena) return arena.take(n, k);
  const out = new Float64Array(n);
  out.fill(NaN, 0, k);
  return out;
}

/**
 * Output buffers reused from one computation to the next, for callers that read a result and drop it before
 * computing the next (parameter sweeps in a worker). A fresh 8 MB output costs page faults and kernel
 * zeroing on first touch and, freed, an munmap that stalls every thread of the process; with two sweep
 * threads that cost, not the arithmetic, set the pace. A reused buffer is refilled exactly as a fresh one
 * would read (NaN prefix, zeros after), so results are identical to the allocating path.
 */
export class OutputArena {
  private readonly free = new Map<number, Float64Array[]>();
  private readonly lent: Float64Array[] = [];
  take(n: number, notReady: number): Float64Array {
    const out = this.free.get(n)?.pop() ?? new Float64Array(n);
    out.fill(NaN, 0, notReady);
    out.fill(0, notReady);
    this.lent.push(out);
    return out;
  }
  /** Makes every buffer handed out since the last release available again (their contents become garbage). */
  release(): void {
    for (const b of this.lent) {
      let list = this.free.get(b.length);
      if (!list) this.free.set(b.length, (list = []));
      list.push(b);
    }
    this.lent.length = 0;
  }
}

let arena: OutputArena | null = null;

/**
 * Runs fn with every batch output taken from `into` instead of freshly allocated; the outputs fn sees are
 * valid until into.release(). Not re-entrant across arenas (the previous one is restored on return).
 */
export function withOutputArena<T>(into: OutputArena, fn: () => T): T {
  const prev = arena;
  arena = into;
  try {
    return fn();
  } finally {
    arena = prev;
  }
}

export function checkPeriod(path: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min || value > 1_000_000) {
    throw new ValidationError(`${path} must be an integer in ${min}..1000000, got ${String(value)}`, [{ path, message: `expected integer >= ${min}` }]);
  }
  return value;
}

export function checkPositive(path: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new ValidationError(`${path} must be a positive finite number, got ${String(value)}`, [{ path, message: 'expected > 0' }]);
  }
  return value;
}

/** All series must have the same length; returns it. */
export function sameLength(names: readonly string[], ...series: Series[]): number {
  const n = series[0]!.length;
  for (let k = 1; k < series.length; k++) {
    if (series[k]!.length !== n) {
      throw new ValidationError(`${names[k]} has ${series[k]!.length} values but ${names[0]} has ${n}`, [{ path: names[k]!, message: 'length mismatch' }]);
    }
  }
  return n;
}

/** Highest value of src[from..to] inclusive (exact: comparisons never round, so batch and streaming agree). */
export function maxOf(src: Series, from: number, to: number): number {
  let m = src[from]!;
  for (let j = from + 1; j <= to; j++) if (src[j]! > m) m = src[j]!;
  return m;
}

export function minOf(src: Series, from: number, to: number): number {
  let m = src[from]!;
  for (let j = from + 1; j <= to; j++) if (src[j]! < m) m = src[j]!;
  return m;
}

/**
 * A fixed-size window of the last `size` values for streaming forms. Max/min scan the window: the periods
 * used in charts are small and a scan is exact, which keeps streaming identical to batch.
 */
export class Ring {
  readonly size: number;
  private readonly buf: Float64Array;
  private head = 0;
  count = 0;
  constructor(size: number) {
    this.size = size;
    this.buf = new Float64Array(size);
  }
  /** Appends x and returns the value that fell out (NaN while the window is filling). */
  push(x: number): number {
    const old = this.count >= this.size ? this.buf[this.head]! : NaN;
    this.buf[this.head] = x;
    this.head = this.head + 1 === this.size ? 0 : this.head + 1;
    if (this.count < this.size) this.count++;
    return old;
  }
  get full(): boolean {
    return this.count >= this.size;
  }
  /** k-th oldest value in the window (0 = oldest). */
  at(k: number): number {
    const start = this.count >= this.size ? this.head : 0;
    const j = start + k;
    return this.buf[j >= this.size ? j - this.size : j]!;
  }
  max(): number {
    let m = this.at(0);
    for (let k = 1; k < this.count; k++) {
      const v = this.at(k);
      if (v > m) m = v;
    }
    return m;
  }
  min(): number {
    let m = this.at(0);
    for (let k = 1; k < this.count; k++) {
      const v = this.at(k);
      if (v < m) m = v;
    }
    return m;
  }
}
