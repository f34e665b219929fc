/** `kestrel backtest` and `kestrel sweep` end to end over a committed CSV fixture. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backtest } from '../../../main/cli/commands/backtest.ts';
import { sweep } from '../../../main/cli/commands/sweep.ts';
import { getTemplate } from '../../../main/core/strategy/templates.ts';

const CSV = new URL('../../fixtures/golden/demo-btc-1m.csv', import.meta.url).pathname;
let dir: string;
let out: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kestrel-cli-bt-'));
  out = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(console, 'log').mockImplementation((s) => void out.push(String(s)));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

describe('kestrel backtest / sweep', () => {
  it('runs a rules file over a CSV: JSON result, offline HTML report, trades CSV', async () => {
    const file = join(dir, 'cross.json');
    writeFileSync(file, JSON.stringify(getTemplate('sma-crossover')!.doc));
    const code = await backtest.run(['--strategy', file, '--symbol', 'BTC/USDT', '--timeframe', '1m', '--data', CSV, '--fee', '0.0005', '--tick', '0.01', '--lot', '0.00001',
      '--json', '--report', join(dir, 'r.html'), '--trades', join(dir, 't.csv')]);
    expect(code).toBe(0);
    const r = JSON.parse(out.join(''));
    expect(r.schema).toBe('kestrel.backtest/2');
    // Same data + config as the golden test → the same trades and hash.
    const golden = JSON.parse(readFileSync(new URL('../../fixtures/golden/sma-crossover.json', import.meta.url), 'utf8'));
    expect(r.stats.trades).toBe(golden.trades.length);
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toMatch(/<svg[\s\S]*<svg/);
    expect(html).not.toMatch(/<script|src=|href=/);
    expect(readFileSync(join(dir, 't.csv'), 'utf8').trim().split('\n')).toHaveLength(golden.trades.length + 1);
  });

  it('runs a TypeScript code strategy file', async () => {
    const file = join(dir, 'mine.ts');
    writeFileSync(file, `export default { onCandle(ctx: any): void { if (ctx.bar() % 100 === 0) ctx.target(ctx.position() > 0 ? 0 : 0.01); } };`);
    const code = await backtest.run(['--strategy', file, '--symbol', 'BTC/USDT', '--data', CSV, '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(out.join(''));
    expect(r.strategy.kind).toBe('code');
    expect(r.stats.trades).toBeGreaterThan(10);
  });

  it('refuses a bad rules file with the offending path', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ ...getTemplate('sma-crossover')!.doc, sizing: { mode: 'fixed', qty: 'lots' } }));
    await expect(backtest.run(['--strategy', file, '--symbol', 'BTC/USDT', '--data', CSV])).rejects.toThrow(/sizing\.qty/);
  });

  it('sweeps a grid on the pool', async () => {
    const file = join(dir, 'cross.json');
    writeFileSync(file, JSON.stringify(getTemplate('sma-crossover')!.doc));
    const code = await sweep.run(['--strategy', file, '--symbol', 'BTC/USDT', '--data', CSV, '--param', 'fast=5,10', '--param', 'slow=20:40:20', '--threads', '1', '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(out.join(''));
    expect(r.rows).toHaveLength(4);
  });
});
