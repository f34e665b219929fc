/**
 * The CLI says what it assumes (issue 21 items 5–7): every command's --help lists every option it parses,
 * with its default; the timeframe comes from the data (a contradicting flag is refused); the currency comes
 * from the symbol's quote or must be given; every default a backtest assumed is printed at its top.
 */
import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cliCommands } from '../../../main/cli/commands/index.ts';
import { commandHelp } from '../../../main/cli/command.ts';
import { backtest } from '../../../main/cli/commands/backtest.ts';
import { getTemplate } from '../../../main/core/strategy/templates.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const DAY = 86_400_000;
let dir: string;
let out: string[];
let err: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kestrel-cli-opts-'));
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(console, 'log').mockImplementation((s) => void out.push(String(s)));
  vi.spyOn(console, 'error').mockImplementation((s) => void err.push(String(s)));
});
afterEach(() => vi.restoreAllMocks());

/** Daily bars on weekdays only (Jan–Apr 2024), a gentle wave so the crossover trades. */
function dailyCsv(): string {
  const rows = ['ts,open,high,low,close,volume'];
  for (let t = Date.UTC(2024, 0, 1), i = 0; t < Date.UTC(2024, 4, 1); t += DAY) {
    const wd = new Date(t).getUTCDay();
    if (wd === 0 || wd === 6) continue;
    const p = (100 + 10 * Math.sin(i++ / 6)).toFixed(2);
    rows.push(`${t},${p},${p},${p},${p},1000`);
  }
  const file = join(dir, 'daily.csv');
  writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

function strategyFile(): string {
  const file = join(dir, 'cross.json');
  writeFileSync(file, JSON.stringify(getTemplate('sma-crossover')!.doc));
  return file;
}

describe('kestrel --help', () => {
  it('lists every option of every command, with its default', async () => {
    for (const entry of cliCommands) {
      const cmd = await entry.load();
      expect(cmd.name).toBe(entry.name);
      const help = commandHelp(cmd);
      for (const [name, spec] of Object.entries(cmd.options)) {
        expect(help, `${cmd.name} --${name}`).toContain(`--${name}`);
        const def = spec.defaultHelp ?? (spec.default !== undefined && spec.default !== false ? String(spec.default) : undefined);
        if (def !== undefined) expect(help, `${cmd.name} --${name} default`).toContain(`(default: ${def})`);
      }
    }
    const bt = commandHelp(backtest);
    for (const o of ['cash', 'currency', 'lot', 'tick', 'maker-fee', 'param', 'seed', 'latency', 'trades', 'equity', 'source', 'data-dir', 'calendar', 'close-at-end', 'periods-per-year']) expect(bt).toContain(`--${o}`);
    expect(bt).toMatch(/--timeframe TF .*\(default: inferred from the data's spacing/);
  });

  it('every command parses with the options its help lists (no parseArgs of its own)', () => {
    const dirOf = join(ROOT, 'main', 'cli', 'commands');
    for (const f of readdirSync(dirOf)) expect(readFileSync(join(dirOf, f), 'utf8'), f).not.toMatch(/\bparseArgs\s*\(/);
  });

  it('kestrel backtest --help prints it from the real entry point', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'main', 'cli', 'kestrel.ts'), 'backtest', '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--close-at-end');
    expect(r.stdout).toContain('(default: 10000)');
  });
});

describe('kestrel backtest assumptions', () => {
  it('infers the timeframe of daily data (weekends do not fool it) and prints every assumed default first', async () => {
    const code = await backtest.run(['--strategy', strategyFile(), '--symbol', 'ACME/USD', '--data', dailyCsv(), '--calendar', 'weekdays', '--lot', '1']);
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^assumed \(flag not given\): --timeframe 1d \(the data's spacing\), --currency USD \(the symbol's quote\), --cash 10000/);
    expect(out[0]).toContain('--close-at-end off');
    expect(out[0]).not.toContain('--lot');
    expect(out[0]).not.toContain('--calendar');
    expect(out.join('\n')).toMatch(/ACME\/USD 1d: \d+ bars/);
    expect(out.join('\n')).toMatch(/\b0 missing/);
  });

  it('refuses a --timeframe the data contradicts', async () => {
    await expect(backtest.run(['--strategy', strategyFile(), '--symbol', 'ACME/USD', '--data', dailyCsv(), '--timeframe', '1m'])).rejects.toThrow(/--timeframe 1m does not match the data: its bars are 1d apart/);
  });

  it('a symbol without a quote currency needs --currency', async () => {
    const csv = dailyCsv();
    await expect(backtest.run(['--strategy', strategyFile(), '--symbol', 'ACME', '--data', csv])).rejects.toThrow(/--currency is required: ACME names no quote currency/);
    const code = await backtest.run(['--strategy', strategyFile(), '--symbol', 'ACME', '--currency', 'EUR', '--data', csv, '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(out.join(''));
    expect(r.config.currency).toBe('EUR');
    expect(err[0]).toMatch(/^assumed/); // with --json the assumptions go to stderr, stdout stays JSON
  });

  it('--close-at-end and --periods-per-year reach the config', async () => {
    const code = await backtest.run(['--strategy', strategyFile(), '--symbol', 'ACME/USD', '--data', dailyCsv(), '--close-at-end', '--periods-per-year', '252', '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(out.join(''));
    expect(r.config).toMatchObject({ closeAtEnd: true, periodsPerYear: 252, timeframe: '1d' });
    expect(r.openPositions).toEqual([]);
  });
});
