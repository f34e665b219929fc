/**
 * The worker pool: THE one module that imports piscina. Typed tasks (name → worker module + input/output types,
 * listed in ./tasks.ts), zero-copy typed arrays (SharedArrayBuffer-backed inputs are shared; owned buffers can
 * be transferred; results are transferred back), cancellation with AbortSignal and progress callbacks.
 *
 * Main thread:
 *   const pool = new WorkerPool({ threads: 2 });
 *   const out = await pool.run('indicators.compute', { candles, specs: ['rsi:14'] }, { signal, onProgress });
 *   await pool.close();
 *
 * Worker module (see tasks.ts for how to add one):
 *   export const compute = defineTask<'indicators.compute'>((input, ctx) => { ctx.progress(1, 2); ... return output; });
 *
 * Worker files are .ts under Node's type stripping and .js once compiled to dist/: the filename is resolved
 * relative to this module with this module's own extension.
 */
import { getCompileCacheDir } from 'node:module';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { CancelledError, type ErrorCode, type ErrorIssue, KestrelError, ValidationError } from '../main/core/errors.ts';
import { TASKS, type TaskInput, type TaskName, type TaskOutput } from './tasks.ts';
import type { BootData } from './pool-boot.ts';

const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/** Absolute path of a task's worker module, e.g. `indicators/task` → /…/workers/indicators/task.ts. */
export function taskFile(name: TaskName): string {
  return fileURLToPath(new URL(`./${TASKS[name].module}${EXT}`, import.meta.url));
}

export interface Progress {
  readonly done: number;
  readonly total: number;
  readonly note?: string;
}

export interface RunOptions {
  /** Aborting cancels the task: rejected with CancelledError at once; the task stops at its next poll. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
  /**
   * Buffers to move into the worker instead of copying (they become unusable here). SharedArrayBuffer-backed
   * arrays are shared without this. Use transferablesOf(input) to collect them. MessagePorts inside the
   * input must be listed here too.
   */
  readonly transfer?: readonly (ArrayBuffer | MessagePort)[];
}

export interface PoolOptions {
  /**
   * Worker threads (default: every available core). Sweeps and backtests are the work the user is waiting for;
   * the main thread only routes messages meanwhile, so leaving it a core of its own halved a 2-core machine.
   */
  readonly threads?: number;
  readonly idleTimeoutMs?: number;
  /** Pool-level errors not tied to a task (default: a process warning). */
  readonly onError?: (e: Error) => void;
  /** Default CANCEL_GRACE_MS. */
  readonly cancelGraceMs?: number;
  /**
   * Tasks whose modules every thread loads as it starts, before it is given one: a pool made before its data
   * is ready (a sweep reading its CSV) has its threads ready when the data is.
   */
  readonly preload?: readonly TaskName[];
  /**
   * false: threads start as bare piscina workers, without the compile and stripped-TypeScript caches or
   * preloading (pool-boot.ts): how every thread started before, kept as the start-up bench's baseline.
   */
  readonly boot?: boolean;
}

/** How long close() waits for threads still booting before it terminates them anyway. */
const BOOT_WAIT_MS = 30_000;


interface Payload {
  readonly input: unknown;
  readonly port: MessagePort | null;
  /** Shared with the task: [CANCEL] set by the caller, [STARTED] set by the worker. */
  readonly flags: Int32Array;
}

const CANCEL = 0;
const STARTED = 1;

/**
 * How long a cancelled task may run on before its worker is terminated. Cancellation is cooperative: the
 * caller is answered at once and the task stops at its next poll (backtests poll every 4,096 bars). Only a
 * task that ignores the flag is terminated, and only once it has started: terminating a worker while it
 * still loads its task module can abort the whole process (V8 fatal "IsGraphAsync … instantiated module",
 * Node 22.23), which is why termination is no longer the way to cancel.
 */
export const CANCEL_GRACE_MS = 3_000;

