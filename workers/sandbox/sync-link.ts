/**
 * A synchronous line from the host's thread to one sandbox process, for paper/live strategy runs: the
 * kernel calls a strategy inside its step and needs the strategy's orders before the step ends (what makes
 * a run deterministic and re-runnable). The host thread writes a request into shared memory and waits
 * (Atomics.wait, bounded by the callback budget); a relay worker thread (relay.ts) carries it to the
 * sandbox process and the reply back. The host's thread never runs strategy code; it only waits, at most
 * the budget, and on expiry kills the process.
 *
 * Shared memory: ctrl = [state, length, child pid, ready], data = the serialised request or reply.
 */
import { Worker } from 'node:worker_threads';
import { deserialize, serialize } from 'node:v8';
import { StrategyError } from '../../main/core/errors.ts';
import { sandboxRuntime } from './spawn.ts';

export const IDLE = 0, REQUEST = 1, REPLY = 2, DEAD = 3;
export const STARTING = 0, READY = 1;
/** Largest request or reply (a strategy's intents and logs of one callback). */
export const CAPACITY = 4 << 20;
/** Longest wait for the process to start when a call needs it (ready() has its own budget). */
const START_MS = 30_000;

export interface LinkOptions {
  readonly memoryMb: number;
}

type WaitAsync = (a: Int32Array, i: number, v: number, t?: number) => { async: boolean; value: Promise<string> | string };
/** Atomics.waitAsync (ES2024; in Node 22, not in this project's TypeScript lib). */
export async function waitChange(a: Int32Array, i: number, v: number, timeoutMs?: number): Promise<void> {
  const w = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync(a, i, v, timeoutMs);
  if (w.async) await w.value;
}

const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

export class SandboxLink {
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(16));
  private readonly data = new Uint8Array(new SharedArrayBuffer(CAPACITY));
  private readonly worker: Worker;
  private closed = false;

  constructor(opts: LinkOptions) {
    // Resolved here, so a build without a sandbox runtime fails the start with its reason, and the relay
    // uses the runtime this thread was told to use (tests of the packaged layout).
    const runtime = sandboxRuntime();
    this.worker = new Worker(new URL(`./relay${ext}`, import.meta.url), { workerData: { ctrl: this.ctrl, data: this.data, memoryMb: opts.memoryMb, runtime } });
    this.worker.unref();
    this.worker.on('error', () => this.kill());
  }

  /** Resolves once the sandbox process is up; rejects with a StrategyError when it could not start. */
  async ready(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Atomics.load(this.ctrl, 3) === STARTING && Atomics.load(this.ctrl, 0) !== DEAD) {
      const left = deadline - Date.now();
      if (left <= 0) {
        this.kill();
        throw new StrategyError(`the strategy sandbox did not start within ${timeoutMs} ms`);
      }
      // Polled on a timer: a pending Atomics.waitAsync does not keep Node's event loop alive.
      await new Promise((r) => setTimeout(r, Math.min(left, 10)));
    }
    if (Atomics.load(this.ctrl, 0) === DEAD) throw new StrategyError(this.reason());
  }

  /** Sends one request and waits (blocking this thread, at most `budgetMs`) for its reply. */
  call(request: unknown, budgetMs: number, what: string): unknown {
    if (this.closed || Atomics.load(this.ctrl, 0) === DEAD) throw new StrategyError(this.closed ? 'the strategy sandbox was closed' : this.reason());
    const body = serialize(request);
    if (body.length > CAPACITY) throw new StrategyError(`request of ${body.length} bytes is too large for the strategy sandbox`);
    // The process may still be starting: its start-up does not count against the callback's budget.
    const startBy = Date.now() + START_MS;
    while (Atomics.load(this.ctrl, 3) === STARTING && Atomics.load(this.ctrl, 0) !== DEAD) {
      if (Date.now() > startBy) {
        this.kill();
        throw new StrategyError(`the strategy sandbox did not start within ${START_MS} ms`);
      }
      Atomics.wait(this.ctrl, 3, STARTING, 100);
    }
    const end = Date.now() + budgetMs;
    this.data.set(body, 0);
    Atomics.store(this.ctrl, 1, body.length);
    if (Atomics.compareExchange(this.ctrl, 0, IDLE, REQUEST) !== IDLE) throw new StrategyError(this.reason());
    Atomics.notify(this.ctrl, 0);
    while (Atomics.load(this.ctrl, 0) === REQUEST) {
      const left = end - Date.now();
      if (left <= 0) {
        this.kill();
        throw new StrategyError(`${what} ran longer than its ${budgetMs} ms budget (an endless loop, or an endless promise job?); the strategy was stopped`);
      }
      Atomics.wait(this.ctrl, 0, REQUEST, left);
    }
    if (Atomics.load(this.ctrl, 0) === DEAD) throw new StrategyError(this.reason());
    const reply = deserialize(this.data.slice(0, Atomics.load(this.ctrl, 1)));
    Atomics.store(this.ctrl, 0, IDLE);
    Atomics.notify(this.ctrl, 0);
    return reply;
  }

  /** Why the process is gone (written by the relay), or a generic line. */
  private reason(): string {
    try {
      const r = deserialize(this.data.slice(0, Atomics.load(this.ctrl, 1))) as { reason?: unknown };
      if (typeof r?.reason === 'string') return r.reason;
    } catch {
      // no reason written
    }
    return 'the strategy sandbox is not running';
  }

  /** Ends the sandbox process at once (SIGKILL) and the relay. */
  kill(): void {
    const pid = Atomics.load(this.ctrl, 2);
    if (pid > 0) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (Atomics.load(this.ctrl, 0) !== DEAD) {
      const why = serialize({ reason: 'the strategy sandbox was stopped' });
      this.data.set(why, 0);
      Atomics.store(this.ctrl, 1, why.length);
      Atomics.store(this.ctrl, 0, DEAD);
    }
    void this.worker.terminate();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.kill();
  }
}
