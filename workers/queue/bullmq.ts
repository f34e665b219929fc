/**
 * The queue backend: THE one module that imports bullmq and ioredis. A sweep's tasks are BullMQ jobs on
 * Redis (retries, stalled-job recovery when a worker dies, locks); the datasets and rules documents they
 * need are blobs in the same Redis, named by content hash. Everything above this file speaks in plain
 * values: job ids, JSON data, byte blobs.
 */
import { Queue, QueueEvents, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { KestrelError } from '../../main/core/errors.ts';

export const PREFIX = 'kestrel';
const blobKey = (hash: string) => `${PREFIX}:blob:${hash}`;
const cancelKey = (runId: string) => `${PREFIX}:cancel:${runId}`;
const workerKey = (id: string) => `${PREFIX}:worker:${id}`;

export interface QueueEndpoint {
  /** redis://[user:pass@]host:port[/db] or rediss:// for TLS. */
  readonly url: string;
  /** Overrides a password in the URL; from a secret store or a file, never argv. */
  readonly password?: string;
}

/** ioredis options of an endpoint; the password is never part of an error message or a log line. */
export function redisOptions(ep: QueueEndpoint): RedisOptions {
  let u: URL;
  try {
    u = new URL(ep.url);
  } catch {
    throw new KestrelError('validation', 'queue URL must look like redis://host:6379 or rediss://host:6380');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new KestrelError('validation', `queue URL must start with redis:// or rediss://, got ${u.protocol}//`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new KestrelError('validation', `queue URL database must be a number, got ${u.pathname.slice(1)}`);
  const password = ep.password ?? (u.password ? decodeURIComponent(u.password) : undefined);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 6379,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(password ? { password } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    // BullMQ's blocking calls need this; reconnects back off up to 2 s and never give up by themselves.
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(100 * times, 2_000),
  };
}

/** Where the endpoint names itself in messages: host and port only. */
export function describe(ep: QueueEndpoint): string {
  const o = redisOptions(ep);
  return `${o.tls ? 'rediss' : 'redis'}://${o.host}:${o.port}`;
}

export type JobState = 'waiting' | 'active' | 'completed' | 'failed' | 'delayed' | 'other';

export interface JobView {
  readonly state: JobState;
  readonly returnvalue: unknown;
  readonly failedReason: string | undefined;
  /** Times the job was taken back from a worker that stopped answering (BullMQ's stalled-job check). */
  readonly stalled: number;
}

export interface WorkerInfo {
  readonly id: string;
  readonly engine: string;
  readonly version: string;
  readonly host: string;
  readonly slots: number;
}

export interface JobOptions {
  readonly attempts: number;
}

function quiet(emitter: { on(ev: 'error', f: (e: Error) => void): unknown }, onError?: (e: Error) => void): void {
  // A dropped connection is an 'error' event on every client; ioredis and BullMQ reconnect by themselves.
  emitter.on('error', (e) => onError?.(e));
}

/** The desktop's side: publishes blobs, adds a sweep's jobs, reads them back. */
export class QueueClient {
  private readonly redis: Redis;
  private readonly queue: Queue;
  private readonly events: QueueEvents;

  constructor(ep: QueueEndpoint, queueName: string, onError?: (e: Error) => void) {
    const opts = redisOptions(ep);
    this.redis = new Redis(opts);
    this.queue = new Queue(queueName, { connection: opts as ConnectionOptions, prefix: PREFIX });
    this.events = new QueueEvents(queueName, { connection: opts as ConnectionOptions, prefix: PREFIX });
    this.queue.setMaxListeners(0);
    quiet(this.redis, onError);
    quiet(this.queue, onError);
    quiet(this.events, onError);
  }

  async ready(timeoutMs: number, where: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new KestrelError('timeout', `the queue at ${where} did not answer within ${Math.round(timeoutMs / 1000)} s`, { retryable: true })), timeoutMs);
    });
    try {
      await Promise.race([Promise.all([this.redis.ping(), this.queue.waitUntilReady(), this.events.waitUntilReady()]), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stores a blob unless it is there already; either way it lives `ttlSec` more seconds. */
  async putBlob(hash: string, bytes: Uint8Array, ttlSec: number): Promise<void> {
    const key = blobKey(hash);
    const set = await this.redis.set(key, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'EX', ttlSec, 'NX');
    if (set === null) await this.redis.expire(key, ttlSec);
  }

  async hasBlob(hash: string): Promise<boolean> {
    return (await this.redis.exists(blobKey(hash))) === 1;
  }

  /** Adds jobs; a job id already on the queue is left as it is (re-adding after a restart is safe). */
  async add(jobs: readonly { id: string; data: unknown }[], o: JobOptions): Promise<void> {
    await this.queue.addBulk(
      jobs.map((j) => ({
        name: 'sweep',
        data: j.data,
        opts: { jobId: j.id, attempts: o.attempts, backoff: { type: 'exponential', delay: 500 }, // The desktop removes each job once read; these bounds only clear what a vanished desktop left.
        removeOnComplete: { age: 3_600 }, removeOnFail: { age: 86_400 } },
      })),
    );
  }

  async job(id: string): Promise<JobView | null> {
    // State first, then the job's fields: read the other way round, a job failing in between shows as
    // 'failed' with the reason it had while still active (none).
    const s = await this.queue.getJobState(id);
    const j = await this.queue.getJob(id);
    if (!j) return null;
    const state: JobState = s === 'waiting' || s === 'active' || s === 'completed' || s === 'failed' || s === 'delayed' ? s : s === 'prioritized' ? 'waiting' : 'other';
    return { state, returnvalue: j.returnvalue, failedReason: j.failedReason, stalled: j.stalledCounter ?? 0 };
  }

  /** Jobs not yet finished on this queue, whoever added them. */
  async waitingOrActive(): Promise<number> {
    return this.queue.getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized');
  }

  async remove(id: string): Promise<void> {
    await this.queue.remove(id);
  }

  onCompleted(f: (jobId: string) => void): void {
    this.events.on('completed', ({ jobId }) => f(jobId));
  }

  onFailed(f: (jobId: string) => void): void {
    this.events.on('failed', ({ jobId }) => f(jobId));
  }

  async cancel(runId: string): Promise<void> {
    await this.redis.set(cancelKey(runId), '1', 'EX', 3_600);
  }

  async workers(): Promise<WorkerInfo[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', workerKey('*'), 'COUNT', 200);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    if (keys.length === 0) return [];
    const vals = await this.redis.mget(...keys);
    const out: WorkerInfo[] = [];
    for (const v of vals) {
      try {
        const w = JSON.parse(v ?? '') as WorkerInfo;
        if (typeof w.id === 'string' && typeof w.engine === 'string') out.push(w);
      } catch {
        // a heartbeat that is not ours: ignore it
      }
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    this.redis.disconnect();
  }
}

export interface ProcessorContext {
  /** Aborted when the desktop cancels the job's sweep (polled) or the worker shuts down. */
  readonly signal: AbortSignal;
}

export interface ServerOptions {
  readonly concurrency: number;
  /** How long a job's lock lives without renewal: a worker silent that long is presumed dead. */
  readonly lockMs: number;
  readonly info: WorkerInfo;
  readonly onError?: (e: Error) => void;
}

/** A task the worker can never run (wrong engine, malformed): failed at once, not retried elsewhere. */
export class PermanentFailure extends UnrecoverableError {}

/** The worker's side: takes jobs, fetches blobs, announces itself with a heartbeat. */
export class QueueServer {
  private readonly redis: Redis;
  private readonly worker: Worker;
  private readonly beat: NodeJS.Timeout;
  private readonly running = new Set<{ runId: string; abort: AbortController }>();
  private readonly poll: NodeJS.Timeout;
  private readonly o: ServerOptions;

  constructor(ep: QueueEndpoint, queueName: string, processor: (data: unknown, ctx: ProcessorContext) => Promise<unknown>, o: ServerOptions) {
    this.o = o;
    const opts = redisOptions(ep);
    this.redis = new Redis(opts);
    quiet(this.redis, o.onError);
    this.worker = new Worker(
      queueName,
      async (job: Job) => {
        const runId = typeof (job.data as { runId?: unknown })?.runId === 'string' ? (job.data as { runId: string }).runId : '';
        const entry = { runId, abort: new AbortController() };
        this.running.add(entry);
        try {
          if (runId && (await this.cancelled(runId))) entry.abort.abort();
          return await processor(job.data, { signal: entry.abort.signal });
        } finally {
          this.running.delete(entry);
        }
      },
      { connection: opts as ConnectionOptions, prefix: PREFIX, concurrency: o.concurrency, lockDuration: o.lockMs, stalledInterval: Math.max(500, Math.floor(o.lockMs / 2)), maxStalledCount: 3 },
    );
    quiet(this.worker, o.onError);
    const announce = (): void => void this.redis.set(workerKey(o.info.id), JSON.stringify(o.info), 'PX', Math.max(5_000, o.lockMs * 2)).catch(() => undefined);
    announce();
    this.beat = setInterval(announce, Math.max(1_000, Math.floor(o.lockMs / 2)));
    // Cancellation reaches a running job within a poll: the sweep's cancel key is checked every 250 ms.
    this.poll = setInterval(() => {
      for (const r of this.running) if (r.runId && !r.abort.signal.aborted) void this.cancelled(r.runId).then((c) => c && r.abort.abort(), () => undefined);
    }, 250);
  }

  async ready(): Promise<void> {
    await Promise.all([this.redis.ping(), this.worker.waitUntilReady()]);
  }

  async blob(hash: string): Promise<Buffer | null> {
    return this.redis.getBuffer(blobKey(hash));
  }

  private async cancelled(runId: string): Promise<boolean> {
    return (await this.redis.exists(cancelKey(runId))) === 1;
  }

  /** Finishes the jobs in hand (unless `force`), then leaves; the heartbeat goes with it. */
  async close(force = false): Promise<void> {
    clearInterval(this.beat);
    clearInterval(this.poll);
    if (force) for (const r of this.running) r.abort.abort();
    await this.worker.close(force).catch(() => undefined);
    await this.redis.del(workerKey(this.o.info.id)).catch(() => undefined);
    this.redis.disconnect();
  }
}
