/**
 * A sweep row is made without the run's history: its engine forgets final orders, keeps no ledger, and the
 * fills go to the result's book as they happen. It must be the row a full backtest gives, whatever the
 * strategy does: every template, stops and trailing exits, partial fills, and runs that stop early.
 */
import { describe, expect, it } from 'vitest';
import { generateDemoCandles } from '../../../main/core/data/demo.ts';
import { TEMPLATES } from '../../../main/core/strategy/templates.ts';
import type { Strategy } from '../../../main/core/engine/strategy.ts';
import { PreparedRun, rulesSource, RunScratch, runBacktest, type StrategySource } from '../../../workers/backtest/backtester.ts';
import { CONFIG, bars, entryOnce, native } from './helpers.ts';

const cols = generateDemoCandles({ seed: 11, days: 4 }).get('BTC/USDT')!;
const demo = { config: { symbols: ['BTC/USDT'], timeframe: '1m' }, datasets: [{ symbol: 'BTC/USDT', columns: cols, source: 'demo' }] };

function same(config: unknown, datasets: typeof demo.datasets, source: StrategySource, scratch = new RunScratch()): { status: string; fills: number } {
  const full = runBacktest({ config, strategy: source, datasets });
  const row = new PreparedRun(config, datasets).summarize(source, {}, scratch);
  expect(row.status).toBe(full.status);
  expect(row.error).toEqual(full.error);
  expect(row.stats).toEqual(full.stats);
  expect(row.determinismHash).toBe(full.determinismHash);
  return { status: full.status, fills: full.counts.fills };
}

describe('sweep rows (no history kept) equal full backtests', () => {
  it('for every template, one lent buffer after another', () => {
    const scratch = new RunScratch();
    for (const t of TEMPLATES) {
      const r = same(demo.config, demo.datasets, rulesSource(t.doc), scratch);
      expect(r.status).toBe('ok');
      expect(r.fills, t.id).toBeGreaterThan(2);
    }
  });

  it('for stop-loss, take-profit, trailing and time exits, and partial fills under a participation cap', () => {
    const rows = Array.from({ length: 400 }, (_, i) => {
      const m = 100 + 8 * Math.sin(i / 9) + (i % 7) * 0.3;
      return [m, m + 1.5, m - 1.5, m + 0.4] as const;
    });
    const datasets = [{ symbol: 'TEST/USD', columns: bars(rows), source: 'test' }];
    const exits = [{ stopLoss: { percent: 2 }, takeProfit: { percent: 3 } }, { trailingStop: { percent: 1.5 } }, { timeExitBars: 4 }];
    for (const x of exits) {
      const r = same({ ...CONFIG }, datasets, rulesSource(entryOnce(x, { maxTradesPerDay: undefined })));
      expect(r.fills).toBeGreaterThan(10);
    }
    const thin = same({ ...CONFIG, participation: 0.001 }, datasets, rulesSource({ ...entryOnce({ timeExitBars: 3 }, { maxTradesPerDay: undefined }), sizing: { mode: 'fixed', qty: 5 } }));
    expect(thin.fills).toBeGreaterThan(10);
  });

  it('for a run that fails after orders are resting (the row keeps only the fills before the stop)', () => {
    // Buys, rests a sell limit, then throws: the cancel takes a bar to arrive (latency), the limit fills
    // first, after the stop, and must not count.
    const make = (): Strategy => ({
      id: 'late',
      onBar(ctx) {
        if (ctx.i === 2) ctx.buy(1);
        if (ctx.i === 4) ctx.submit({ side: 'sell', type: 'limit', qty: 1, price: ctx.ticks(ctx.close() + 1) });
        if (ctx.i === 5) throw new Error('gives up');
      },
    });
    const rows = Array.from({ length: 20 }, (_, i) => [100 + i, 101 + i, 99 + i, 100 + i] as const);
    const datasets = [{ symbol: 'TEST/USD', columns: bars(rows), source: 'test' }];
    const r = same({ ...CONFIG, latencyMs: 60_000 }, datasets, native(make));
    expect(r.status).toBe('error');
    expect(r.fills).toBe(1);
  });
});
