/** Code strategies: sandboxed, limited in time and memory, deterministic, partial results on failure. */
import { describe, expect, it } from 'vitest';
import { generateDemoCandles } from '../../../main/core/data/demo.ts';
import { runCodeBacktest } from '../../../workers/backtest/code-runner.ts';

const SYMBOL = 'BTC/USDT';
const data = generateDemoCandles({ seed: 3, days: 3, symbols: [{ symbol: SYMBOL, start: 42_000, priceDecimals: 2, qtyDecimals: 5, rho: 0.9, volScale: 1, volume: 25 }] }).get(SYMBOL)!;
const config = { symbols: [SYMBOL], timeframe: '1m', instruments: { [SYMBOL]: { tickSize: '0.01', lotSize: '0.00001' } } };
const datasets = [{ symbol: SYMBOL, columns: data, source: 'demo' }];

const CROSS = `
type Bar = { close: number };
export default {
  params: { fast: 10, slow: 30 },
  onCandle(ctx: any, bar: Bar): void {
    const f: number = ctx.indicator('sma:' + ctx.params.fast);
    const s: number = ctx.indicator('sma:' + ctx.params.slow);
    if (f > s && ctx.position() === 0) ctx.buy(0.1, 'entry');
    else if (f < s && ctx.position() > 0) ctx.target(0, 'exit');
    __HOOK__
  },
};`;
const code = (hook = ''): string => CROSS.replace('__HOOK__', hook);
const run = (src: string, opts = {}) => runCodeBacktest({ config, source: src, fileName: 'cross.ts', datasets }, opts);

describe('code strategies in a worker', () => {
  it('runs a TypeScript strategy deterministically, version = content hash', async () => {
    const [a, b] = await Promise.all([run(code()), run(code())]);
    expect(a.status).toBe('ok');
    expect(a.trades.length).toBeGreaterThan(5);
    expect(a.determinismHash).toBe(b.determinismHash);
    expect(a.strategy).toMatchObject({ kind: 'code', name: 'cross' });
    expect(a.strategy.version).toMatch(/^[0-9a-f]{64}$/);
    const c = await runCodeBacktest({ config, source: code(), fileName: 'cross.ts', datasets, params: { fast: 5 } });
    expect(c.determinismHash).not.toBe(a.determinismHash);
  });

  it('sees no process, require, fetch or environment; cannot compile code from strings', async () => {
    process.env.KESTREL_TEST_SECRET = 'hunter2';
    const probe = `if (ctx.bar() === 3) {
      const seen = [typeof process, typeof require, typeof fetch, typeof globalThis.process];
      let esc = 'blocked';
      try { esc = String(ctx.constructor.constructor('return typeof process')()); } catch (e) { esc = 'blocked'; }
      if (seen.some((x) => x !== 'undefined') || esc !== 'blocked') throw new Error('escaped: ' + seen.join(',') + ' ' + esc);
      throw new Error('sandbox ok');
    }`;
    const r = await run(code(probe));
    expect(r.status).toBe('error');
    expect(r.error?.message).toBe('sandbox ok');
    const imp = run(`import fs from 'node:fs';\nexport default { onCandle() {} };`);
    await expect(imp).rejects.toThrow(/cannot import/);
  });

  it('a strategy that throws ends with a clear error at that bar, earlier results kept', async () => {
    const r = await run(code(`if (ctx.bar() === 1500) throw new Error('my bug');`));
    expect(r.status).toBe('error');
    expect(r.error).toMatchObject({ message: 'my bug', bar: 1500 });
    expect(r.equity.value.length).toBe(1501);
  });

  it('an order sized NaN is refused with a clear error', async () => {
    const r = await run(code(`if (ctx.bar() === 40) ctx.buy(NaN);`));
    expect(r.status).toBe('error');
    expect(r.error?.message).toMatch(/quantity must be a (positive )?finite number, got NaN/);
    expect(r.error?.bar).toBe(40);
  });

  it('an endless loop is stopped by the watchdog; results up to the last checkpoint are kept', async () => {
    const t0 = Date.now();
    const r = await run(code(`if (ctx.bar() === 2500) { for (;;) {} }`), { stallMs: 500 });
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(r.status).toBe('error');
    expect(r.error?.code).toBe('timeout');
    expect(r.error?.message).toMatch(/no progress/);
    // Progress (with the bars so far) comes at least every 2,048 bars, sooner when 100 ms pass: the last one
    // before the loop at bar 2,500 is at bar 452 or later, however loaded the machine.
    expect(r.equity.value.length).toBeGreaterThanOrEqual(2500 - 2048);
    expect(r.equity.value.length).toBeLessThanOrEqual(2500);
    expect(r.trades.length).toBeGreaterThan(0);
    // and the host keeps working: the next run is fine
    expect((await run(code())).status).toBe('ok');
  });

  it('cancelled while its worker is still starting: a cancelled result at once, and the process keeps working', async () => {
    // The worker is stopped once its entry module runs, never while it loads (that can abort the process).
    for (let round = 0; round < 6; round++) {
      const ac = new AbortController();
      const p = run(code(), { signal: ac.signal });
      ac.abort();
      const r = await p;
      expect(r.status).toBe('cancelled');
      expect(r.error?.code).toBe('cancelled');
    }
    expect((await run(code())).status).toBe('ok');
  });

  it('a memory bomb hits the worker memory limit and ends with a clear error', async () => {
    const r = await run(code(`if (ctx.bar() === 100) { const a = []; for (;;) a.push(new Array(1e5).fill(1)); }`), { memoryMb: 64, stallMs: 10_000 });
    expect(r.status).toBe('error');
    expect(r.error?.message).toMatch(/memory/);
  });
});
