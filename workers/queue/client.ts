/**
 * Sweeps on a queue (the desktop's side): the same parameter sets as a local sweep, cut into jobs for queue
 * workers on any machine. Rows are collected by parameter-set index, each exactly once, whatever happens to
 * workers or to Redis:
 * - a worker killed mid-job: its lock lapses, BullMQ's stalled-job check hands the job to another worker;
 * - Redis restarted (with or without its data): a reconcile pass every second re-publishes missing blobs and
 *   re-adds missing jobs under the same ids; a job answered twice is read once, from its stored result;
 * - a worker on another engine version never sees the jobs (queues are per engine fingerprint); when no
 *   worker of this version is connected, the sweep says so instead of waiting forever.
 * Results are hostile input: checked against their job, and `verify` rows are re-run here and must match
 * their determinism hash exactly.
 */
import { randomUUID } from 'node:crypto';
import { CancelledError, KestrelError } from '../../main/core/errors.ts';
import type { ParamSet } from '../../main/core/backtest/sweep.ts';
import type { WorkerPool } from '../pool.ts';
import type { DatasetInput, SweepRow } from '../backtest/types.ts';
import { canonicalJson } from '../../main/core/audit/canonical.ts';
import { describe, QueueClient, type QueueEndpoint, type WorkerInfo } from './bullmq.ts';
import { packDataset, sha256Hex } from './datasets.ts';
import { engineFingerprint } from './fingerprint.ts';
import { PROTOCOL, queueName, readResult, type JobData } from './protocol.ts';

export interface QueueTarget extends QueueEndpoint {
  /** Parameter sets per job (default: about four jobs per worker slot, at most 16 sets). */
  readonly setsPerJob?: number;
  /** Rows re-run on this machine to check their hashes (default 2: the first row and one drawn at random). */
  readonly verify?: number;
  /** How long to wait for a worker of this version, and for an unreachable Redis (default 15 s / 60 s). */
  readonly waitForWorkersMs?: number;
  readonly unreachableMs?: number;
  readonly attempts?: number;
  readonly reconcileMs?: number;
}

export interface QueueRunOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface QueueRunStats {
  readonly jobs: number;
  /** Per job: enqueue → result read here, minus the worker's compute time (ms; includes waiting for a free worker). */
  readonly overheadMs: number[];
  /** Worker compute time summed over the jobs (ms). */
  readonly computeMs: number;
  readonly workers: string[];
  readonly republished: number;
  /** Jobs taken back from a worker that died or froze holding them, and run again elsewhere. */
  readonly recovered: number;
}

const BLOB_TTL_SEC = 6 * 3_600;

/** A dataset is packed and hashed once, however many sweeps or walk-forward windows send it. */
const packed = new WeakMap<Float64Array, ReturnType<typeof packDataset>>();
function packOnce(d: DatasetInput): ReturnType<typeof packDataset> {
  let p = packed.get(d.columns.ts);
  if (!p) {
    p = packDataset(d);
    packed.set(d.columns.ts, p);
  }
  return p;
}

