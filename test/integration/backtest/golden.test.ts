/**
 * Golden backtests (as LEAN's regression algorithms): every template on a fixed dataset, with its exact
 * statistics, trade list and determinism hash committed under test/fixtures/golden. A change that moves
 * any number fails here; if the change is intended, regenerate with KESTREL_UPDATE_GOLDEN=1 and review
 * the diff of the fixtures like code.
 *
 * Dataset: 3 days of 1m BTC/USDT from the seeded demo generator (seed 20240101), frozen as CSV so later
 * generator changes cannot move the goldens.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TEMPLATES } from '../../../main/core/strategy/templates.ts';
import { runBacktest, rulesSource } from '../../../workers/backtest/backtester.ts';

const DIR = new URL('../../fixtures/golden/', import.meta.url);
const UPDATE = process.env.KESTREL_UPDATE_GOLDEN === '1';

function loadCsv(): { ts: Float64Array; open: Float64Array; high: Float64Array; low: Float64Array; close: Float64Array; volume: Float64Array } {
  const lines = readFileSync(new URL('demo-btc-1m.csv', DIR), 'utf8').trim().split('\n').slice(1);
  const n = lines.length;
  const c = { ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  lines.forEach((l, i) => {
    const [t, o, h, lo, cl, v] = l.split(',').map(Number);
    c.ts[i] = t!; c.open[i] = o!; c.high[i] = h!; c.low[i] = lo!; c.close[i] = cl!; c.volume[i] = v!;
  });
  return c;
}

export const GOLDEN_CONFIG = {
  symbols: ['BTC/USDT'], timeframe: '1m', initialCash: '10000', fees: { maker: '0.0002', taker: '0.0005' },
  instruments: { 'BTC/USDT': { tickSize: '0.01', lotSize: '0.00001' } },
};

describe('golden backtests', () => {
  const columns = loadCsv();
  for (const t of TEMPLATES) {
    it(`${t.id} reproduces its committed statistics and trade list`, () => {
      const r = runBacktest({ config: GOLDEN_CONFIG, strategy: rulesSource(t.doc), datasets: [{ symbol: 'BTC/USDT', columns, source: 'golden demo-btc-1m.csv' }] });
      const got = { template: t.id, status: r.status, dataset: r.certificate.datasets[0]!.contentHash, stats: r.stats, trades: r.trades, determinismHash: r.determinismHash };
      const file = new URL(`${t.id}.json`, DIR);
      if (UPDATE || !existsSync(file)) {
        if (!UPDATE) throw new Error(`missing golden ${t.id}.json (run with KESTREL_UPDATE_GOLDEN=1)`);
        writeFileSync(file, JSON.stringify(got, null, 1) + '\n');
      }
      const want = JSON.parse(readFileSync(file, 'utf8'));
      expect(r.status).toBe('ok');
      expect(r.trades.length).toBeGreaterThan(0);
      expect(got.dataset).toBe(want.dataset);
      expect(got.trades).toEqual(want.trades);
      expect(got.stats).toEqual(want.stats);
      expect(got.determinismHash).toBe(want.determinismHash);
    });
  }
});
