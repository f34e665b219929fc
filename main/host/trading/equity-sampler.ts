/**
 * Samples a book's equity into the ledger (main/storage/equity-history.ts), off the order path.
 *
 * When a sample is taken:
 * - `start` when a session starts, `stop` when it stops;
 * - `fill` after a command or market batch that booked fills or funding — at most one a second (wall time):
 *   a burst of fills leaves one sample now and one trailing sample a second later with the burst's end state;
 * - `mark` at most once per minute of session time while marks move the equity (open positions).
 * Nothing runs per order or per fill: the desk calls `changed` where it already pushes the portfolio to the
 * UI (after the batch has committed), so the paper OMS path (risk, match, persist, audit) does no extra work.
 * Old samples are thinned at start and hourly (THIN_POLICY). A storage failure is logged, never thrown:
 * the history is a view of the ledger, and trading must not stop because a sample could not be written.
 */
import type { Money } from '../../core/model/index.ts';
import type { AccountFigures } from '../../core/portfolio/attribution.ts';
import type { EquityHistory, EquitySample, SampleReason } from '../../storage/index.ts';
import type { EquitySampleView } from '../../contract/equity.ts';
import { moneyText } from './views.ts';

export interface EquitySamplerOptions {
  readonly store: EquityHistory;
  readonly bookId: string;
  readonly currency: string;
  /** The account's figures now (exact). */
  readonly figures: () => AccountFigures;
  /** Session time (the paper clock, the prints' time): what samples are stamped with. */
  readonly clock: () => number;
  /** Wall time: the fill throttle. */
  readonly wall: () => number;
  readonly onSample?: (s: EquitySample) => void;
  readonly log: { warn(o: object, msg: string): void };
  /** Min wall time between fill samples (default 1000 ms). */
  readonly fillGapMs?: number;
  /** Mark samples: at most one per this much session time (default 60 000 ms). */
  readonly markBucketMs?: number;
}

const HOUR = 3_600_000;

export class EquitySampler {
  private readonly o: EquitySamplerOptions;
  private lastFillWall = -Infinity;
  private lastTs = -Infinity;
  private lastEquity: Money | undefined;
  private lastThin = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(o: EquitySamplerOptions) {
    this.o = o;
  }

  get bookId(): string {
    return this.o.bookId;
  }

  start(): void {
    this.thin();
    this.write('start');
  }

  /** The portfolio changed: `urgent` after fills or funding, else marks moved with positions open. */
  changed(urgent: boolean): void {
    if (this.stopped) return;
    if (urgent) return this.afterFill();
    const bucket = this.o.markBucketMs ?? 60_000;
    const t = this.o.clock();
    if (Math.floor(t / bucket) === Math.floor(this.lastTs / bucket)) return;
    if (t - this.lastThin >= HOUR) this.thin();
    const f = this.figures();
    if (f && f.equity !== this.lastEquity) this.write('mark', f);
  }

  stop(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.write('stop');
    this.stopped = true;
  }

  private afterFill(): void {
    const gap = this.o.fillGapMs ?? 1000;
    const w = this.o.wall();
    if (w - this.lastFillWall >= gap) {
      this.lastFillWall = w;
      this.write('fill');
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      if (this.stopped) return;
      this.lastFillWall = this.o.wall();
      this.write('fill');
    }, gap - (w - this.lastFillWall));
    this.timer.unref?.();
  }

  private figures(): AccountFigures | undefined {
    try {
      return this.o.figures();
    } catch (e) {
      this.o.log.warn({ err: e, book: this.o.bookId }, 'could not value the account for its equity history');
      return undefined;
    }
  }

  private write(reason: SampleReason, fig = this.figures()): void {
    if (!fig) return;
    // Strictly after the previous sample: a session clock behind it (a paper clock that ran faster than the
    // wall clock in the last session) still draws a forward line and never overwrites the earlier sample.
    const ts = Math.max(this.o.clock(), this.lastTs === -Infinity ? 0 : this.lastTs + 1);
    const s: EquitySample = { ts, reason, currency: this.o.currency, ...fig };
    try {
      this.o.store.record(this.o.bookId, s);
    } catch (e) {
      this.o.log.warn({ err: e, book: this.o.bookId }, 'could not store an equity sample');
      return;
    }
    this.lastTs = ts;
    this.lastEquity = fig.equity;
    this.o.onSample?.(s);
  }

  private thin(): void {
    const t = this.o.clock();
    this.lastThin = t;
    try {
      if (this.lastTs === -Infinity) this.lastTs = this.o.store.last(this.o.bookId)?.ts ?? -Infinity;
      this.o.store.thin(this.o.bookId, t);
    } catch (e) {
      this.o.log.warn({ err: e, book: this.o.bookId }, 'could not thin the equity history');
    }
  }
}

export function sampleView(s: EquitySample): EquitySampleView {
  return {
    ts: s.ts, reason: s.reason, equity: moneyText(s.equity), cash: moneyText(s.cash), realized: moneyText(s.realized),
    unrealized: moneyText(s.unrealized), fees: moneyText(s.fees), funding: moneyText(s.funding),
  };
}
