/**
 * `--data FILE.csv` end to end: common exports (pandas index column, capitalised names, ISO dates) give the
 * same run (same determinism hash) as the plain file, what was detected is reported, and bad rows are refused by line like
 * `kestrel import` refuses them, unless --allow-bad-rows leaves them out. `kestrel import` reads the same
 * exports and stores nothing from a bad file.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backtest } from '../../../main/cli/commands/backtest.ts';
import { importCsv } from '../../../main/cli/commands/import.ts';
import { MarketService } from '../../../main/host/data/market-service.ts';
import { getTemplate } from '../../../main/core/strategy/templates.ts';

const CSV = new URL('../../fixtures/golden/demo-btc-1m.csv', import.meta.url).pathname;
const lines = readFileSync(CSV, 'utf8').trim().split('\n');
let dir: string;
let out: string[];
let err: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kestrel-cli-data-'));
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(console, 'log').mockImplementation((s) => void out.push(String(s)));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

function write(name: string, rows: readonly string[]): string {
  // The file's name is in the run's certificate (and hash): same-named files in their own folders compare.
  const f = join(mkdtempSync(join(dir, 'f-')), name);
  writeFileSync(f, `${rows.join('\n')}\n`);
  return f;
}

async function run(data: string, ...extra: string[]): Promise<{ code: number; hash: string }> {
  const strat = join(dir, 'cross.json');
  writeFileSync(strat, JSON.stringify(getTemplate('sma-crossover')!.doc));
  out.length = 0;
  const code = await backtest.run(['--strategy', strat, '--symbol', 'BTC/USDT', '--timeframe', '1m', '--data', data, '--fee', '0.0005', '--tick', '0.01', '--lot', '0.00001', '--json', ...extra]);
  return { code, hash: JSON.parse(out.join('')).determinismHash };
}

/** The golden file as pandas writes it: a row-number column, capitalised names, ISO dates. */
const pandas = [',Date,Open,High,Low,Close,Volume', ...lines.slice(1).map((l, i) => {
  const [ts, ...rest] = l.split(',');
  return [i, new Date(Number(ts)).toISOString().replace('T', ' ').replace('.000Z', ''), ...rest].join(',');
})];

describe('backtest --data reads common exports and checks rows like import', () => {
  it('a pandas export runs bit-identically to the plain file (same hash), and what was detected is reported', async () => {
    const plain = await run(write('data.csv', lines));
    err.length = 0;
    const r = await run(write('data.csv', pandas));
    expect(r).toEqual({ code: 0, hash: plain.hash });
    expect(err.join('')).toMatch(/data\.csv: 4320 rows, comma-separated, header ,Date,Open,High,Low,Close,Volume, timestamps as ISO-8601 dates/);
  });

  it('refuses Infinity, negative prices and high < low naming the line; --allow-bad-rows leaves them out', async () => {
    for (const [k, bad] of [[10, '1e999'], [20, '-1']] as const) {
      const rows = lines.slice();
      const cells = rows[k]!.split(',');
      cells[1] = bad;
      rows[k] = cells.join(',');
      await expect(run(write(`bad${k}.csv`, rows))).rejects.toThrow(new RegExp(`first at line ${k + 1}: .*--allow-bad-rows`));
    }
    const rows = lines.slice();
    const c = rows[30]!.split(',');
    [c[2], c[3]] = [c[3]!, c[2]!]; // high below low
    rows[30] = c.join(',');
    const f = write('swapped.csv', rows);
    await expect(run(f)).rejects.toThrow(/1 invalid row\(s\); first at line 31: low is above open or close/);
    err.length = 0;
    const r = await run(f, '--allow-bad-rows');
    expect(r.code).toBe(0);
    const without = lines.slice();
    without.splice(30, 1);
    expect(r.hash).toBe((await run(write('swapped.csv', without))).hash);
    expect(err.join('')).toMatch(/4320 rows.*left out 1 bad row\(s\); first at line 31/);
  });
});

describe('kestrel import reads the same exports', () => {
  it('a file already imported is answered by the store, not parsed again, while its candles are unchanged', async () => {
    const dataDir = join(dir, 'data');
    const f = write('plain.csv', lines);
    const args = [f, '--symbol', 'BTC/USDT', '--source', 'csv:p', '--data-dir', dataDir];
    expect(await importCsv.run(args)).toBe(0);
    expect(out.join('\n')).toMatch(/imported 4320 candles/);
    out.length = 0;
    expect(await importCsv.run(args)).toBe(0);
    expect(out.join('\n')).toMatch(/already imported: 4320 candles .* nothing to do/);
    // Another file rewrites one of those candles: the next import of the first file parses and stores again.
    const cells = lines[50]!.split(',');
    cells[5] = '123';
    const other = write('other.csv', [lines[0]!, cells.join(',')]);
    expect(await importCsv.run([other, '--symbol', 'BTC/USDT', '--source', 'csv:p', '--data-dir', dataDir])).toBe(0);
    out.length = 0;
    expect(await importCsv.run(args)).toBe(0);
    expect(out.join('\n')).toMatch(/imported 4320 candles/);
  });

  it('stores a pandas export as the plain candles, reports the layout; a bad file stores nothing', async () => {
    const dataDir = join(dir, 'data');
    expect(await importCsv.run([write('pandas.csv', pandas), '--symbol', 'BTC/USDT', '--source', 'csv:x', '--data-dir', dataDir])).toBe(0);
    expect(out.join('\n')).toMatch(/detected: 4320 rows, comma-separated, header ,Date,.*ISO-8601[\s\S]*imported 4320 candles/);
    const rows = pandas.slice();
    rows[100] = rows[100]!.replace(/,([\d.]+)$/, ',-5');
    await expect(importCsv.run([write('bad.csv', rows), '--symbol', 'BTC/USDT', '--source', 'csv:y', '--data-dir', dataDir])).rejects.toThrow(/line 101: volume is negative/);
    const svc = MarketService.open(join(dataDir, 'market.db'));
    try {
      expect(svc.datasets().map((d) => [d.source, d.count])).toEqual([['csv:x', 4320]]);
    } finally {
      await svc.close();
    }
  });
});
