/**
 * `kestrel markets` and `kestrel watch` as a user runs them: against Kestrel Sim (started in the command's
 * own process), and against a real exchange from this offline machine, which must say plainly that it is
 * unreachable instead of hanging or crashing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');

function kestrel(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [join(root, 'main/cli/kestrel.ts'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('kestrel markets / kestrel watch', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kestrel-cli-streams-'));
    // Kestrel Sim at 30×: a trade every half second, so a short watch sees the tape move.
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ version: 1, market: { simSpeed: 30 } }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists and searches Kestrel Sim markets with tick, lot step and min notional', async () => {
    const all = await kestrel(['markets', 'kestrel-sim', '--data-dir', dir]);
    expect(all.code).toBe(0);
    expect(all.stdout.split('\n')[0]).toMatch(/^SYMBOL\s+TYPE\s+TICK\s+LOT STEP\s+MIN NOTIONAL$/);
    expect(all.stdout).toMatch(/^BTC\/USDT\s+spot\s+0\.01\s+0\.00001\s+5$/m);
    const one = await kestrel(['markets', 'kestrel-sim', '--search', 'sol', '--json', '--data-dir', dir]);
    expect(one.stdout.trim().split('\n').map((l) => JSON.parse(l) as { symbol: string })).toEqual([expect.objectContaining({ symbol: 'SOL/USDT', tickSize: '0.001', lotStep: '0.01' })]);
    const none = await kestrel(['markets', 'kestrel-sim', '--search', 'doge', '--data-dir', dir]);
    expect([none.code, none.stderr]).toEqual([1, expect.stringMatching(/no market on kestrel-sim matches "doge"/)]);
  });

  it('watch prints trades, book and bars live, and stores the closed bars', async () => {
    const r = await kestrel(['watch', 'kestrel-sim', 'BTC/USDT', '--trades', '--book', '--for', '8', '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ trade {3}(BUY|SELL) [\d.]+ @ [\d.]+/);
    expect(r.stdout).toMatch(/ book {4}bid [\d.]+ × [\d.]+ {2}ask [\d.]+ × [\d.]+/);
    expect(r.stdout).toMatch(/closed 1m bars caught up and stored/);
    expect(r.stderr).toMatch(/kestrel-sim: live/);
    const q = await kestrel(['quality', '--source', 'kestrel-sim', '--symbol', 'BTC/USDT', '--data-dir', dir]);
    expect(q.stdout).toMatch(/gaps 0 \(0 candles missing\) {2}duplicates 0/);
  });

  it('an unknown symbol is refused plainly', async () => {
    const r = await kestrel(['watch', 'kestrel-sim', 'NOPE/USDT', '--for', '5', '--data-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown symbol.*NOPE\/USDT|NOPE\/USDT.*unknown symbol/);
  });

  it('a real exchange from this offline machine is reported unreachable, not a crash', async () => {
    const r = await kestrel(['markets', 'binance', '--search', 'btc', '--data-dir', dir]);
    // Where the internet is reachable this lists markets instead; both are clear outcomes.
    if (r.code === 0) expect(r.stdout).toMatch(/BTC\/USDT/);
    else expect([r.code, r.stderr]).toEqual([3, expect.stringMatching(/binance is unreachable from this machine/)]);
  }, 120_000);

  it('usage errors name what is missing', async () => {
    const r = await kestrel(['watch', 'kestrel-sim', '--data-dir', dir]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/VENUE and SYMBOL/)]);
    const h = await kestrel(['watch', '--help']);
    expect(h.stdout).toMatch(/--book\s+show the order book/);
    expect(h.stdout).toMatch(/--for SECONDS\s+stop after this long \(default: until Ctrl-C\)/);
  });
});
