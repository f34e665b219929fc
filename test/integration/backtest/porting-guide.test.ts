/**
 * The worked example of main/core/backtest/PORTING.md, run exactly as written there: its CSV, its strategy
 * and its command line, checked against the figures the guide works out by hand.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backtest } from '../../../main/cli/commands/backtest.ts';

const GUIDE = readFileSync(join(import.meta.dirname, '..', '..', '..', 'main', 'core', 'backtest', 'PORTING.md'), 'utf8');

/** The fenced block after `<!-- example:NAME -->`. */
function block(name: string): string {
  const m = new RegExp(`<!-- example:${name.replace(/\./g, '\\.')} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``).exec(GUIDE);
  if (!m) throw new Error(`PORTING.md has no example block ${name}`);
  return m[1]!;
}

let out: string[];
beforeEach(() => {
  out = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

describe('the porting guide worked example', () => {
  it('gives the figures the guide works out by hand', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kestrel-porting-'));
    for (const f of ['acme.csv', 'above-sma.json']) writeFileSync(join(dir, f), block(f));
    const words = block('command').trim().split(/\s+/);
    expect(words.slice(0, 2)).toEqual(['kestrel', 'backtest']);
    const args = words.slice(2).map((w) => (w === 'acme.csv' || w === 'above-sma.json' ? join(dir, w) : w));
    expect(await backtest.run(args)).toBe(0);
    const r = JSON.parse(out.join(''));
    const want = JSON.parse(block('expected'));
    expect(r.trades).toHaveLength(want.trades.length);
    want.trades.forEach((t: Record<string, unknown>, k: number) => expect(r.trades[k]).toMatchObject(t));
    expect(r.stats).toMatchObject(want.stats);
    expect(r.openPositions).toEqual(want.openPositions);
    expect(r.certificate.datasets[0].gaps.missing).toBe(want.missing);
    // The hand arithmetic of step 5: drawdown from the 10 278.016 peak to 9 596.416.
    expect(r.stats.maxDrawdown).toBeCloseTo(681.6 / 10_278.016, 12);
    expect(r.config).toMatchObject({ timeframe: '1d', currency: 'USD', calendar: 'weekdays', closeAtEnd: true });
  });
});
