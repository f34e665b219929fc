/**
 * The host's one worker pool (CPU-heavy work leaves the event loop), shared by every feature (indicator
 * series, backtests, sweeps). Its threads start on first use, not with the host: most hosts (tests, a
 * trader who never backtests) never need them, and piscina spawns every thread up front.
 */
import { WorkerPool, type PoolOptions } from '../../workers/pool.ts';

export class HostWorkers {
  private pool: WorkerPool | undefined;
  private readonly opts: PoolOptions;

  constructor(opts: PoolOptions = { idleTimeoutMs: 60_000 }) {
    this.opts = opts;
  }

  get(): WorkerPool {
    return (this.pool ??= new WorkerPool(this.opts));
  }

  /** Tasks waiting for a thread; 0 while the pool has not started (asking does not start it). */
  queueDepth(): number {
    return this.pool?.queued ?? 0;
  }

  async close(): Promise<void> {
    const p = this.pool;
    this.pool = undefined;
    await p?.close();
  }
}
