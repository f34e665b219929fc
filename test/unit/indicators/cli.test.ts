import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rsi } from '../../../main/core/indicators/index.ts';
import { candles } from './fixtures.ts';

const root = new URL('../../../', import.meta.url).pathname;
const kestrel = (...args: string[]) => spawnSync(process.execPath, [join(root, 'main/cli/kestrel.ts'), 'indicators', ...args], { encoding: 'utf8' });

describe('kestrel indicators', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-ind-'));
  const c = candles(60, 3);
  const csv = join(dir, 'candles.csv');
  writeFileSync(csv, ['timestamp,open,high,low,close,volume', ...Array.from(c.close, (_, i) => [c.ts[i], c.open[i], c.high[i], c.low[i], c.close[i], c.volume[i]].join(','))].join('\n'));

  it('writes CSV with one column per output, empty until ready', () => {
    const r = kestrel('--input', csv, '--indicator', 'rsi:14', '--indicator', 'bb:20:2');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('ts,rsi:14,bb:20:2.middle,bb:20:2.upper,bb:20:2.lower,bb:20:2.percentB,bb:20:2.bandwidth');
    expect(lines).toHaveLength(61);
    expect(lines[14]!.split(',')[1]).toBe('');
    const want = rsi(c.close, 14);
    expect(Number(lines[15]!.split(',')[1])).toBe(want[14]);
    expect(Number(lines[60]!.split(',')[1])).toBe(want[59]);
  });

  it('writes JSON with nulls before warm-up', () => {
    const r = kestrel('--input', csv, '--indicator', 'sma:10', '--format', 'json');
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { rows: number; ts: number[]; series: Record<string, (number | null)[]> };
    expect(j.rows).toBe(60);
    expect(j.series['sma:10']![8]).toBeNull();
    expect(j.series['sma:10']![9]).toBeCloseTo(c.close.slice(0, 10).reduce((a, b) => a + b) / 10, 10);
  });

  it('refuses bad specs, formats and files with a clear message and a non-zero exit', () => {
    expect(kestrel('--input', csv, '--indicator', 'rsi:0').stderr).toMatch(/rsi.period/);
    expect(kestrel('--input', csv, '--indicator', 'nope').status).toBe(1);
    expect(kestrel('--input', csv, '--indicator', 'rsi', '--format', 'xml').status).toBe(2);
    expect(kestrel('--indicator', 'rsi').stderr).toMatch(/--input is required/);
    expect(kestrel('--input', join(dir, 'missing.csv'), '--indicator', 'rsi').stderr).toMatch(/cannot read/);
    writeFileSync(join(dir, 'bad.csv'), 'timestamp,open,high,low,close,volume\n1700000000000,1,2,0.5,abc,10\n');
    expect(kestrel('--input', join(dir, 'bad.csv'), '--indicator', 'rsi').stderr).toMatch(/line 2/);
  });
});
