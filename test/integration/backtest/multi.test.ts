/** Several symbols on one account, and rolling walk-forward with stitched out-of-sample equity on the pool. */
import { afterAll, describe, expect, it } from 'vitest';
import { generateDemoCandles } from '../../../main/core/data/demo.ts';
import { getTemplate } from '../../../main/core/strategy/templates.ts';
import { runBacktest, rulesSource } from '../../../workers/backtest/backtester.ts';
import { runSweep, runWalkForward } from '../../../workers/backtest/sweep-runner.ts';
import { WorkerPool } from '../../../workers/pool.ts';

const demo = generateDemoCandles({ seed: 11, days: 2 });
const symbols = ['BTC/USDT', 'ETH/USDT'];
const config = { symbols, timeframe: '1m', fees: { taker: '0.0005', maker: '0.0002' }, instruments: { 'BTC/USDT': { tickSize: '0.01', lotSize: '0.00001' }, 'ETH/USDT': { tickSize: '0.01', lotSize: '0.0001' } } };
const datasets = symbols.map((s) => ({ symbol: s, columns: demo.get(s)!, source: 'demo' }));
const doc = { ...getTemplate('sma-crossover')!.doc, params: { fast: 10, slow: 30, equityPct: 45 } };
const pool = new WorkerPool({ threads: 2 });
afterAll(() => pool.close());

describe('portfolio backtests', () => {
  it('trades several symbols on one account, deterministically, with a certificate per dataset', () => {
    const a = runBacktest({ config, strategy: rulesSource(doc), datasets });
    const b = runBacktest({ config, strategy: rulesSource(doc), datasets });
    expect(a.status).toBe('ok');
    expect(new Set(a.trades.map((t) => t.symbol))).toEqual(new Set(symbols));
    expect(a.certificate.datasets.map((d) => d.symbol)).toEqual(symbols);
    expect(a.equity.value.length).toBe(demo.get('BTC/USDT')!.ts.length);
    expect(b.determinismHash).toBe(a.determinismHash);
    // Signals are per symbol: BTC alone makes the same round trips (sizes differ: sizing sees the shared equity).
    const solo = runBacktest({ config: { ...config, symbols: ['BTC/USDT'] }, strategy: rulesSource(doc), datasets });
    expect(solo.trades.length).toBe(a.trades.filter((t) => t.symbol === 'BTC/USDT').length);
  });

  it('sweeps give the same rows on 1 and 2 threads, and can be cancelled', async () => {
    const req = { config: { ...config, symbols: ['BTC/USDT'] }, doc, sweep: { params: { fast: [5, 10], slow: [20, 30, 40] } }, datasets };
    const one = new WorkerPool({ threads: 1 });
    try {
      const [x, y] = await Promise.all([runSweep(one, req), runSweep(pool, req)]);
      expect(x.rows.map((r) => r.determinismHash)).toEqual(y.rows.map((r) => r.determinismHash));
      // A row (statistics and hash only, made without the trade text) equals a full backtest of its parameters.
      for (const row of x.rows.slice(0, 2)) {
        const full = runBacktest({ config: req.config, strategy: rulesSource(doc, row.params), datasets });
        expect(row.stats).toEqual(full.stats);
        expect(row.determinismHash).toBe(full.determinismHash);
      }
    } finally {
      await one.close();
    }
    const ac = new AbortController();
    // Cancelled when the first backtest reports done (not after a fixed time: a fast machine could finish first).
    const p = runSweep(pool, { ...req, sweep: { params: { fast: [3, 4, 5, 6, 7, 8], slow: [20, 25, 30, 35, 40] } } }, { signal: ac.signal, onProgress: () => ac.abort() });
    await expect(p).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('walk-forward optimises in-sample, tests out-of-sample and stitches the equity', async () => {
    const seen: number[] = [];
    const wf = await runWalkForward(pool, {
      config: { ...config, symbols: ['BTC/USDT'] }, doc, datasets,
      sweep: { params: { fast: [5, 10], slow: [20, 40] }, objective: 'netProfitPct' },
      walkForward: { inSampleBars: 1000, outOfSampleBars: 500 },
    }, { onProgress: (d) => seen.push(d) });
    expect(wf.windows.length).toBe(4); // 2880 bars: OOS windows start at 1000, 1500, 2000, 2500
    for (const w of wf.windows) {
      expect(w.oosFrom).toBe(w.isTo);
      expect([5, 10]).toContain(w.best.fast);
    }
    const total = wf.windows.reduce((a, w) => a + (w.oosTo - w.oosFrom), 0);
    expect(wf.equity.value.length).toBe(total);
    // Stitched: each segment starts where the previous ended (no jump back to the initial cash).
    const firstOfSecond = wf.windows[0]!.oosTo - wf.windows[0]!.oosFrom;
    expect(Math.abs(wf.equity.value[firstOfSecond]! - wf.equity.value[firstOfSecond - 1]!) / wf.equity.value[firstOfSecond - 1]!).toBeLessThan(0.02);
    expect(seen.at(-1)).toBe(wf.windows.length * 5);
  });
});
