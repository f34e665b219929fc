/**
 * Coalesces a burst of stream updates into one render per animation frame: a book stream at 1,000 updates/s
 * would otherwise ask React for 1,000 renders a second on a display that shows 60. The latest value wins for
 * snapshots (`latest`); appends (`all`) are handed over together.
 */
export type Schedule = (cb: () => void) => unknown;

const nextFrame: Schedule = (cb) => (typeof requestAnimationFrame === 'function' ? requestAnimationFrame(() => cb()) : setTimeout(cb, 16));

export class FrameBatch<T> {
  private pending: T[] = [];
  private scheduled = false;
  private stopped = false;
  private readonly flush: (items: T[]) => void;
  private readonly schedule: Schedule;

  constructor(flush: (items: T[]) => void, schedule: Schedule = nextFrame) {
    this.flush = flush;
    this.schedule = schedule;
  }

  push(item: T): void {
    if (this.stopped) return;
    this.pending.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.run());
  }

  stop(): void {
    this.stopped = true;
    this.pending = [];
  }

  private run(): void {
    this.scheduled = false;
    if (this.stopped || !this.pending.length) return;
    const items = this.pending;
    this.pending = [];
    this.flush(items);
  }
}

/** Keeps only the newest of a burst: one flush per frame with the last value pushed. */
export function latestPerFrame<T>(flush: (latest: T) => void, schedule?: Schedule): FrameBatch<T> {
  return new FrameBatch<T>((items) => flush(items[items.length - 1]!), schedule);
}
