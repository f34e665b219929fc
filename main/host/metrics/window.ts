/** The last samples of a latency (ms, with when they were taken), for the Health panel's quantiles and the SLOs. */
export class LatencyWindow {
  private readonly ts: Float64Array;
  private readonly v: Float64Array;
  private n = 0;
  private at = 0;

  constructor(capacity = 4096) {
    this.ts = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
  }

  add(ms: number, now: number): void {
    this.ts[this.at] = now;
    this.v[this.at] = ms;
    this.at = (this.at + 1) % this.v.length;
    this.n = Math.min(this.n + 1, this.v.length);
  }

  /** count, p50, p99 and max of the samples taken since `since`. */
  summary(since: number): { count: number; p50Ms: number | null; p99Ms: number | null; maxMs: number | null } {
    const xs: number[] = [];
    for (let i = 0; i < this.n; i++) if (this.ts[i]! >= since) xs.push(this.v[i]!);
    if (!xs.length) return { count: 0, p50Ms: null, p99Ms: null, maxMs: null };
    xs.sort((a, b) => a - b);
    const q = (p: number) => round(xs[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)]!);
    return { count: xs.length, p50Ms: q(0.5), p99Ms: q(0.99), maxMs: round(xs[xs.length - 1]!) };
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;