function mismatch(ws: readonly WorkerInfo[], engine: string, where: string): KestrelError {
  if (ws.length === 0) return new KestrelError('timeout', `no worker is connected to the queue at ${where}: start one with \`kestrel worker --queue ${where}\``, { retryable: true });
  const seen = [...new Set(ws.map((w) => `${w.engine.slice(0, 12)} (Kestrel ${w.version}, ${w.host})`))].join(', ');
  return new KestrelError('conflict', `the workers on ${where} run other engine versions (${seen}); this desktop runs ${engine.slice(0, 12)}. Results must be exact, so they refuse its tasks: run workers of this version`);
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/** Runs `sets` on the queue; the rows come back in `sets` order. `pool` re-runs the verification rows. */
export async function runSetsOnQueue(
  target: QueueTarget,
  pool: WorkerPool,
  config: unknown,
  doc: unknown,
  sets: readonly ParamSet[],
  datasets: readonly DatasetInput[],
  opts: QueueRunOptions = {},
  stats?: (s: QueueRunStats) => void,
): Promise<SweepRow[]> {
  const where = describe(target);
  const engine = engineFingerprint();
  let lastError: Error | undefined;
  const client = new QueueClient(target, queueName(engine), (e) => (lastError = e));
  const runId = randomUUID();
  try {
    await client.ready(target.unreachableMs ?? 60_000, where);
    const slots = await waitForWorkers(client, engine, where, target.waitForWorkersMs ?? 15_000, opts.signal);

    // The text whose hash is the strategy's version (as the local pool computes it), so rows hash the same.
    const docText = typeof doc === 'string' ? doc : canonicalJson(doc);
    const blobs = new Map<string, Uint8Array>([[sha256Hex(Buffer.from(docText)), Buffer.from(docText)]]);
    const docHash = [...blobs.keys()][0]!;
    const hashes = datasets.map((d) => {
      const p = packOnce(d);
      blobs.set(p.hash, p.bytes);
      return p.hash;
    });
    const publish = async (onlyMissing: boolean): Promise<number> => {
      let n = 0;
      for (const [h, b] of blobs) {
        if (onlyMissing && (await client.hasBlob(h))) continue;
        await client.putBlob(h, b, BLOB_TTL_SEC);
        n++;
      }
      return n;
    };
    await publish(false);

    const per = Math.max(1, target.setsPerJob ?? Math.min(16, Math.ceil(sets.length / (slots * 4))));
    const jobs = new Map<string, JobData>();
    for (let at = 0, c = 0; at < sets.length; at += per, c++) {
      const index = Array.from({ length: Math.min(per, sets.length - at) }, (_, i) => at + i);
      jobs.set(`${runId}.${c}`, { protocol: PROTOCOL, engine, runId, config, doc: docHash, datasets: hashes, index, sets: index.map((k) => sets[k]!) });
    }
    const attempts = target.attempts ?? 5;
    const added = new Map<string, number>();
    const add = async (ids: readonly string[]): Promise<void> => {
      await client.add(ids.map((id) => ({ id, data: jobs.get(id)! })), { attempts });
      const now = performance.now();
      for (const id of ids) if (!added.has(id)) added.set(id, now);
    };
    await add([...jobs.keys()]);

    const rows: SweepRow[] = new Array(sets.length);
    const pending = new Set(jobs.keys());
    const overheadMs: number[] = [];
    const workers = new Set<string>();
    let done = 0;
    let republished = 0;
    let recovered = 0;
    let computeMs = 0;
    let failure: KestrelError | undefined;
    let wake: () => void = () => undefined;

    const collect = async (id: string): Promise<void> => {
      if (!pending.has(id)) return;
      const j = await client.job(id);
      if (!pending.has(id)) return;
      if (j?.state === 'failed') {
        failure ??= new KestrelError('internal', `queue job ${id.split('.')[1]} failed ${attempts} times; last: ${j.failedReason ?? 'no reason given'}`);
        return wake();
      }
      if (j?.state !== 'completed') return;
      const r = readResult(j.returnvalue, jobs.get(id)!, id);
      pending.delete(id);
      if (j.stalled > 0) recovered++;
      r.index.forEach((k, i) => (rows[k] = r.rows[i]!));
      overheadMs.push(Math.max(0, performance.now() - added.get(id)! - r.computeMs));
      workers.add(r.worker);
      computeMs += r.computeMs;
      done += r.rows.length;
      opts.onProgress?.(done, sets.length);
      void client.remove(id).catch(() => undefined);
      wake();
    };
    const safely = (id: string): void => {
      collect(id).catch((e: unknown) => {
        if (e instanceof KestrelError && e.code === 'validation') {
          failure ??= e;
          wake();
        }
        // A connection error: the reconcile pass reads the job again.
      });
    };
    client.onCompleted(safely);
    client.onFailed(safely);

    let downSince: number | undefined;
    let orphanSince: number | undefined;
    const reconcile = async (): Promise<void> => {
      try {
        // A worker that died keeps its heartbeat a few seconds: with none of this version left, say so.
        const ws = await client.workers();
        if (ws.some((w) => w.engine === engine)) orphanSince = undefined;
        else if ((orphanSince ??= performance.now()) + (target.waitForWorkersMs ?? 15_000) < performance.now()) failure ??= mismatch(ws, engine, where);
        const missing: string[] = [];
        for (const id of [...pending]) {
          const j = await client.job(id);
          if (!j) missing.push(id);
          else if (j.state === 'completed' || j.state === 'failed') await collect(id);
        }
        if (missing.length) {
          republished += await publish(true);
          await add(missing);
        }
        downSince = undefined;
      } catch (e) {
        if (e instanceof KestrelError && e.code === 'validation') {
          failure ??= e;
          return;
        }
        downSince ??= performance.now();
        if (performance.now() - downSince > (target.unreachableMs ?? 60_000)) failure ??= new KestrelError('timeout', `the queue at ${where} has been unreachable for ${Math.round((performance.now() - downSince) / 1000)} s (${lastError?.message ?? (e as Error).message})`, { retryable: true });
      }
    };

    while (pending.size > 0 && !failure) {
      if (opts.signal?.aborted) break;
      await Promise.race([sleep(target.reconcileMs ?? 1_000, opts.signal), new Promise<void>((r) => (wake = r))]);
      if (pending.size > 0 && !failure && !opts.signal?.aborted) await reconcile();
    }
    if (opts.signal?.aborted) {
      await client.cancel(runId).catch(() => undefined);
      await Promise.allSettled([...pending].map((id) => client.remove(id)));
      throw new CancelledError('sweep cancelled');
    }
    if (failure) {
      await client.cancel(runId).catch(() => undefined);
      throw failure;
    }
    await verifyRows(pool, config, doc, sets, datasets, rows, target.verify ?? 2);
    stats?.({ jobs: jobs.size, overheadMs, computeMs, workers: [...workers], republished, recovered });
    return rows;
  } finally {
    await client.close();
  }
}

export interface QueueStatus {
  readonly where: string;
  readonly engine: string;
  readonly workers: readonly (WorkerInfo & { compatible: boolean })[];
}

/** Who is on a queue now (heartbeats), and which workers could run this desktop's tasks. */
export async function queueStatus(target: QueueEndpoint, timeoutMs = 3_000): Promise<QueueStatus> {
  const engine = engineFingerprint();
  const client = new QueueClient(target, queueName(engine));
  try {
    await client.ready(timeoutMs, describe(target));
    const ws = await client.workers();
    return { where: describe(target), engine, workers: ws.map((w) => ({ ...w, compatible: w.engine === engine })) };
  } finally {
    await client.close();
  }
}

async function waitForWorkers(client: QueueClient, engine: string, where: string, ms: number, signal?: AbortSignal): Promise<number> {
  const until = performance.now() + ms;
  for (;;) {
    const ws = await client.workers();
    const mine = ws.filter((w) => w.engine === engine);
    if (mine.length) return mine.reduce((a, w) => a + Math.max(1, w.slots), 0);
    if (performance.now() >= until || signal?.aborted) throw mismatch(ws, engine, where);
    await sleep(250, signal);
  }
}

/** Re-runs `count` rows here (the first, then seeded draws); any hash that differs fails the sweep. */
async function verifyRows(pool: WorkerPool, config: unknown, doc: unknown, sets: readonly ParamSet[], datasets: readonly DatasetInput[], rows: readonly SweepRow[], count: number): Promise<void> {
  const picks = new Set<number>();
  let seed = 0x9e3779b9 ^ sets.length;
  for (let tries = 0; picks.size < Math.min(count, sets.length) && tries < 64; tries++) {
    if (picks.size === 0) picks.add(0);
    else {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      picks.add(seed % sets.length);
    }
  }
  const index = [...picks];
  if (index.length === 0) return;
  const next = new Int32Array(new SharedArrayBuffer(4));
  const out = await pool.run('backtest.sweep', { config, doc, sets: index.map((k) => sets[k]!), next, datasets });
  const keys = Object.keys(out.rows[0]!.stats).sort().join();
  rows.forEach((r, k) => {
    if (Object.keys(r.stats).sort().join() !== keys) throw new KestrelError('validation', `row ${k} came back from the queue with other statistics than this engine computes`);
  });
  out.index.forEach((i, n) => {
    const k = index[i]!;
    const here = out.rows[n]!.determinismHash;
    if (rows[k]?.determinismHash !== here) throw new KestrelError('data_quality', `row ${k} (${JSON.stringify(sets[k])}) came back from the queue with hash ${rows[k]?.determinismHash.slice(0, 12)}, but this machine computes ${here.slice(0, 12)}: the sweep's results are not trusted`);
  });
}
