import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../main/cli/command.ts';
import { indicators } from '../../../main/cli/commands/indicators.ts';
import { ValidationError } from '../../../main/core/errors.ts';
import { rsi } from '../../../main/core/indicators/index.ts';
import { candles } from './fixtures.ts';

const root = new URL('../../../', import.meta.url).pathname;

describe('kestrel indicators', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-ind-'));
  const c = candles(60, 3);
  const csv = join(dir, 'candles.csv');
  writeFileSync(csv, ['timestamp,open,high,low,close,volume', ...Array.from(c.close, (_, i) => [c.ts[i], c.open[i], c.high[i], c.low[i], c.close[i], c.volume[i]].join(','))].join('\n'));

  it('writes CSV with one column per output, empty until ready (through the real CLI entry point)', () => {
    const r = spawnSync(process.execPath, [join(root, 'main/cli/kestrel.ts'), 'indicators', '--input', csv, '--indicator', 'rsi:14', '--indicator', 'bb:20:2'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('ts,rsi:14,bb:20:2.middle,bb:20:2.upper,bb:20:2.lower,bb:20:2.percentB,bb:20:2.bandwidth');
    expect(lines).toHaveLength(61);
    expect(lines[14]!.split(',')[1]).toBe('');
    const want = rsi(c.close, 14);
    expect(Number(lines[15]!.split(',')[1])).toBe(want[14]);
    expect(Number(lines[60]!.split(',')[1])).toBe(want[59]);
  });

  it('writes JSON with nulls before warm-up', async () => {
    const out = join(dir, 'out.json');
    expect(await indicators.run(['--input', csv, '--indicator', 'sma:10', '--format', 'json', '--output', out])).toBe(0);
    const j = JSON.parse(readFileSync(out, 'utf8')) as { rows: number; ts: number[]; series: Record<string, (number | null)[]> };
    expect(j.rows).toBe(60);
    expect(j.ts[0]).toBe(c.ts[0]);
    expect(j.series['sma:10']![8]).toBeNull();
    expect(j.series['sma:10']![9]).toBeCloseTo(c.close.slice(0, 10).reduce((a, b) => a + b) / 10, 10);
  });

  it('refuses bad specs, formats and files with clear typed errors', async () => {
    await expect(indicators.run(['--input', csv, '--indicator', 'rsi:0'])).rejects.toThrow(/rsi.period/);
    await expect(indicators.run(['--input', csv, '--indicator', 'nope'])).rejects.toBeInstanceOf(ValidationError);
    await expect(indicators.run(['--input', csv, '--indicator', 'rsi', '--format', 'xml'])).rejects.toBeInstanceOf(UsageError);
    await expect(indicators.run(['--indicator', 'rsi'])).rejects.toThrow(/--input is required/);
    await expect(indicators.run(['--input', csv])).rejects.toThrow(/at least one --indicator/);
    await expect(indicators.run(['--input', join(dir, 'missing.csv'), '--indicator', 'rsi'])).rejects.toThrow(/cannot read/);
    writeFileSync(join(dir, 'bad.csv'), 'timestamp,open,high,low,close,volume\n1700000000000,1,2,0.5,abc,10\n');
    await expect(indicators.run(['--input', join(dir, 'bad.csv'), '--indicator', 'rsi'])).rejects.toThrow(/line 2/);
  });
});
