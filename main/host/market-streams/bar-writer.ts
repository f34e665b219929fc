/**
 * Closed live bars of every market on one market.db, written together: what the streams close during one
 * turn of the event loop (one socket read can carry the finals of many markets) is committed in one
 * transaction right after it (setImmediate), one chunk rewrite per market. A commit per bar made storage
 * most of the cost of ingest under a burst; the delay it adds is the rest of the current turn.
 *
 * A write's `done` is called after its commit (null) or with the reason it was not stored.
 */
import type { KestrelError } from '../../core/errors.ts';
import type { Bar } from '../../contract/streams.ts';
import type { CandleKey, CandleStore } from '../../storage/index.ts';
import { toStorageError } from '../../storage/sqlite.ts';

export type WriteDone = (err: KestrelError | null) => void;

/** Where LiveBars sends its closed bars. */
export interface BarSink {
  write(key: CandleKey, bars: readonly Bar[], done: WriteDone): void;
}

interface Queued {
  readonly key: CandleKey;
  readonly bars: Bar[];
  readonly done: WriteDone[];
}

export class BarWriter implements BarSink {
  private queue = new Map<string, Queued>();
  private scheduled = false;
  private readonly candles: Pick<CandleStore, 'upsertMany'>;
  private readonly schedule: (run: () => void) => void;

  constructor(candles: Pick<CandleStore, 'upsertMany'>, schedule: (run: () => void) => void = (run) => setImmediate(run)) {
    this.candles = candles;
    this.schedule = schedule;
  }

  write(key: CandleKey, bars: readonly Bar[], done: WriteDone): void {
    const k = `${key.source}\u0000${key.symbol}\u0000${key.timeframe}`;
    const q = this.queue.get(k);
    if (q) {
      for (const b of bars) q.bars.push(b);
      q.done.push(done);
    } else this.queue.set(k, { key, bars: [...bars], done: [done] });
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => this.flush());
    }
  }

  /** Commits what is queued now (also called at shutdown, so nothing queued is left unwritten). */
  flush(): void {
    this.scheduled = false;
    if (this.queue.size === 0) return;
    const list = [...this.queue.values()];
    this.queue = new Map();
    let results: (KestrelError | null)[];
    try {
      results = this.candles.upsertMany(list.map((q) => ({ key: q.key, columns: columns(q.bars) })));
    } catch (e) {
      const err = toStorageError(e, 'write live bars');
      results = list.map(() => err);
    }
    // Every writer is told, even if one of them throws (that is a bug of its own, raised afterwards).
    let thrown: unknown;
    list.forEach((q, i) => {
      for (const done of q.done) {
        try {
          done(results[i] ?? null);
        } catch (e) {
          thrown ??= e;
        }
      }
    });
    if (thrown !== undefined) throw thrown;
  }
}

function columns(bars: readonly Bar[]): { ts: Float64Array; open: Float64Array; high: Float64Array; low: Float64Array; close: Float64Array; volume: Float64Array } {
  const n = bars.length;
  const c = { ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const b = bars[i]!;
    c.ts[i] = b.ts;
    c.open[i] = b.open;
    c.high[i] = b.high;
    c.low[i] = b.low;
    c.close[i] = b.close;
    c.volume[i] = b.volume;
  }
  return c;
}
