/**
 * Sweeps on a real queue: redis-server + `kestrel worker` processes, the desktop side in this process. The
 * property in every case: each parameter set's row is present exactly once and equals, hash for hash, the
 * row the local pool computes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoCandles } from '../../../main/core/data/demo.ts';
import { getTemplate } from '../../../main/core/strategy/templates.ts';
import { CancelledError, KestrelError } from '../../../main/core/errors.ts';
import { paramSets, parseSweep, type SweepSpecInput } from '../../../main/core/backtest/sweep.ts';
import { WorkerPool } from '../../../workers/pool.ts';
import { prepareDatasets, runSweep, type SweepRequest } from '../../../workers/backtest/sweep-runner.ts';
import type { SweepRow } from '../../../workers/backtest/types.ts';
import { runSetsOnQueue, type QueueRunStats, type QueueTarget } from '../../../workers/queue/client.ts';
import { QueueClient } from '../../../workers/queue/bullmq.ts';
import { engineFingerprint } from '../../../workers/queue/fingerprint.ts';
import { PROTOCOL, queueName } from '../../../workers/queue/protocol.ts';
import { randomUUID } from 'node:crypto';
import { startRedis, type TestRedis } from './redis.ts';
import { startWorker, stopWorkers, type WorkerProc } from './workers.ts';

const symbol = 'BTC/USDT';
const columns = generateDemoCandles({ days: 25, symbols: [{ symbol, start: 42_000, priceDecimals: 2, qtyDecimals: 5, rho: 0.9, volScale: 1, volume: 25 }] }).get(symbol)!;
const config = { symbols: [symbol], timeframe: '1m', currency: 'USDT', fees: { taker: '0.001', maker: '0.001' }, instruments: { [symbol]: { tickSize: '0.01', lotSize: '0.0001', base: 'BTC', quote: 'USDT' } } };
const doc = getTemplate('sma-crossover')!.doc;
/** 16 × 16 = 256 combinations. */
const sweep = { mode: 'grid', params: { fast: { from: 3, to: 18, step: 1 }, slow: { from: 20, to: 95, step: 5 } }, objective: 'sharpe' } as unknown as SweepSpecInput;
const req: SweepRequest = { config, doc, sweep, datasets: [{ symbol, columns, source: 'demo' }] };
const sets = paramSets(parseSweep(sweep));
const key = (p: Readonly<Record<string, number>>) => `${p.fast}/${p.slow}`;

let redis: TestRedis;
let pool: WorkerPool;
let local: Map<string, string>;
const procs: WorkerProc[] = [];

beforeAll(async () => {
  redis = await startRedis();
  pool = new WorkerPool({ threads: 1 });
  const out = await runSweep(pool, req);
  local = new Map(out.rows.map((r) => [key(r.params), r.determinismHash]));
}, 300_000);

afterAll(async () => {
  await stopWorkers(procs);
  await pool?.close();
  await redis?.stop();
});

function expectSameAsLocal(rows: readonly SweepRow[]): void {
  expect(rows.length).toBe(sets.length);
  const seen = new Set<string>();
  rows.forEach((r, k) => {
    expect(r, `row ${k}`).toBeDefined();
    expect(key(r.params)).toBe(key(sets[k]!));
    seen.add(key(r.params));
    expect(r.determinismHash, key(r.params)).toBe(local.get(key(r.params)));
  });
  expect(seen.size).toBe(256);
}

