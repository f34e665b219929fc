/**
 * A market replay's equity history over replay time, in memory: a replay writes nothing to the ledger, so its
 * account tab reads these samples instead of `equity_samples` (same view, same reasons as equity-sampler.ts).
 *
 * - `start` at the range start, before any bar;
 * - `fill` after a bar that booked fills (every one: a replay's fills are few, and each moves cash);
 * - `mark` after a bar when the equity moved, at most one per `gap` of replay time. The gap starts at one bar, or
 *   the range / TARGET_MARKS when that is longer, so a year of 1m bars gives about a thousand samples, not 500,000.
 * Bounded: past MAX_SAMPLES every other sample is dropped (the first and the newest kept) and the gap doubles.
 * A backward seek rebuilds the replay and this history with it (the same bars and commands give the same samples).
 */
import type { EquityHistoryView, EquitySampleView } from '../../contract/equity.ts';
import type { Money } from '../../core/model/index.ts';
import type { AccountFigures } from '../../core/portfolio/attribution.ts';
import type { EquitySample, SampleReason } from '../../storage/index.ts';
import { sampleView } from './equity-sampler.ts';

/**
 * Mark samples aimed at over the whole range (fills come on top): wide enough for the account tab's chart, and a
 * bound on the sampler's cost (one sample's full figures ≈ 14 µs, the equity check before it < 1 µs).
 */
const TARGET_MARKS = 1_000;
export const MAX_SAMPLES = 10_000;

export interface ReplayEquityOptions {
  readonly book: string;
  readonly currency: string;
  /** The account's figures now (exact). */
  readonly figures: () => AccountFigures;
  /** Its equity alone (cheap): whether the equity moved is asked before the figures are made. */
  readonly equity: () => Money;
  readonly barMs: number;
  /** The range the replay covers (open of its first bar to close of its last). */
  readonly from: number;
  readonly to: number;
  readonly max?: number;
}

export class ReplayEquity {
  private readonly o: ReplayEquityOptions;
  private samples: EquitySample[] = [];
  private gap: number;
  private lastEquity: Money | undefined;
  /** Samples taken since the last `drain` (for the batched UI update). */
  private fresh: EquitySample[] = [];

  constructor(o: ReplayEquityOptions) {
    this.o = o;
    this.gap = Math.max(o.barMs, Math.ceil((o.to - o.from) / TARGET_MARKS));
  }

  start(ts: number): void {
    this.write('start', ts, this.o.figures());
  }

  /** After a bar (replay clock `ts`): `filled` when it booked fills. */
  afterBar(ts: number, filled: boolean): void {
    if (filled) return this.write('fill', ts, this.o.figures());
    const last = this.samples[this.samples.length - 1];
    if (last && ts - last.ts < this.gap) return;
    if (this.o.equity() !== this.lastEquity) this.write('mark', ts, this.o.figures());
  }

  private write(reason: SampleReason, clock: number, f: AccountFigures): void {
    const last = this.samples[this.samples.length - 1];
    // Strictly after the previous sample: a chart's time axis needs increasing times.
    const ts = last ? Math.max(clock, last.ts + 1) : clock;
    const s: EquitySample = { ts, reason, currency: this.o.currency, ...f };
    this.samples.push(s);
    this.fresh.push(s);
    this.lastEquity = f.equity;
    if (this.samples.length > (this.o.max ?? MAX_SAMPLES)) this.thin();
  }

  private thin(): void {
    const s = this.samples;
    const kept = s.filter((_, i) => i === 0 || i === s.length - 1 || i % 2 === 0);
    this.samples = kept;
    this.gap *= 2;
  }

  get count(): number {
    return this.samples.length;
  }

  /** The samples taken since the last call, as views. */
  drain(): EquitySampleView[] {
    const out = this.fresh.map(sampleView);
    this.fresh = [];
    return out;
  }

  /** The newest `limit` samples (default 10,000) of [from, to), oldest first: `equity.history` for the replay's book. */
  history(r: { from?: number | undefined; to?: number | undefined; limit?: number | undefined } = {}): EquityHistoryView {
    const from = r.from ?? 0;
    const to = r.to ?? Number.MAX_SAFE_INTEGER;
    const limit = r.limit ?? 10_000;
    const inRange = this.samples.filter((s) => s.ts >= from && s.ts < to);
    const out = inRange.slice(Math.max(0, inRange.length - limit));
    return { book: this.o.book, currency: this.o.currency, samples: out.map(sampleView), truncated: out.length < inRange.length };
  }
}