export class WorkerPool {
  private readonly piscina: Piscina;
  readonly threads: number;
  private readonly graceMs: number;
  private readonly inflight = new Set<InFlight>();
  private readonly booted: Int32Array | undefined;
  private created = 0;

  constructor(opts: PoolOptions = {}) {
    this.threads = Math.max(1, opts.threads ?? availableParallelism());
    this.graceMs = opts.cancelGraceMs ?? CANCEL_GRACE_MS;
    const base = { minThreads: this.threads, maxThreads: this.threads, idleTimeout: opts.idleTimeoutMs ?? 30_000, concurrentTasksPerWorker: 1 };
    if (opts.boot === false) this.piscina = new Piscina(base);
    else {
      this.booted = new Int32Array(new SharedArrayBuffer(4));
      const workerData: BootData = { cacheDir: getCompileCacheDir?.(), preload: [...new Set((opts.preload ?? []).map(taskFile))], booted: this.booted };
      this.piscina = new Piscina({ ...base, filename: fileURLToPath(new URL(`./pool-boot${EXT}`, import.meta.url)), workerData });
      this.piscina.on('workerCreate', () => void this.created++);
    }
    // piscina reports pool-level trouble as an 'error' event; without a listener an EventEmitter throws it,
    // which would take the whole host down. The known case is benign: a task cancelled while its result was
    // already on the way ("Unexpected message from Worker"); the result is dropped, the caller already has
    // its CancelledError. Anything else is reported, not thrown.
    this.piscina.on('error', (e: Error) => {
      if (!/^Unexpected message from Worker/.test(e.message)) (opts.onError ?? ((x: Error) => process.emitWarning(x)))(e);
    });
  }

  async run<K extends TaskName>(name: K, input: TaskInput<K>, opts: RunOptions = {}): Promise<TaskOutput<K>> {
    if (opts.signal?.aborted) throw new CancelledError(`${name} cancelled before it started`);
    let channel: MessageChannel | null = null;
    // Progress travels on its own port; the worker ends it with { end: true } so that no report still in
    // flight is lost when the result (which comes back on piscina's port) arrives first.
    let ended: Promise<void> = Promise.resolve();
    if (opts.onProgress) {
      channel = new MessageChannel();
      const cb = opts.onProgress;
      const port = channel.port1;
      ended = new Promise<void>((resolve) => {
        port.on('message', (m: Progress & { end?: true }) => (m.end ? resolve() : cb(m)));
        port.once('close', () => resolve());
      });
    }
    const flags = new Int32Array(new SharedArrayBuffer(8));
    const payload: Payload = { input, port: channel?.port2 ?? null, flags };
    const transferList = [...(opts.transfer ?? []), ...(channel ? [channel.port2] : [])] as unknown as never[];
    const hard = new AbortController();
    const task = this.piscina.run(payload, { filename: taskFile(name), name: TASKS[name].export, transferList: transferList as never, signal: hard.signal }) as Promise<TaskOutput<K>>;
    const flight = new InFlight(flags, hard, this.graceMs, task);
    this.inflight.add(flight);
    void flight.done.then(() => this.inflight.delete(flight));
    const stop = opts.signal ? flight.cancelOn(opts.signal) : undefined;
    try {
      const out = await (stop ? Promise.race([task, stop.cancelled]) : task);
      await ended;
      if (isFailure(out)) throw revive(name, out.kestrelFailure);
      return out;
    } catch (e) {
      if (opts.signal?.aborted || (e as Error)?.name === 'AbortError') throw new CancelledError(`${name} cancelled`);
      if (e instanceof KestrelError) throw e;
      // Errors cross the thread boundary as plain Errors: keep the message and the typed code when present.
      throw new KestrelError(((e as { code?: string }).code as never) ?? 'internal', `${name} failed in a worker: ${(e as Error)?.message ?? String(e)}`, { cause: e });
    } finally {
      stop?.dispose();
      channel?.port1.close();
    }
  }

