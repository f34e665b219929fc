/**
 * A rules backtest certifies its candles on a second thread while it simulates (workers/backtest/certifier.ts):
 * the certificates must be exactly those the run makes itself, and a thread that fails must leave the run to
 * certify on its own, with the same result.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backtest } from '../../../main/cli/commands/backtest.ts';
import { configFrom } from '../../../main/cli/commands/backtest-shared.ts';
import { generateDemoCandles } from '../../../main/core/data/demo.ts';
import { serialiseCandlesCsv } from '../../../main/core/data/csv.ts';
import { getTemplate } from '../../../main/core/strategy/templates.ts';
import { readCandlesCsvFile } from '../../../main/host/data/csv-file.ts';
import { PreparedRun, runBacktest, rulesSource } from '../../../workers/backtest/backtester.ts';
import { startCertifier } from '../../../workers/backtest/certifier.ts';

const SYMBOL = 'BTC/USDT';
const dir = mkdtempSync(join(tmpdir(), 'kestrel-certify-aside-'));
// 110k one-minute bars (~6 MB of CSV): past both thresholds, so the CLI starts the thread before reading.
const candles = generateDemoCandles({ seed: 9, days: 77, symbols: [{ symbol: SYMBOL, start: 30_000, priceDecimals: 2, qtyDecimals: 5, rho: 0.9, volScale: 1, volume: 25 }] }).get(SYMBOL)!;
const csv = join(dir, 'btc.csv');
writeFileSync(csv, serialiseCandlesCsv(candles));
const strategy = join(dir, 'sma.json');
writeFileSync(strategy, JSON.stringify(getTemplate('sma-crossover')!.doc));

afterEach(() => vi.restoreAllMocks());

describe('certifying on a second thread', () => {
  it('hands over exactly the certificates the run makes itself, from shared or copied columns', async () => {
    const config = await configFrom({ symbol: SYMBOL, fee: '0.001', from: String(candles.ts[1000]) }, '1m');
    const shared = readCandlesCsvFile(csv, { shared: true }).columns;
    expect(shared.close.buffer).toBeInstanceOf(SharedArrayBuffer);
    for (const columns of [shared, candles]) {
      const datasets = [{ symbol: SYMBOL, columns, source: 'btc.csv' }];
      const c = startCertifier();
      c.give(config, datasets);
      const got = c.receive();
      await c.close();
      const own = new PreparedRun(config, datasets).certificates;
      expect(got).toBeDefined();
      expect(got!.length).toBe(1);
      expect(got![0]!.count).toBe(candles.ts.length - 1000);
      expect(JSON.stringify(got)).toBe(JSON.stringify(own));
    }
  });

  it('a thread that cannot certify (the run will refuse the config) says so at once; one never given candles just ends', async () => {
    const bad = await configFrom({ symbol: SYMBOL }, '1h');
    const c = startCertifier();
    c.give(bad, [{ symbol: SYMBOL, columns: candles, source: 'x' }]);
    // Told at once (the thread flags the failure); the run then certifies, and refuses the config, itself.
    expect(c.receive()).toBeUndefined();
    await c.close();
    const idle = startCertifier();
    await idle.close();
  });

  it('`kestrel backtest --json` over a large CSV gives the result of the single-thread run, byte for byte', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    vi.spyOn(console, 'log').mockImplementation((s) => void out.push(String(s)));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const code = await backtest.run(['--strategy', strategy, '--symbol', SYMBOL, '--data', csv, '--fee', '0.001', '--json']);
    expect(code).toBe(0);
    const cli = JSON.parse(out.join('')) as { determinismHash: string; certificate: unknown };
    const config = await configFrom({ symbol: SYMBOL, fee: '0.001' }, '1m');
    const alone = runBacktest({ config, strategy: rulesSource(JSON.stringify(getTemplate('sma-crossover')!.doc), {}), datasets: [{ symbol: SYMBOL, columns: readCandlesCsvFile(csv).columns, source: 'btc.csv' }] });
    expect(cli.determinismHash).toBe(alone.determinismHash);
    expect(cli.certificate).toEqual(JSON.parse(JSON.stringify(alone.certificate)));
  });
});
