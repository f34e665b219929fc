/** `kestrel backtest --risk-profile`: a built-in name or a JSON file; the result and the report list the refusals. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backtest } from '../../../main/cli/commands/backtest.ts';
import { getTemplate } from '../../../main/core/strategy/templates.ts';
import { SettingsStore } from '../../../main/host/settings/store.ts';

const CSV = new URL('../../fixtures/golden/demo-btc-1m.csv', import.meta.url).pathname;
let dir: string;
let out: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kestrel-cli-risk-'));
  out = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(console, 'log').mockImplementation((s) => void out.push(String(s)));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

const args = (file: string, ...more: string[]) => ['--strategy', file, '--symbol', 'BTC/USDT', '--data', CSV, '--tick', '0.01', '--lot', '0.00001', '--json', ...more];

describe('kestrel backtest --risk-profile', () => {
  it('standard: the template’s big entries are refused and listed; a JSON profile file is read and validated', async () => {
    const file = join(dir, 'rsi.json');
    writeFileSync(file, JSON.stringify(getTemplate('rsi-mean-reversion')!.doc));
    expect(await backtest.run(args(file, '--risk-profile', 'standard', '--report', join(dir, 'r.html')))).toBe(0);
    const r = JSON.parse(out.join(''));
    expect(r.config.riskProfile).toMatchObject({ name: 'standard', maxPositionPctEquity: 2, drawdownHaltPct: 15, maxOpenPositions: 10 });
    expect(r.risk.refusalCount).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toContain('Profile: standard');

    out = [];
    const prof = join(dir, 'wide.json');
    writeFileSync(prof, JSON.stringify({ name: 'wide', maxPositionPctEquity: 60 }));
    expect(await backtest.run(args(file, '--risk-profile', prof))).toBe(0);
    const w = JSON.parse(out.join(''));
    expect(w.risk).toMatchObject({ profile: 'wide', refusalCount: 0 });
    expect(w.stats.trades).toBeGreaterThan(0);

    writeFileSync(prof, JSON.stringify({ name: 'bad', maxLeverage: 0 }));
    await expect(backtest.run(args(file, '--risk-profile', prof))).rejects.toThrow(/riskProfile\.maxLeverage/);
    await expect(backtest.run(args(file, '--risk-profile', 'yolo'))).rejects.toThrow(/standard, unlimited, account\[:ID\] or a \.json file/);
  });

  it('account: the settings profile of the data dir\'s selected account (or a named one), as its new books enforce it', async () => {
    const file = join(dir, 'rsi.json');
    writeFileSync(file, JSON.stringify(getTemplate('rsi-mean-reversion')!.doc));
    const data = join(dir, 'data');
    SettingsStore.open(data).set('riskProfiles.default.account', { maxDailyLossPct: 3, blackSwan: null });
    expect(await backtest.run(args(file, '--risk-profile', 'account', '--data-dir', data))).toBe(0);
    const r = JSON.parse(out.join(''));
    // The per-order limits of the settings profile (position ≤ 100 % of equity) with its account-wide part.
    expect(r.config.riskProfile).toMatchObject({ name: 'Default', maxDailyLossPct: 3, blackSwan: null, maxPositionPctEquity: 100, maxOrderNotional: '50000', priceBandBps: 500 });
    expect(r.risk.profile).toBe('Default');
    await expect(backtest.run(args(file, '--risk-profile', 'account:ghost', '--data-dir', data))).rejects.toThrow(/ghost/);
  });
});