  /** Thread ids of the live workers (diagnostics: a terminated worker is replaced by one with a new id). */
  get threadIds(): number[] {
    return this.piscina.threads.map((t) => t.threadId);
  }

  /** Tasks waiting for a thread. */
  get queued(): number {
    return this.piscina.queueSize;
  }

  /**
   * Cancels what is still running (cancelled tasks included) and waits until the workers are done with it
   * before terminating them: a worker is never terminated while it may be loading a task module.
   */
  async close(): Promise<void> {
    for (const f of this.inflight) f.cancel();
    await Promise.all([...this.inflight].map((f) => f.done));
    await this.bootsDone();
    await this.piscina.destroy();
  }

  /** Until every thread made so far has booted (pool-boot.ts), or BOOT_WAIT_MS. */
  private async bootsDone(): Promise<void> {
    const b = this.booted;
    if (!b) return;
    // Threads announced in a microtask after creation are counted before looking. Polled on a timer, which
    // (unlike Atomics.waitAsync) keeps the process alive meanwhile: the threads are unref'd.
    await Promise.resolve();
    const until = Date.now() + BOOT_WAIT_MS;
    while (Atomics.load(b, 0) < this.created && Date.now() < until) await sleep(5);
  }
}

/**
 * Errors lose their class and fields crossing threads (structured clone keeps only message and stack), so a
 * typed failure travels as a value and is rebuilt here with its code, details and issues.
 */
interface Failure {
  readonly kestrelFailure: { code: ErrorCode; message: string; retryable: boolean; details?: Record<string, unknown>; issues?: readonly ErrorIssue[] };
}

function isFailure(v: unknown): v is Failure {
  return typeof v === 'object' && v !== null && 'kestrelFailure' in v;
}

function revive(task: string, f: Failure['kestrelFailure']): KestrelError {
  if (f.code === 'validation') return new ValidationError(f.message, f.issues ?? [], { task });
  return new KestrelError(f.code, f.message, { retryable: f.retryable, details: { ...f.details, task } });
}

/**
 * A task on its way. Cancelling is cooperative: the flag is raised and the task stops at its next poll. Only
 * a task still running after the grace period, and past its start, is terminated (see CANCEL_GRACE_MS).
 */
class InFlight {
  private readonly flags: Int32Array;
  private readonly hard: AbortController;
  private readonly graceMs: number;
  private settled = false;
  /** Settles (never rejects) when the worker is done with the task, however it ended. */
  readonly done: Promise<void>;

  constructor(flags: Int32Array, hard: AbortController, graceMs: number, task: Promise<unknown>) {
    this.flags = flags;
    this.hard = hard;
    this.graceMs = graceMs;
    // The late outcome of a cancelled task (result, failure or termination) has no one waiting for it.
    this.done = task.then(() => void (this.settled = true), () => void (this.settled = true));
  }

  cancel(): void {
    if (Atomics.exchange(this.flags, CANCEL, 1) === 1) return;
    const check = (): void => {
      if (this.settled) return;
      if (Atomics.load(this.flags, STARTED) === 1) this.hard.abort();
      else setTimeout(check, this.graceMs).unref();
    };
    setTimeout(check, this.graceMs).unref();
  }

  /** Cancels when `signal` aborts; `cancelled` rejects with CancelledError at that moment. */
  cancelOn(signal: AbortSignal): { cancelled: Promise<never>; dispose(): void } {
    let onAbort = (): void => {};
    const cancelled = new Promise<never>((_, reject) => {
      onAbort = (): void => {
        this.cancel();
        reject(new CancelledError('cancelled'));
      };
    });
    cancelled.catch(() => {});
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    return { cancelled, dispose: () => signal.removeEventListener('abort', onAbort) };
  }
}

/** What a task function receives besides its input. */
export interface TaskContext {
  progress(done: number, total: number, note?: string): void;
  /** True once the caller has cancelled: a long task polls it and stops (throwing CancelledError is fine). */
  readonly cancelled: boolean;
}

