/**
 * Idempotency keys a hook has seen, kept while a request carrying them could still pass the time window
 * (twice the window: the future side too). Past that, `ts` refuses the replay on its own, so memory is bounded
 * by the rate limit × the window.
 */
export class SeenKeys {
  private readonly seen = new Map<string, number>();
  private readonly keepMs: number;

  constructor(windowMs: number) {
    this.keepMs = 2 * windowMs;
  }

  /** True the first time (hook, key) is offered; false for a replay. Records it. */
  claim(hook: string, key: string, now: number): boolean {
    this.prune(now);
    const k = `${hook}\u0000${key}`;
    if (this.seen.has(k)) return false;
    this.seen.set(k, now);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  /** Entries are in insertion order, which is time order: drop from the front until one is young enough. */
  private prune(now: number): void {
    for (const [k, at] of this.seen) {
      if (now - at <= this.keepMs) break;
      this.seen.delete(k);
    }
  }
}
