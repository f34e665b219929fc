/**
 * One rate limiter per (exchange, API key), shared by every caller — backfill, charts, live streams —
 * so together they stay inside the venue's budget. A virtual-schedule bucket (GCRA): each request reserves
 * the next free slot, which is FIFO-fair and needs no timers when there is headroom. A 429/418 pushes the
 * whole schedule back (`penalise`) for everyone sharing the key.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CancelledError } from '../../core/errors.ts';

export interface RateLimit {
  /** Sustained requests per second (cost units per second). */
  readonly perSecond: number;
  /** Requests allowed back-to-back after an idle period. */
  readonly burst?: number;
}

export class RateLimiter {
  private next = 0;
  private readonly interval: number;
  private readonly burst: number;
  private waited = 0;
  private taken = 0;

  private readonly now: () => number;

  constructor(limit: RateLimit, now: () => number = () => performance.now()) {
    this.now = now;
    this.interval = 1000 / Math.max(1e-6, limit.perSecond);
    this.burst = Math.max(1, limit.burst ?? 1);
  }

  /** Resolves when `cost` units may be spent. */
  async take(cost = 1, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new CancelledError();
    const now = this.now();
    // Idle credit is capped at `burst` slots.
    const start = Math.max(this.next, now - (this.burst - 1) * this.interval);
    this.next = start + cost * this.interval;
    this.taken += cost;
    const wait = start - now;
    if (wait > 0.5) {
      this.waited += wait;
      try {
        await sleep(wait, undefined, signal ? { signal } : undefined);
      } catch {
        throw new CancelledError();
      }
    }
  }

  /** The venue said "too many": nobody sharing this key sends for `ms`. */
  penalise(ms: number): void {
    this.next = Math.max(this.next, this.now() + ms);
  }

  stats(): { taken: number; waitedMs: number; perSecond: number } {
    return { taken: this.taken, waitedMs: this.waited, perSecond: 1000 / this.interval };
  }
}

const shared = new Map<string, RateLimiter>();

/** The limiter for this exchange and key, created on first use with `limit`. */
export function sharedLimiter(exchange: string, keyId: string, limit: RateLimit): RateLimiter {
  const k = `${exchange}\u0000${keyId}`;
  let l = shared.get(k);
  if (!l) {
    l = new RateLimiter(limit);
    shared.set(k, l);
  }
  return l;
}

/** Tests only: forget all limiters. */
export function resetSharedLimiters(): void {
  shared.clear();
}
