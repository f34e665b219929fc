/**
 * Main-thread side of the SQL worker. `SqlWorker.start(paths)` spawns the thread; `call(method, params)`
 * is typed by the protocol and rejects with the same KestrelError subclass the worker threw.
 */
import { Worker } from 'node:worker_threads';
import { KestrelError, StorageError, ValidationError, type ErrorIssue } from '../../main/core/errors.ts';
import type { SqlMethod, SqlParams, SqlRequest, SqlResponse, SqlResult, SqlWorkerData, WireError } from './protocol.ts';

export class SqlWorker {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  private dead: Error | null = null;

  private constructor(data: SqlWorkerData) {
    // From sources the entry is worker.ts (type stripping); in a compiled build it sits beside us as worker.js.
    const entry = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);
    this.worker = new Worker(entry, { workerData: data });
    this.worker.on('message', (m: SqlResponse) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(fromWire(m.error));
    });
    const fail = (e: Error) => {
      this.dead = e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', (e) => fail(new StorageError(`SQL worker crashed: ${e.message}`, {}, e)));
    this.worker.on('exit', (code) => fail(new StorageError(`SQL worker exited (code ${code})`)));
  }

  /** Starts a worker reading the given databases (read-only; the main thread keeps the only writer). */
  static start(paths: { market: string; ledger: string }): SqlWorker {
    return new SqlWorker({ marketPath: paths.market, ledgerPath: paths.ledger });
  }

  call<M extends SqlMethod>(method: M, params: SqlParams<M>): Promise<SqlResult<M>> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<SqlResult<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, method, params } satisfies SqlRequest);
    });
  }

  /** Closes the worker's connections and ends the thread. */
  async close(): Promise<void> {
    if (this.dead) return;
    const exited = new Promise<void>((r) => this.worker.once('exit', () => r()));
    this.worker.postMessage('close');
    const timer = setTimeout(() => void this.worker.terminate(), 2000);
    await exited;
    clearTimeout(timer);
  }
}

function fromWire(e: WireError): KestrelError {
  switch (e.code) {
    case 'storage':
      return new StorageError(e.message, e.details);
    case 'validation':
      return new ValidationError(e.message, (e.details?.issues as ErrorIssue[] | undefined) ?? []);
    default:
      return new KestrelError(e.code, e.message, { details: e.details });
  }
}