describe('sweeps on a BullMQ queue', () => {
  it('runs a 256-combination sweep across two workers, one killed with SIGKILL halfway: every row once, hashes equal to the local pool', async () => {
    expect(sets.length).toBe(256);
    const a = startWorker(redis.url, ['--lock-ms', '2000']);
    const b = startWorker(redis.url, ['--lock-ms', '2000']);
    procs.push(a, b);
    await Promise.all([a.ready, b.ready]);
    const target: QueueTarget = { url: redis.url, setsPerJob: 16 };
    let killedAt = -1;
    let stats: QueueRunStats | undefined;
    const rows = await runSetsOnQueue(target, pool, config, doc, sets, prepareDatasets(config, req.datasets), {
      onProgress: (done) => {
        // Half done leaves waiting jobs, so the killed worker holds one it never finishes.
        if (killedAt < 0 && done >= 128) {
          killedAt = done;
          a.proc.kill('SIGKILL');
        }
      },
    }, (s) => (stats = s));
    expect(killedAt).toBeGreaterThanOrEqual(128);
    expect(killedAt).toBeLessThan(256);
    expect(a.proc.signalCode).toBe('SIGKILL');
    expectSameAsLocal(rows);
    expect(stats!.jobs).toBe(16);
    expect(stats!.recovered).toBeGreaterThanOrEqual(1);
    expect(stats!.workers.length).toBe(2);
    await stopWorkers([b]);
  }, 300_000);

  it('resumes when Redis restarts empty mid-sweep: blobs and jobs are re-published, no row lost or doubled', async () => {
    const w = startWorker(redis.url, ['--lock-ms', '2000']);
    procs.push(w);
    await w.ready;
    let restarted = false;
    let stats: QueueRunStats | undefined;
    const rows = await runSetsOnQueue({ url: redis.url, setsPerJob: 16, reconcileMs: 250 }, pool, config, doc, sets, prepareDatasets(config, req.datasets), {
      onProgress: (done) => {
        if (!restarted && done >= 64) {
          restarted = true;
          void redis.restart();
        }
      },
    }, (s) => (stats = s));
    expect(restarted).toBe(true);
    expectSameAsLocal(rows);
    expect(stats!.republished).toBeGreaterThanOrEqual(2);
    await stopWorkers([w]);
  }, 300_000);

  it('refuses to run on workers of another engine version, naming both versions', async () => {
    const other = 'f'.repeat(64);
    const w = startWorker(redis.url, [], { KESTREL_ENGINE_FINGERPRINT: other });
    procs.push(w);
    await w.ready;
    const err = await runSetsOnQueue({ url: redis.url, waitForWorkersMs: 1_500 }, pool, config, doc, sets.slice(0, 4), prepareDatasets(config, req.datasets)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KestrelError);
    expect((err as KestrelError).code).toBe('conflict');
    expect((err as Error).message).toContain('ffffffffffff');
    expect((err as Error).message).toMatch(/this desktop runs [0-9a-f]{12}/);
    await stopWorkers([w]);
  }, 120_000);

  it('a worker refuses, at once and saying why, a task stamped with another engine or forged', async () => {
    const w = startWorker(redis.url);
    procs.push(w);
    await w.ready;
    const client = new QueueClient({ url: redis.url }, queueName(engineFingerprint()));
    try {
      await client.ready(10_000, 'test');
      const base = { protocol: PROTOCOL, runId: randomUUID(), config, doc: 'b'.repeat(64), datasets: ['c'.repeat(64)], index: [0], sets: [{ fast: 5, slow: 20 }] };
      await client.add([{ id: 'other-engine', data: { ...base, engine: 'e'.repeat(64) } }, { id: 'forged', data: { ...base, engine: engineFingerprint(), sets: 'all of them' } }], { attempts: 5 });
      const failed = async (id: string) => {
        for (let i = 0; i < 400; i++) {
          const j = await client.job(id);
          if (j?.state === 'failed') return j.failedReason;
          await new Promise((r) => setTimeout(r, 50));
        }
        throw new Error(`${id} never failed`);
      };
      expect(await failed('other-engine')).toMatch(/this worker runs engine [0-9a-f]{12} .*the task needs eeeeeeeeeeee: refused/);
      expect(await failed('forged')).toMatch(/malformed sweep job: sets/);
    } finally {
      await client.close();
      await stopWorkers([w]);
    }
  }, 120_000);

  it('cancels: the caller is answered with CancelledError, the queue keeps none of the sweep\'s jobs', async () => {
    const w = startWorker(redis.url);
    procs.push(w);
    await w.ready;
    const abort = new AbortController();
    const err = await runSetsOnQueue({ url: redis.url, setsPerJob: 4 }, pool, config, doc, sets, prepareDatasets(config, req.datasets), {
      signal: abort.signal,
      onProgress: (done) => done >= 16 && abort.abort(),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelledError);
    const client = new QueueClient({ url: redis.url }, queueName(engineFingerprint()));
    try {
      await client.ready(10_000, 'test');
      // Waiting jobs were removed; the one a worker held finishes or stops at its next poll.
      let left = Infinity;
      for (let i = 0; i < 200 && left > 0; i++) {
        left = await client.waitingOrActive();
        if (left > 0) await new Promise((r) => setTimeout(r, 50));
      }
      expect(left).toBe(0);
    } finally {
      await client.close();
      await stopWorkers([w]);
    }
  }, 120_000);

  it('says no worker is connected when there is none', async () => {
    const err = await runSetsOnQueue({ url: redis.url, waitForWorkersMs: 500 }, pool, config, doc, sets.slice(0, 4), prepareDatasets(config, req.datasets)).catch((e: unknown) => e);
    expect((err as KestrelError).code).toBe('timeout');
    expect((err as Error).message).toContain('kestrel worker --queue');
  }, 60_000);
});
