/**
 * The host's one worker pool (CPU-heavy work leaves the event loop): created on first use, shared by every
 * feature (indicator series, backtests, sweeps), closed with the host via closeWorkers.
 */
import { WorkerPool } from '../../workers/pool.ts';
import type { HostContext } from './context.ts';

const pools = new WeakMap<HostContext, WorkerPool>();

export function poolFor(ctx: HostContext): WorkerPool {
  let p = pools.get(ctx);
  if (!p) {
    p = new WorkerPool({ idleTimeoutMs: 60_000 });
    pools.set(ctx, p);
  }
  return p;
}

export async function closeWorkers(ctx: HostContext): Promise<void> {
  const p = pools.get(ctx);
  if (!p) return;
  pools.delete(ctx);
  await p.close();
}
