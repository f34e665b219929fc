/**
 * What crosses the wire between a desktop and queue workers, as zod schemas: both sides treat the other's
 * messages as hostile (anyone who can write to the Redis can add a job or forge a result). Nothing secret
 * travels: a rules document, a backtest config, parameter sets, dataset hashes; never a key or a path.
 */
import { z } from 'zod';
import { KestrelError } from '../../main/core/errors.ts';
import type { SweepRow } from '../backtest/types.ts';

export const PROTOCOL = 1;
const Hash = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in hex');
const ParamSet = z.record(z.string().max(64), z.number().finite()).refine((p) => Object.keys(p).length <= 64, 'at most 64 parameters');

export const JobData = z
  .object({
    protocol: z.literal(PROTOCOL),
    engine: Hash,
    runId: z.string().regex(/^[0-9a-f-]{36}$/),
    /** The backtest config, validated by the engine's own parser on the worker. */
    config: z.unknown(),
    doc: Hash,
    datasets: z.array(Hash).min(1).max(64),
    /** The sweep-wide index of each parameter set of this job. */
    index: z.array(z.number().int().min(0)).min(1).max(10_000),
    sets: z.array(ParamSet).min(1).max(10_000),
  })
  .strict()
  .refine((d) => d.index.length === d.sets.length, 'one index per parameter set');
export type JobData = z.infer<typeof JobData>;

const Stat = z.union([z.number(), z.string().max(128), z.null()]);
const Row = z
  .object({
    params: ParamSet,
    status: z.enum(['ok', 'error', 'cancelled']),
    error: z.object({ code: z.string().max(64), message: z.string().max(4_096), bar: z.number().optional(), ts: z.number().optional() }).optional(),
    stats: z.record(z.string().max(64), Stat).refine((s) => Object.keys(s).length <= 128, 'at most 128 statistics'),
    determinismHash: Hash,
  })
  .strict();

export const JobResult = z
  .object({
    rows: z.array(Row).max(10_000),
    index: z.array(z.number().int().min(0)).max(10_000),
    worker: z.string().max(128),
    /** Time spent running backtests (the rest of enqueue → result is the queue's overhead). */
    computeMs: z.number().min(0),
    cancelled: z.boolean().optional(),
  })
  .strict();
export type JobResult = z.infer<typeof JobResult>;

/** A result checked against the job it answers: the same parameter sets, each exactly once. */
export function readResult(raw: unknown, job: JobData, jobId: string): { rows: SweepRow[]; index: number[]; worker: string; computeMs: number } {
  const r = JobResult.safeParse(typeof raw === 'string' ? safeJson(raw) : raw);
  if (!r.success) throw new KestrelError('validation', `queue job ${jobId} returned a malformed result: ${r.error.issues[0]?.path.join('.')} ${r.error.issues[0]?.message}`);
  const { rows, index } = r.data;
  if (rows.length !== index.length || index.length !== job.index.length) throw new KestrelError('validation', `queue job ${jobId} returned ${rows.length} rows for ${job.index.length} parameter sets`);
  const expected = new Map(job.index.map((k, i) => [k, job.sets[i]!]));
  const seen = new Set<number>();
  rows.forEach((row, i) => {
    const k = index[i]!;
    const params = expected.get(k);
    if (!params || seen.has(k)) throw new KestrelError('validation', `queue job ${jobId} answered parameter set ${k} it was not given, or twice`);
    if (!sameParams(params, row.params)) throw new KestrelError('validation', `queue job ${jobId} changed the parameters of set ${k}`);
    seen.add(k);
  });
  // Shape only: that these are the engine's statistics is checked against rows re-run on the desktop.
  return { rows: rows as unknown as SweepRow[], index, worker: r.data.worker, computeMs: r.data.computeMs };
}

function sameParams(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.is(a[k], b[k]));
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** Jobs of one engine fingerprint share a queue: a worker only ever sees tasks it can run exactly. */
export const queueName = (engine: string): string => `sweep-${engine.slice(0, 16)}`;
