/**
 * What each pool thread loads as it starts (piscina's default module), before its first task: Node's compile
 * cache and the stripped-TypeScript cache for this thread (a thread loads its own copy of every module, and
 * stripped ~100 of them per backtest thread on every start), then the modules of the tasks the pool expects,
 * so its first task finds them loaded. It counts itself booted in the shared flag once that is done: the pool
 * never terminates a thread still loading modules (see CANCEL_GRACE_MS in pool.ts).
 */
import { pathToFileURL } from 'node:url';
import { workerData } from 'node:worker_threads';
import { cacheThreadModules } from './ts-cache.ts';

export interface BootData {
  readonly cacheDir?: string;
  /** Task module files to load now. */
  readonly preload: readonly string[];
  /** Shared: [0] counts the threads done booting. */
  readonly booted: Int32Array;
}

const boot = workerData as BootData;
cacheThreadModules(boot.cacheDir, import.meta.url.endsWith('.ts'));
// Awaited here: an idle piscina thread blocks its event loop waiting for tasks, so nothing loads after this
// module is done. A module that fails to load here fails again, with its error, when its task runs.
await Promise.allSettled(boot.preload.map((f) => import(pathToFileURL(f).href)));
Atomics.add(boot.booted, 0, 1);
Atomics.notify(boot.booted, 0);

/** piscina wants a handler in its default module; no task is ever sent to it. */
export default function booted(): void {}