function isView(v: unknown): v is ArrayBufferView {
  return ArrayBuffer.isView(v);
}

/**
 * The buffers of the typed arrays inside value (objects and arrays walked) that can be moved: plain
 * ArrayBuffers the view covers entirely. Shared buffers need no transfer.
 */
export function transferablesOf(value: unknown): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  collectBuffers(value, out);
  return [...out];
}

function collectBuffers(value: unknown, out: Set<ArrayBuffer>): void {
  if (isView(value)) {
    const b = value.buffer;
    if (b instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === b.byteLength) out.add(b);
  } else if (Array.isArray(value)) {
    for (const v of value) if (v !== null && typeof v === 'object') collectBuffers(v, out);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) if (v !== null && typeof v === 'object') collectBuffers(v, out);
  }
}

/**
 * Makes every typed array in a result movable: views that do not own their whole buffer (e.g. views of a
 * wasm memory) are copied to exactly their bytes, since cloning a view clones its entire buffer.
 */
function ownBuffers(value: unknown): unknown {
  if (isView(value)) {
    const owns = value.buffer instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === value.buffer.byteLength;
    return owns || !(value.buffer instanceof ArrayBuffer) ? value : (value as unknown as Float64Array).slice();
  }
  // Copy on write: a container is rebuilt only when something inside it changed (a result's thousands of
  // trade rows hold no typed arrays and pass through as they are).
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v === null || typeof v !== 'object') continue;
      const w = ownBuffers(v);
      if (w !== v) (out ??= value.slice())[i] = w;
    }
    return out ?? value;
  }
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    let out: Record<string, unknown> | undefined;
    for (const k in value) {
      const v: unknown = (value as Record<string, unknown>)[k];
      if (v === null || typeof v !== 'object') continue;
      const w = ownBuffers(v);
      if (w !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = w;
    }
    return out ?? value;
  }
  return value;
}

/** Wraps a task function for piscina: unpacks the payload, wires progress, transfers the result's arrays. */
export function defineTask<K extends TaskName>(fn: (input: TaskInput<K>, ctx: TaskContext) => TaskOutput<K> | Promise<TaskOutput<K>>): (payload: Payload) => Promise<unknown> {
  return async (payload: Payload) => {
    const port = payload.port;
    const flags = payload.flags;
    Atomics.store(flags, STARTED, 1);
    const ctx: TaskContext = {
      progress: (done, total, note) => port?.postMessage(note === undefined ? { done, total } : { done, total, note }),
      get cancelled() {
        return Atomics.load(flags, CANCEL) === 1;
      },
    };
    try {
      let raw: unknown;
      try {
        // Cancelled while queued: nothing to do.
        if (ctx.cancelled) throw new CancelledError('cancelled before it started');
        raw = await fn(payload.input as TaskInput<K>, ctx);
      } catch (e) {
        if (!(e instanceof KestrelError)) throw e;
        const issues = e instanceof ValidationError ? e.issues : undefined;
        return { kestrelFailure: { code: e.code, message: e.message, retryable: e.retryable, ...(e.details ? { details: e.details } : {}), ...(issues ? { issues } : {}) } } satisfies Failure;
      }
      const result = ownBuffers(raw);
      const buffers = transferablesOf(result);
      return Piscina.move({
        get [Piscina.transferableSymbol]() {
          return buffers;
        },
        get [Piscina.valueSymbol]() {
          return result;
        },
      } as never);
    } finally {
      port?.postMessage({ end: true });
      port?.close();
    }
  };
}

/** A copy of src in a SharedArrayBuffer: pass the same candles to many tasks without copying them again. */
export function sharedFloat64(src: ArrayLike<number>): Float64Array {
  const out = new Float64Array(new SharedArrayBuffer(src.length * 8));
  out.set(src);
  return out;
}
