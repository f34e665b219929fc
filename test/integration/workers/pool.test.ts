/**
 * The piscina pool with real worker threads running the .ts task modules under Node's type stripping.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { CancelledError, ValidationError } from '../../../main/core/errors.ts';
import { computeIndicator } from '../../../main/core/indicators/index.ts';
import { computeSeries, shareCandles, sweepIndicators } from '../../../workers/indicators/client.ts';
import { type Progress, sharedFloat64, taskFile, transferablesOf, WorkerPool } from '../../../workers/pool.ts';
import { summarise } from '../../../workers/indicators/summary.ts';
import { candles } from '../../unit/indicators/fixtures.ts';

let pool: WorkerPool;
beforeAll(() => {
  pool = new WorkerPool({ threads: 2 });
});
afterAll(async () => {
  await pool.close();
});

describe('worker pool', () => {
  it('uses every core unless told otherwise (kestrel sweep and the studio share this default)', async () => {
    const all = new WorkerPool();
    expect(all.threads).toBe(availableParallelism());
    await all.close();
  });

  it('threads boot with their task modules preloaded; a pool closed while they still load waits for them, then ends', async () => {
    const input = { candles: candles(2_000, 3), specs: ['rsi:14'] };
    const expected = computeIndicator('rsi:14', input.candles).outputs;
    // Closed at once: terminating a thread mid-load can abort the process, so close() waits for the boots.
    await new WorkerPool({ threads: 2, preload: ['indicators.compute', 'backtest.run'] }).close();
    for (const boot of [true, false]) {
      const p = new WorkerPool({ threads: 2, boot, preload: ['indicators.compute'] });
      const [a, b] = await Promise.all([p.run('indicators.compute', input), p.run('indicators.compute', input)]);
      expect(a.results[0]!.outputs).toEqual(expected);
      expect(b.results[0]!.outputs).toEqual(expected);
      await p.close();
    }
  });

  it('resolves task modules next to pool.ts with its own extension', () => {
    const f = taskFile('indicators.compute');
    expect(f.endsWith('/workers/indicators/task.ts')).toBe(true);
    expect(existsSync(f)).toBe(true);
  });

  it('computes the same series in a worker as in-process, reporting progress, results owned by the caller', async () => {
    const c = candles(20_000, 1);
    const specs = ['rsi:14', 'bb:20:2', 'macd', 'adx:14'];
    const progress: Progress[] = [];
    const out = await computeSeries(pool, c, specs, { onProgress: (p) => progress.push(p) });
    expect(out.results.map((r) => r.key)).toEqual(['rsi:14', 'bb:20:2', 'macd:12:26:9', 'adx:14']);
    for (const [i, s] of specs.entries()) {
      const local = computeIndicator(s, c);
      for (const [name, series] of Object.entries(local.outputs)) {
        expect(out.results[i]!.outputs[name]).toEqual(series);
        // Transferred, not a view of some larger buffer.
        expect(out.results[i]!.outputs[name]!.buffer.byteLength).toBe(series.byteLength);
      }
    }
    expect(progress).toEqual(specs.map((s, i) => ({ done: i + 1, total: specs.length, note: computeIndicator(s, candles(40, 1)).key })));
  });

  it('shares SharedArrayBuffer inputs and can move owned buffers instead of copying', async () => {
    const c = candles(1000, 2);
    const shared = shareCandles(c);
    expect(shared.close!).not.toBe(c.close);
    expect(shareCandles(shared).close).toBe(shared.close);
    const close = c.close.slice();
    const transfer = transferablesOf({ candles: { close } });
    expect(transfer).toEqual([close.buffer]);
    const out = await pool.run('indicators.compute', { candles: { close }, specs: ['sma:5'] }, { transfer });
    expect(close.length).toBe(0); // moved to the worker, detached here
    expect(out.results[0]!.outputs.value![4]).toBeCloseTo((c.close[0]! + c.close[1]! + c.close[2]! + c.close[3]! + c.close[4]!) / 5, 10);
    expect(sharedFloat64([1, 2]).buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('rebuilds typed errors thrown in a worker', async () => {
    const err = await pool.run('indicators.compute', { candles: { close: new Float64Array([1, NaN, 3]) }, specs: ['sma:2'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues[0]!.path).toBe('close.1');
    const unknown = await pool.run('indicators.compute', { candles: { close: new Float64Array(3) }, specs: ['nope:2'] }).catch((e: unknown) => e);
    expect((unknown as Error).message).toMatch(/unknown indicator/);
  });

  it('a cancel racing results already on the way drops them quietly: no uncaught error, the pool keeps serving', async () => {
    // Every task is aborted the moment the first result arrives, while others are finishing.
    const ac = new AbortController();
    const tasks = Array.from({ length: 12 }, () =>
      pool.run('indicators.compute', { candles: { close: new Float64Array(2000).fill(1) }, specs: ['sma:5'] }, { signal: ac.signal }).then(() => ac.abort(), (e: unknown) => e),
    );
    const out = await Promise.all(tasks);
    expect(out.every((x) => x === undefined || x instanceof CancelledError)).toBe(true);
    expect(out.some((x) => x instanceof CancelledError)).toBe(true);
    await expect(pool.run('indicators.compute', { candles: { close: new Float64Array([1, 2, 3]) }, specs: ['sma:2'] })).resolves.toBeTruthy();
  });

  it('cancels a running task with an AbortSignal and keeps serving afterwards', async () => {
    const big = shareCandles(candles(400_000, 3));
    const ac = new AbortController();
    const started = performance.now();
    const p = pool.run('indicators.sweep', { candles: big, specs: Array.from({ length: 40 }, (_, i) => `cci:${200 + i}`) }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await expect(p).rejects.toBeInstanceOf(CancelledError);
    expect(performance.now() - started).toBeLessThan(5000);
    await expect(pool.run('indicators.compute', { candles: { close: new Float64Array([1, 2, 3]) }, specs: ['sma:2'] }, { signal: new AbortController().signal })).resolves.toBeTruthy();
    const pre = new AbortController();
    pre.abort();
    await expect(pool.run('indicators.compute', { candles: { close: new Float64Array(3) }, specs: ['sma:2'] }, { signal: pre.signal })).rejects.toBeInstanceOf(CancelledError);
  });

  it('cancellation is cooperative: the task stops at its next poll and its worker is not terminated', async () => {
    const big = shareCandles(candles(400_000, 6));
    await pool.run('indicators.compute', { candles: { close: new Float64Array([1, 2, 3]) }, specs: ['sma:2'] });
    const before = pool.threadIds.slice().sort();
    const ac = new AbortController();
    let reports = 0;
    const p = pool.run('indicators.sweep', { candles: big, specs: Array.from({ length: 40 }, (_, i) => `cci:${200 + i}`) }, {
      signal: ac.signal,
      onProgress: () => {
        if (++reports === 1) ac.abort();
      },
    });
    await expect(p).rejects.toBeInstanceOf(CancelledError);
    // The pool serves at once, on the same threads: nothing was torn down.
    await expect(pool.run('indicators.compute', { candles: { close: new Float64Array([1, 2, 3]) }, specs: ['sma:2'] })).resolves.toBeTruthy();
    await new Promise((r) => setTimeout(r, 300));
    expect(pool.threadIds.slice().sort()).toEqual(before);
    expect(reports).toBeLessThan(40);
  });

  it('fresh workers cancelled again and again (while they may still be loading) are never terminated', async () => {
    // Termination during module loading could abort the whole process (Node 22.23): cancelling must not terminate.
    for (let round = 0; round < 5; round++) {
      const fresh = new WorkerPool({ threads: 2 });
      try {
        const ids = fresh.threadIds.slice().sort();
        const ac = new AbortController();
        const runs = Array.from({ length: 6 }, () => fresh.run('indicators.compute', { candles: { close: new Float64Array(5000).fill(1) }, specs: ['sma:5', 'ema:9'] }, { signal: ac.signal }).catch((e: unknown) => e));
        ac.abort();
        expect((await Promise.all(runs)).every((x) => x instanceof CancelledError)).toBe(true);
        await expect(fresh.run('indicators.compute', { candles: { close: new Float64Array([1, 2, 3]) }, specs: ['sma:2'] })).resolves.toBeTruthy();
        expect(fresh.threadIds.slice().sort()).toEqual(ids);
      } finally {
        await fresh.close();
      }
    }
  });

  it('a task that ignores cancellation is terminated after the grace period, and the pool replaces its worker', async () => {
    const strict = new WorkerPool({ threads: 1, cancelGraceMs: 20 });
    try {
      await strict.run('indicators.compute', { candles: { close: new Float64Array([1, 2, 3]) }, specs: ['sma:2'] });
      const [id] = strict.threadIds;
      const big = shareCandles(candles(2_000_000, 7));
      const ac = new AbortController();
      // One spec: indicators.compute polls only between specs, so this task cannot notice the flag in time.
      const p = strict.run('indicators.compute', { candles: big, specs: ['cci:400'] }, { signal: ac.signal, onProgress: () => undefined });
      setTimeout(() => ac.abort(), 30);
      await expect(p).rejects.toBeInstanceOf(CancelledError);
      await expect(strict.run('indicators.compute', { candles: { close: new Float64Array([1, 2, 3]) }, specs: ['sma:2'] })).resolves.toBeTruthy();
      expect(strict.threadIds).not.toContain(id);
    } finally {
      await strict.close();
    }
  });

  it('a sweep gives identical results on 1 and 2 threads, equal to in-process computation', async () => {
    const c = candles(50_000, 4);
    const combos = [8, 12].flatMap((f) => [21, 26].map((s) => `macd:${f}:${s}:9`));
    const one = new WorkerPool({ threads: 1 });
    try {
      const a = await sweepIndicators(one, c, combos);
      const b = await sweepIndicators(pool, c, combos);
      expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      combos.forEach((s, i) => expect(a[i]!.outputs.macd!.last).toBe(computeIndicator(s, c).outputs.macd!.at(-1)));
    } finally {
      await one.close();
    }
  });
});

describe('sweep summaries', () => {
  it('equal sums, counts and last values of the batch arrays for several indicator kinds', async () => {
    const c = candles(5000, 5);
    const specs = ['bb:20:2', 'adx:14', 'vwap', 'corr:10:close:ref', 'psar'];
    const got = await sweepIndicators(pool, c, specs);
    specs.forEach((s, i) => {
      const r = computeIndicator(s, c);
      for (const [name, series] of Object.entries(r.outputs)) {
        // The definition in types.ts, written the plain way: four running sums by index mod 4.
        const lanes = [0, 0, 0, 0];
        let count = 0;
        series.forEach((v, j) => {
          if (Number.isNaN(v)) return;
          lanes[j % 4] += v;
          count++;
        });
        const sum = lanes[0]! + lanes[1]! + (lanes[2]! + lanes[3]!);
        expect(got[i]!.outputs[name]).toEqual({ last: series.at(-1), sum, count });
      }
    });
  });
});

describe('sweep input checks', () => {
  it('rejects non-finite candles and bad specs with ValidationError before any task runs', async () => {
    const c = candles(2000, 6);
    const close = Float64Array.from(c.close);
    close[1500] = Infinity;
    const before = pool.queued;
    await expect(sweepIndicators(pool, { ...c, close }, ['macd', 'rsi:14'])).rejects.toMatchObject({ issues: [{ path: 'close.1500' }] });
    await expect(sweepIndicators(pool, c, ['rsi:0'])).rejects.toBeInstanceOf(ValidationError);
    expect(pool.queued).toBe(before);
  });
});

describe('summarise', () => {
  it('counts and sums the non-NaN values by the lane definition for every tail length, NaNs anywhere', () => {
    for (let n = 0; n < 12; n++) {
      const s = Float64Array.from({ length: n }, (_, j) => (j % 5 === 2 ? NaN : 1 + j * 0.1));
      const lanes = [0, 0, 0, 0];
      let count = 0;
      s.forEach((v, j) => {
        if (Number.isNaN(v)) return;
        lanes[j % 4] += v;
        count++;
      });
      const got = summarise({ key: 'x', name: 'x', params: {}, warmup: 0, outputs: { value: s } }).outputs.value!;
      expect(got).toEqual({ last: n ? s[n - 1] : NaN, sum: lanes[0]! + lanes[1]! + (lanes[2]! + lanes[3]!), count });
    }
  });
});

describe('shareCandles', () => {
  it('reuses the shared copy of an unchanged column and makes a new one as soon as any bit changes', () => {
    const close = Float64Array.from({ length: 1000 }, (_, i) => 100 + i);
    const a = shareCandles({ close }).close as Float64Array;
    expect(shareCandles({ close }).close).toBe(a);
    close[999] = -0; // differs from +0 only in the sign bit
    close[998] = 0;
    const b = shareCandles({ close }).close as Float64Array;
    expect(b).not.toBe(a);
    expect(Object.is(b[999], -0)).toBe(true);
    expect(a[999]).toBe(1099); // the old copy is never written
    close[998] = -0;
    const c = shareCandles({ close }).close as Float64Array;
    expect(c).not.toBe(b);
    expect(Object.is(c[998], -0)).toBe(true);
    expect(shareCandles({ close: Array.from(close) }).close).not.toBe(c);
  });
});
