/**
 * A queue worker: takes sweep jobs from the queue and runs them with the local pool's own `backtest.sweep`
 * task (one task definition, two executors: the desktop's pool and this). Each job's datasets and rules
 * document are fetched once by hash, verified, and kept for the sweep's next jobs.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { KestrelError } from '../../main/core/errors.ts';
import { WorkerPool } from '../pool.ts';
import { prepareDatasets } from '../backtest/sweep-runner.ts';
import type { DatasetInput } from '../backtest/types.ts';
import { PermanentFailure, QueueServer, type QueueEndpoint } from './bullmq.ts';
import { DatasetCache, sha256Hex } from './datasets.ts';
import { engineFingerprint } from './fingerprint.ts';
import { JobData, queueName, type JobResult } from './protocol.ts';

export interface QueueWorkerOptions extends QueueEndpoint {
  /** Jobs run at once, one pool thread each (default: the machine's cores). */
  readonly concurrency?: number;
  /** Default 30 s: a worker silent that long has its job handed to another worker. */
  readonly lockMs?: number;
  readonly version: string;
  readonly onError?: (e: Error) => void;
  readonly onJob?: (e: { runId: string; sets: number; ms: number }) => void;
}

export interface QueueWorker {
  readonly id: string;
  readonly engine: string;
  readonly queue: string;
  /** Blobs fetched and verified so far. */
  fetched(): number;
  close(force?: boolean): Promise<void>;
}

export async function startQueueWorker(o: QueueWorkerOptions): Promise<QueueWorker> {
  const engine = engineFingerprint();
  const pool = new WorkerPool(o.concurrency ? { threads: o.concurrency } : {});
  const slots = pool.threads;
  const id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const cache = new DatasetCache();
  const docs = new Map<string, string>();
  // The candles of a sweep are range-selected and certified once per (datasets, config), not once per job.
  const prepared = new Map<string, Promise<DatasetInput[]>>();

  const blob = async (hash: string): Promise<Uint8Array> => {
    const b = await server.blob(hash);
    if (!b) throw new KestrelError('not_found', `blob ${hash.slice(0, 12)} is not on the queue (expired or lost in a restart); the desktop re-publishes it`);
    if (sha256Hex(b) !== hash) throw new PermanentFailure(`blob ${hash.slice(0, 12)} does not match its hash: refused`);
    return b;
  };

  const process_ = async (raw: unknown, ctx: { signal: AbortSignal }): Promise<JobResult> => {
    const parsed = JobData.safeParse(raw);
    if (!parsed.success) throw new PermanentFailure(`malformed sweep job: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
    const job = parsed.data;
    if (job.engine !== engine) throw new PermanentFailure(`this worker runs engine ${engine.slice(0, 12)} (Kestrel ${o.version}); the task needs ${job.engine.slice(0, 12)}: refused, it could not reproduce the desktop's results exactly`);
    if (ctx.signal.aborted) return { rows: [], index: [], worker: id, computeMs: 0, cancelled: true };
    const t0 = performance.now();
    let doc = docs.get(job.doc);
    if (doc === undefined) {
      doc = Buffer.from(await blob(job.doc)).toString('utf8');
      docs.set(job.doc, doc);
      if (docs.size > 64) docs.delete(docs.keys().next().value!);
    }
    const key = `${job.datasets.join(',')}|${JSON.stringify(job.config)}`;
    let ready = prepared.get(key);
    if (!ready) {
      ready = Promise.all(job.datasets.map((h) => cache.get(h, () => blob(h)))).then((ds) => prepareDatasets(job.config, ds));
      prepared.set(key, ready);
      ready.catch(() => prepared.delete(key));
      if (prepared.size > 16) prepared.delete(prepared.keys().next().value!);
    }
    const datasets = await ready;
    const next = new Int32Array(new SharedArrayBuffer(4));
    let out;
    try {
      out = await pool.run('backtest.sweep', { config: job.config, doc, sets: job.sets, next, datasets }, { signal: ctx.signal });
    } catch (e) {
      // A cancelled sweep's job ends as answered (nobody reads it), not failed: a failure would be retried.
      if (ctx.signal.aborted) return { rows: [], index: [], worker: id, computeMs: performance.now() - t0, cancelled: true };
      throw e;
    }
    const ms = performance.now() - t0;
    o.onJob?.({ runId: job.runId, sets: job.sets.length, ms });
    return { rows: out.rows as unknown as JobResult['rows'], index: out.index.map((i) => job.index[i]!), worker: id, computeMs: ms };
  };

  const server: QueueServer = new QueueServer(o, queueName(engine), process_, {
    concurrency: slots,
    lockMs: o.lockMs ?? 30_000,
    info: { id, engine, version: o.version, host: hostname(), slots },
    ...(o.onError ? { onError: o.onError } : {}),
  });
  await server.ready();
  return {
    id,
    engine,
    queue: queueName(engine),
    fetched: () => cache.fetched,
    async close(force = false) {
      await server.close(force);
      await pool.close();
    },
  };
}
