/**
 * One (venue, symbol)'s live 1m bars, written to market.db so that the stored series grows with no gap and
 * no duplicate while the app runs, continuing whatever history was there.
 *
 * `through` is the newest minute up to which the stored series is known complete. A bar the venue marked
 * final on the stream (the gate saw `x: true`) is stored at once when it is the next minute after
 * `through`. Anything else — the first bar after a (re)connect, a bar that closed without its final update
 * (dropped or reordered away), a jump over minutes, a venue that never marks finals — asks for a REST
 * resync: the venue's own closed bars since `through`, paged, validated, stored in one transaction each.
 * A REST page's newest row is never stored (it may be the bar still forming when the venue answered, even
 * if its final update overtook the reply on the stream); the stream's final or a later page brings it.
 * Resyncs are serialised; a failure is retried with backoff and reported.
 *
 * Stream finals go to a BarSink (the connection's BarWriter: one commit per event-loop turn for every
 * market); `through` moves on when the write is queued, and the closed bar is emitted after its commit,
 * with any forming update that came meanwhile held back until then so that subscribers see bars in order.
 * A failed write puts the bar back among the pending finals, rewinds `through` to what the store holds and
 * resyncs.
 */
import { KestrelError, VenueRejectedError } from '../../core/errors.ts';
import type { Bar } from '../../contract/streams.ts';
import type { OhlcvColumns } from '../../core/data/index.ts';
import type { CandleKey, CandleStore } from '../../storage/index.ts';
import { prepareForStore } from '../data/columns.ts';
import type { BarSink } from './bar-writer.ts';

const MINUTE = 60_000;

export interface LiveBarsDeps {
  readonly key: CandleKey;
  readonly candles: Pick<CandleStore, 'upsert' | 'lastTs'>;
  /** Where the stream's finals are written (default: `candles`, at once). REST pages always go to `candles` at once. */
  readonly writer?: BarSink;
  /** One REST page of 1m bars from `since` (undefined: the newest `limit`). */
  fetch(since: number | undefined, limit: number): Promise<OhlcvColumns>;
  /** Bars to fan out: the forming bar (closed false) and each newly stored closed bar (closed true). */
  emit(bars: (Bar & { closed: boolean })[]): void;
  onStored?(count: number): void;
  onResync?(): void;
  /** A resync failed (null: the last one succeeded). */
  onError?(err: KestrelError | null): void;
  readonly now?: () => number;
  /** How far back a resync reaches when nothing (or only old bars) is stored. Default 7 days. */
  readonly maxBars?: number;
  readonly pageSize?: number;
  readonly retry?: { readonly baseMs: number; readonly maxMs: number };
}

export class LiveBars {
  private through: number | undefined;
  private forming: Bar | undefined;
  /** Finals that could not be stored yet (a gap before them), by ts. */
  private readonly pending = new Map<number, Bar>();
  /** Ts of bars whose final update arrived (so their close needs no REST). */
  private readonly finals = new Set<number>();
  private resyncing: Promise<void> | undefined;
  private again = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;
  /** Finals handed to the writer and not yet committed. */
  private writing = 0;
  /** The newest forming update that arrived while finals were being written (emitted after them). */
  private held: Bar | undefined;
  /** Failed writes so far: a resync that sees this change stops (its `through` was rewound under it). */
  private lost = 0;
  private readonly writer: BarSink;
  private readonly d: LiveBarsDeps;

  constructor(d: LiveBarsDeps) {
    this.d = d;
    this.through = d.candles.lastTs(d.key);
    this.writer = d.writer ?? {
      write: (key, bars, done) => {
        try {
          d.candles.upsert(key, columnsOf(bars));
        } catch (e) {
          done(e instanceof KestrelError ? e : new VenueRejectedError(`storing ${key.symbol} bars failed: ${(e as Error).message}`));
          return;
        }
        done(null);
      },
    };
  }

  /** Newest minute known complete in the store. */
  get storedThrough(): number | undefined {
    return this.through;
  }

  /** The venue's final update of a bar (stream). */
  final(bar: Bar): void {
    if (this.closed) return;
    this.finals.add(bar.ts);
    if (this.finals.size > 64) for (const t of this.finals) if (t < bar.ts - 60 * MINUTE) this.finals.delete(t);
    if (this.through !== undefined && bar.ts <= this.through) return;
    if (!this.resyncing && this.through !== undefined && bar.ts === this.through + MINUTE) {
      this.write(bar);
      return;
    }
    this.pending.set(bar.ts, bar);
    this.resync();
  }

  /** A bar update from the stream (forming or closed: venues that send no final flag say nothing more). */
  update(bar: Bar): void {
    if (this.closed) return;
    const f = this.forming;
    if (f && bar.ts < f.ts) return;
    if (f && bar.ts > f.ts && !this.finals.has(f.ts) && (this.through === undefined || f.ts > this.through)) this.resync();
    this.forming = bar;
    if (this.finals.has(bar.ts)) return;
    if (this.writing) this.held = bar;
    else this.d.emit([{ ...bar, closed: false }]);
  }

  /** After every (re)connect: fetch what was missed since the last stored bar. */
  resync(): void {
    if (this.closed) return;
    if (this.resyncing) {
      this.again = true;
      return;
    }
    this.resyncing = this.run().finally(() => {
      this.resyncing = undefined;
      if (this.again && !this.closed) {
        this.again = false;
        this.resync();
      }
    });
  }

