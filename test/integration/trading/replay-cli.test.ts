/**
 * `kestrel replay VENUE SYMBOL [SYMBOL...] --from --to [--speed] [--strategy]` over a store written here: progress,
 * a summary, the same trades as a backtest over the same bars, several symbols stepped together, and usage errors
 * for bad arguments.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { replay } from '../../../main/cli/commands/replay.ts';
import { UsageError } from '../../../main/cli/command.ts';
import { generateDemoCandles } from '../../../main/core/data/demo.ts';
import { sliceColumns } from '../../../main/core/data/candles.ts';
import { getTemplate } from '../../../main/core/strategy/templates.ts';
import { MarketService } from '../../../main/host/data/market-service.ts';
import { replayInstrument } from '../../../main/host/trading/replay-service.ts';
import { ReplaySession } from '../../../main/host/trading/replay.ts';
import { rulesSource } from '../../../workers/backtest/backtester.ts';

const N = 600;
const demo = generateDemoCandles({ seed: 5, days: 1 });
const cols = sliceColumns(demo.get('BTC/USDT')!, 0, N);
/** A second symbol whose bars start 50 minutes later and end 50 minutes later. */
const eth = sliceColumns(demo.get('ETH/USDT')!, 50, N + 50);
const t0 = cols.ts[0]!;
let dataDir: string;
let strategyFile: string;
let out: string[];
let err: string[];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-replay-cli-'));
  dataDir = join(dir, 'data');
  const svc = MarketService.open(join(dataDir, 'market.db'));
  try {
    svc.importColumns({ source: 'testvenue', symbol: 'BTC/USDT', timeframe: '1m' }, cols);
    svc.importColumns({ source: 'testvenue', symbol: 'ETH/USDT', timeframe: '1m' }, eth);
    svc.importColumns({ source: 'testvenue', symbol: 'BTC/EUR', timeframe: '1m' }, cols);
  } finally {
    await svc.close();
  }
  strategyFile = join(dir, 'cross.json');
  writeFileSync(strategyFile, JSON.stringify(getTemplate('sma-crossover')!.doc));
});
beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(console, 'log').mockImplementation((s) => void out.push(String(s)));
  vi.spyOn(console, 'error').mockImplementation((s) => void err.push(String(s)));
});
afterEach(() => vi.restoreAllMocks());

const range = (bars: number) => ['--from', String(t0), '--to', String(t0 + bars * 60_000)];

