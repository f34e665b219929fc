/**
 * The spare sandbox process (workers/sandbox/spawn.ts): started ahead so a run does not wait for a process
 * to start, handed out once, never a process that served a job, never one that died while it waited or was
 * started with another runtime or memory limit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { generateDemoCandles } from '../../../main/core/data/demo.ts';
import { runCodeBacktest } from '../../../workers/backtest/code-runner.ts';
import { prewarmSandbox, spareSandboxPid, takeSandbox, useSandboxRuntime, type SandboxProcess } from '../../../workers/sandbox/spawn.ts';
import { warmUp } from '../../../workers/sandbox/backtest-job.ts';

const opts = { memoryMb: 256 };
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function until(what: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const taken: SandboxProcess[] = [];
afterEach(() => {
  for (const p of taken.splice(0)) p.kill();
  useSandboxRuntime(undefined); // drops any spare
});

describe('spare sandbox process', () => {
  it('is handed out once, with the ready message it sent before anyone listened', async () => {
    prewarmSandbox(opts);
    const pid = spareSandboxPid()!;
    expect(pid).toBeGreaterThan(0);
    // Let it start and say ready while nobody listens.
    await new Promise((r) => setTimeout(r, 1500));
    const a = takeSandbox(opts);
    taken.push(a);
    expect(a.pid).toBe(pid);
    expect(spareSandboxPid()).toBeUndefined();
    const got: unknown[] = [];
    a.onMessage((m) => got.push(m));
    await until(() => got.length > 0);
    expect(got[0]).toEqual({ type: 'ready' });
    const b = takeSandbox(opts);
    taken.push(b);
    expect(b.pid).not.toBe(pid);
  });

  it('is not handed out when it died while waiting, or was started with another memory limit', async () => {
    prewarmSandbox(opts);
    const dead = spareSandboxPid()!;
    process.kill(dead, 'SIGKILL');
    await until(() => !alive(dead));
    await new Promise((r) => setTimeout(r, 100)); // the exit reaches the parent
    const a = takeSandbox(opts);
    taken.push(a);
    expect(a.pid).not.toBe(dead);
    prewarmSandbox({ memoryMb: 64 });
    const small = spareSandboxPid()!;
    const b = takeSandbox(opts);
    taken.push(b);
    expect(b.pid).not.toBe(small);
    await until(() => !alive(small)); // the unfit spare is ended, not left behind
  });

  it('is dropped when the runtime changes', async () => {
    prewarmSandbox(opts);
    const pid = spareSandboxPid()!;
    useSandboxRuntime(undefined);
    expect(spareSandboxPid()).toBeUndefined();
    await until(() => !alive(pid));
  });

  const SYMBOL = 'BTC/USDT';
  const data = generateDemoCandles({ seed: 2, days: 2, symbols: [{ symbol: SYMBOL, start: 42_000, priceDecimals: 2, qtyDecimals: 5, rho: 0.9, volScale: 1, volume: 25 }] }).get(SYMBOL)!;
  const config = { symbols: [SYMBOL], timeframe: '1m', instruments: { [SYMBOL]: { tickSize: '0.01', lotSize: '0.00001' } } };
  const datasets = [{ symbol: SYMBOL, columns: data, source: 'demo' }];

  it('warms up (a backtest of its own) and then gives exactly the result a process started for the run gives', async () => {
    await expect(warmUp()).resolves.toBeUndefined();
    const source = `export default { params: { fast: 7, slow: 25 }, onCandle(ctx) {
      const f = ctx.indicator('sma:' + ctx.params.fast), s = ctx.indicator('ema:' + ctx.params.slow);
      if (f > s && ctx.position() <= 0) ctx.target(0.01); else if (f < s && ctx.position() >= 0) ctx.target(-0.01);
    }, onFill(ctx, fill) { ctx.log(JSON.stringify(fill)); } };`;
    prewarmSandbox(opts);
    const pid = spareSandboxPid()!;
    const warm = await runCodeBacktest({ config, source, fileName: 'w.ts', datasets });
    expect(spareSandboxPid()).not.toBe(pid); // the warmed spare ran it (a new one waits now)
    await until(() => !alive(pid));
    useSandboxRuntime(undefined); // no spare: the next run starts its own process
    const cold = await runCodeBacktest({ config, source, fileName: 'w.ts', datasets });
    expect(warm.status).toBe('ok');
    expect(warm.trades.length).toBeGreaterThan(10);
    expect(warm.determinismHash).toBe(cold.determinismHash);
    expect(warm.trades).toEqual(cold.trades);
    expect(warm.stats).toEqual(cold.stats);
  });

  it('after a run, a fresh spare waits (the process that ran the strategy is gone)', async () => {
    const run = () => runCodeBacktest({ config, source: 'export default { onCandle(ctx) { if (ctx.bar() === 3) ctx.buy(0.01); } };', fileName: 's.ts', datasets });
    prewarmSandbox(opts);
    const first = spareSandboxPid()!;
    expect((await run()).status).toBe('ok');
    // Started once the result is delivered (the fork does not delay it).
    await until(() => spareSandboxPid() !== undefined);
    const next = spareSandboxPid()!;
    expect(next).toBeGreaterThan(0);
    expect(next).not.toBe(first);
    await until(() => !alive(first)); // the run took the spare, and its process ended with the run
    expect((await run()).counts.fills).toBe(1);
    expect(spareSandboxPid()).not.toBe(next);
    await until(() => !alive(next));
  });
});