  /** Resolves when no resync is running (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.resyncing) await this.resyncing;
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  private async run(): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.d.onResync?.();
    try {
      await this.fill();
      this.failures = 0;
      this.d.onError?.(null);
      this.drainPending();
    } catch (e) {
      if (this.closed) return;
      const err = e instanceof KestrelError ? e : new VenueRejectedError(`resync of ${this.d.key.symbol} failed: ${(e as Error).message}`);
      this.d.onError?.(err);
      this.failures++;
      if (err.retryable || this.failures < 3) {
        const { baseMs, maxMs } = this.d.retry ?? { baseMs: 1_000, maxMs: 60_000 };
        const delay = Math.min(maxMs, baseMs * 2 ** (this.failures - 1));
        this.retryTimer = setTimeout(() => this.resync(), delay);
        this.retryTimer.unref?.();
      }
    }
  }

  /** REST pages from `through` up to the newest bar known, storing the closed ones. */
  private async fill(): Promise<void> {
    const page = this.d.pageSize ?? 1000;
    const maxBars = this.d.maxBars ?? 7 * 1440;
    // Reach back from the venue's own clock: the newest bar it streamed, or else its newest bar on REST.
    let anchor = this.forming?.ts;
    if (anchor === undefined) {
      const probe = await this.d.fetch(undefined, 2);
      anchor = probe.ts.length ? probe.ts[probe.ts.length - 1]! : (this.d.now ?? Date.now)();
    }
    const horizon = Math.floor(anchor / MINUTE) * MINUTE - maxBars * MINUTE;
    let since = this.through === undefined || this.through < horizon ? undefined : this.through + MINUTE;
    if (since === undefined) since = Math.max(horizon, 0);
    const lost = this.lost;
    for (let pages = 0; pages < Math.ceil(maxBars / page) + 2 && !this.closed; pages++) {
      const rows = await this.d.fetch(since, page);
      // A write that failed meanwhile rewound `through` behind `since`: the resync it asked for starts over.
      if (this.closed || this.lost !== lost) return;
      if (rows.ts.length === 0) return;
      const full = rows.ts.length >= page;
      const { columns } = prepareForStore(rows, MINUTE, `${this.d.key.source} ${this.d.key.symbol} 1m bars`);
      const n = columns.ts.length;
      // A page's newest row may be the bar still forming when the venue answered (its final update can
      // arrive on the stream while the reply is on its way): never stored from REST. The next page, a later
      // resync or the stream's final brings it. Rows at or after the stream's forming bar are open too.
      const forming = this.forming?.ts ?? Infinity;
      let k = n - 1;
      while (k > 0 && columns.ts[k - 1]! >= forming) k--;
      let from = 0;
      while (from < k && this.through !== undefined && columns.ts[from]! <= this.through) from++;
      const bars: Bar[] = [];
      for (let i = from; i < k; i++) bars.push({ ts: columns.ts[i]!, open: columns.open[i]!, high: columns.high[i]!, low: columns.low[i]!, close: columns.close[i]!, volume: columns.volume[i]! });
      if (bars.length) this.store(bars);
      if (!full || k <= 0) return;
      // Full page: go on from its newest row (fetched again, closed or not by then).
      since = columns.ts[n - 1]!;
    }
  }

  /** Pending finals that follow `through` without a gap. */
  private drainPending(): void {
    const ts = [...this.pending.keys()].sort((a, b) => a - b);
    const run: Bar[] = [];
    for (const t of ts) {
      const bar = this.pending.get(t)!;
      if (this.through !== undefined && t <= this.through) this.pending.delete(t);
      else if (this.through !== undefined && t === (run.length ? run[run.length - 1]!.ts : this.through) + MINUTE) {
        run.push(bar);
        this.pending.delete(t);
      }
    }
    if (run.length) this.store(run);
    // A gap is left only when REST did not have the bars yet: try again shortly.
    if (this.pending.size && !this.closed && !this.retryTimer) {
      this.retryTimer = setTimeout(() => this.resync(), this.d.retry?.baseMs ?? 1_000);
      this.retryTimer.unref?.();
    }
  }

  /** REST bars (and pending finals after a resync): stored at once, in the caller's turn. */
  private store(bars: Bar[]): void {
    this.d.candles.upsert(this.d.key, columnsOf(bars));
    this.through = bars[bars.length - 1]!.ts;
    for (const b of bars) this.pending.delete(b.ts);
    this.d.onStored?.(bars.length);
    this.d.emit(bars.map((b) => ({ ...b, closed: true })));
  }

  /** A stream final that continues the series: to the writer. */
  private write(bar: Bar): void {
    this.through = bar.ts;
    this.pending.delete(bar.ts);
    this.writing++;
    this.writer.write(this.d.key, [bar], (err) => this.written(bar, err));
  }

  private written(bar: Bar, err: KestrelError | null): void {
    this.writing--;
    if (err) {
      this.lost++;
      this.pending.set(bar.ts, bar);
      try {
        this.through = this.d.candles.lastTs(this.d.key);
      } catch {
        this.through = undefined;
      }
      this.d.onError?.(err);
    } else this.d.onStored?.(1);
    if (this.closed) return;
    const out: (Bar & { closed: boolean })[] = err ? [] : [{ ...bar, closed: true }];
    const held = this.writing === 0 ? this.held : undefined;
    if (held) {
      this.held = undefined;
      if (!this.finals.has(held.ts)) out.push({ ...held, closed: false });
    }
    if (out.length) this.d.emit(out);
    if (err) this.resync();
  }
}

function columnsOf(bars: readonly Bar[]): { ts: number[]; open: number[]; high: number[]; low: number[]; close: number[]; volume: number[] } {
  return { ts: bars.map((b) => b.ts), open: bars.map((b) => b.open), high: bars.map((b) => b.high), low: bars.map((b) => b.low), close: bars.map((b) => b.close), volume: bars.map((b) => b.volume) };
}