describe('kestrel replay', () => {
  it('replays at max speed with a rules strategy: progress on stderr, a JSON summary with the session\'s trades', async () => {
    const code = await replay.run(['testvenue', 'BTC/USDT', ...range(N), '--strategy', strategyFile, '--param', 'fast=5', '--param', 'slow=20', '--json', '--data-dir', dataDir]);
    expect(code).toBe(0);
    const summary = JSON.parse(out.join('').trim()) as { bars: number; fills: number; orders: number; equity: string; startingBalance: string; strategyError: string | null };
    expect(summary.bars).toBe(N);
    expect(summary.strategyError).toBeNull();
    expect(err.join('\n')).toMatch(/replay testvenue BTC\/USDT 1m: 600 bars .* at max speed, fresh account 10000 USDT, strategy cross\.json/);
    expect(err.join('\n')).toMatch(/100\.0% {2}bars 600\/600/);

    // The same replay in-process, same strategy: the CLI printed its figures.
    const bars = { ...cols, length: N, intervalMs: 60_000 };
    const src = rulesSource(getTemplate('sma-crossover')!.doc, { fast: 5, slow: 20 });
    const r = await ReplaySession.create({ id: 'replay-cli', source: 'testvenue', instrument: replayInstrument('testvenue', 'BTC/USDT', bars), bars, currency: 'USDT', startingBalance: '10000', speed: 'max', strategy: () => src.create('BTC/USDT') });
    await r.seek(Number.MAX_SAFE_INTEGER, 0);
    expect(summary.fills).toBe(r.session.engine.portfolio.fills().length);
    expect(summary.fills).toBeGreaterThan(0);
    expect(summary.equity).toBe(r.session.account().equity);
    expect(summary.equity).not.toBe(summary.startingBalance);
    r.close();
  });

  it('replays several symbols stepped together in time: one account, the union of their timelines, the strategy on the first', async () => {
    const code = await replay.run(['testvenue', 'BTC/USDT', 'ETH/USDT', ...range(N + 50), '--strategy', strategyFile, '--param', 'fast=5', '--param', 'slow=20', '--json', '--data-dir', dataDir]);
    expect(code).toBe(0);
    type Summary = { symbols: string[]; bars: number; from: number; to: number; fills: number; equity: string; position: string; positions: { symbol: string; qty: string; fills: number }[] };
    const summary = JSON.parse(out.join('').trim()) as Summary;
    // 600 BTC bars from t0, 600 ETH bars from t0 + 50 min: 650 steps over both timelines.
    expect(summary).toMatchObject({ symbols: ['BTC/USDT', 'ETH/USDT'], bars: N + 50, from: t0, to: t0 + (N + 50) * 60_000 });
    expect(err.join('\n')).toMatch(/replay testvenue BTC\/USDT, ETH\/USDT 1m: 650 bars .* strategy cross\.json on BTC\/USDT/);
    expect(err.join('\n')).toMatch(/100\.0% {2}bars 650\/650/);
    expect(summary.positions.map((p) => p.symbol)).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(summary.positions[1]).toEqual({ symbol: 'ETH/USDT', qty: '0', fills: 0 });
    expect(summary.positions[0]!.fills).toBe(summary.fills);

    // The same replay in-process with both markets: the figures the CLI printed.
    const bars = (c: typeof cols) => ({ ...c, length: c.ts.length, intervalMs: 60_000 });
    const src = rulesSource(getTemplate('sma-crossover')!.doc, { fast: 5, slow: 20 });
    const r = await ReplaySession.create({
      id: 'replay-cli', source: 'testvenue', instrument: replayInstrument('testvenue', 'BTC/USDT', bars(cols)), bars: bars(cols),
      others: [{ instrument: replayInstrument('testvenue', 'ETH/USDT', bars(eth)), bars: bars(eth) }],
      currency: 'USDT', startingBalance: '10000', speed: 'max', strategy: () => src.create('BTC/USDT'),
    });
    await r.seek(Number.MAX_SAFE_INTEGER, 0);
    expect(r.feed.deliveredOf('ETH/USDT')).toBe(N);
    expect(summary.fills).toBe(r.session.engine.portfolio.fills().length);
    expect(summary.fills).toBeGreaterThan(0);
    expect(summary.equity).toBe(r.session.account().equity);
    r.close();

    // Without --json: both symbols' positions in the summary line.
    out = [];
    expect(await replay.run(['testvenue', 'BTC/USDT', 'ETH/USDT', ...range(100), '--data-dir', dataDir])).toBe(0);
    expect(out.join('\n')).toMatch(/done: 100 bars in [\d.]+ s {2}orders 0 {2}fills 0 {2}position 0 BTC, 0 ETH/);
  });

  it('runs a code strategy in its sandbox on the replay, as a backtest would', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kestrel-replay-code-'));
    const file = join(dir, 'swing.ts');
    writeFileSync(file, 'export default { onCandle(ctx) { if (ctx.bar() === 10) ctx.buy(0.01); if (ctx.bar() === 60) ctx.sell(0.01); } };');
    const code = await replay.run(['testvenue', 'BTC/USDT', ...range(100), '--strategy', file, '--json', '--data-dir', dataDir]);
    const summary = JSON.parse(out.join('').trim()) as { fills: number; orders: number; strategyError: string | null; position: string };
    expect(summary.strategyError).toBeNull();
    expect(code).toBe(0);
    // Bought on bar 10's close (filled at bar 11's open), sold on bar 60's: flat again, two fills.
    expect([summary.orders, summary.fills, summary.position]).toEqual([2, 2, '0']);
  }, 60_000);

  it('plays at a wall-clock speed and prints the summary', async () => {
    // 20 bars at 1000×: 1.2 s of wall time.
    expect(await replay.run(['testvenue', 'BTC/USDT', ...range(20), '--speed', '1000', '--data-dir', dataDir])).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/at 1000×/);
    expect(text).toMatch(/done: 20 bars in [\d.]+ s {2}orders 0 {2}fills 0/);
    expect(text).toMatch(/equity 10000 USDT \(from 10000\)/);
  });

  it('refuses bad arguments with a usage error', async () => {
    const base = ['testvenue', 'BTC/USDT', '--data-dir', dataDir];
    await expect(replay.run([...base, ...range(10), '--speed', '0'])).rejects.toThrow(UsageError);
    await expect(replay.run([...base, ...range(10), '--speed', '1001'])).rejects.toThrow(/1\.\.1000 or max/);
    await expect(replay.run([...base, '--from', String(t0)])).rejects.toThrow(/--from and --to are required/);
    await expect(replay.run(['testvenue', ...range(10), '--data-dir', dataDir])).rejects.toThrow(/venue .* and the symbol/);
    await expect(replay.run(['elsewhere', 'BTC/USDT', ...range(10), '--data-dir', dataDir])).rejects.toThrow(/dataset not found: elsewhere BTC\/USDT/);
    await expect(replay.run([...base, '--from', String(t0 + 60_000), '--to', String(t0)])).rejects.toThrow(/--to must be after --from/);
    // Several symbols: at most 8, each once, one quote currency, all stored; --tick / --lot are one instrument's.
    const nine = Array.from({ length: 9 }, (_, i) => `S${i}/USDT`);
    await expect(replay.run(['testvenue', ...nine, ...range(10), '--data-dir', dataDir])).rejects.toThrow(/at most 8 symbols/);
    await expect(replay.run(['testvenue', 'BTC/USDT', 'ETH/USDT', 'BTC/USDT', ...range(10), '--data-dir', dataDir])).rejects.toThrow(/BTC\/USDT is given twice/);
    await expect(replay.run(['testvenue', 'BTC/USDT', 'BTC/EUR', ...range(10), '--data-dir', dataDir])).rejects.toThrow(/BTC\/EUR is priced in EUR.*one quote currency/);
    await expect(replay.run(['testvenue', 'BTC/USDT', 'SOL/USDT', ...range(10), '--data-dir', dataDir])).rejects.toThrow(/dataset not found: testvenue SOL\/USDT|no stored 1m candles for testvenue SOL\/USDT/);
    await expect(replay.run(['testvenue', 'BTC/USDT', 'ETH/USDT', ...range(10), '--tick', '0.01', '--data-dir', dataDir])).rejects.toThrow(UsageError);
  });
});
