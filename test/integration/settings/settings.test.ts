import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost } from '../../../main/host/host.ts';
import { SettingsFileError } from '../../../main/host/settings/errors.ts';
import { SETTINGS_FILE } from '../../../main/host/settings/store.ts';
import { startTestHost, type TestHost } from '../../support/host.ts';

const kestrel = join(import.meta.dirname, '..', '..', '..', 'main', 'cli', 'kestrel.ts');
const cli = (...args: string[]) => {
  const env = { ...process.env };
  delete env.KESTREL_FEED_TICK_MS;
  const r = spawnSync(process.execPath, [kestrel, 'config', ...args], { encoding: 'utf8', env });
  return { code: r.status, out: r.stdout + r.stderr };
};

describe('settings through the contract', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startTestHost();
  });
  afterAll(() => t.close());

  it('settings.get shows the document, its file and the env overrides of this run', async () => {
    const v = await t.client.call('settings.get', {});
    expect(v.file).toBe(join(t.dataDir, SETTINGS_FILE));
    expect(v.document.accounts.map((a) => a.name)).toEqual(['Demo']);
    expect(v.pendingRestart).toEqual([]);
  });

  it('settings.set writes the file, marks the key as applying on restart, and refuses an invalid value with its path', async () => {
    const v = await t.client.call('settings.set', { key: 'paper.feed.cycleMs', value: 5000 });
    expect(v.document.paper.feed.cycleMs).toBe(5000);
    expect(v.pendingRestart).toEqual(['paper.feed.cycleMs']);
    expect(JSON.parse(readFileSync(v.file, 'utf8')).paper.feed.cycleMs).toBe(5000);
    const before = readFileSync(v.file, 'utf8');
    await expect(t.client.call('settings.set', { key: 'accounts.0.marketType', value: 'options' })).rejects.toMatchObject({ code: 'validation', details: { issues: [{ path: 'accounts.0.marketType' }] } });
    expect(readFileSync(v.file, 'utf8')).toBe(before);
  });
});

describe('a host and its settings file', () => {
  it('a settings file from a newer release stops the start with a typed error and stays as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kestrel-settings-host-'));
    const text = JSON.stringify({ version: 99, future: { things: true } });
    writeFileSync(join(dir, SETTINGS_FILE), text);
    await expect(createHost({ mode: 'memory', dataDir: dir })).rejects.toBeInstanceOf(SettingsFileError);
    expect(readFileSync(join(dir, SETTINGS_FILE), 'utf8')).toBe(text);
  });

  it('the document is what the host is built from: a feed shape set there is the running session\'s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kestrel-settings-host-'));
    expect(cli('set', 'paper.feed.tickMs', '40000', '--data-dir', dir).code).toBe(0);
    // The demo feed's shape (paper.prices = demo: the synthetic feed, whose knobs these are).
    const env: NodeJS.ProcessEnv = { ...process.env, KESTREL_PAPER_PRICES: 'demo' };
    delete env.KESTREL_FEED_TICK_MS;
    const host = await createHost({ mode: 'memory', dataDir: dir, env });
    try {
      expect(host.services.trading.sessionView().feedTickMs).toBe(40000);
    } finally {
      await host.close();
    }
  });
});

describe('risk profiles in the settings', () => {
  it('a new book starts from its account\'s profile: per-order limits and the account-wide part', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kestrel-settings-risk-'));
    expect(cli('set', 'riskProfiles.default.account', JSON.stringify({ maxDailyLossPct: 3, var: { maxPctEquity: 4 }, returnsEveryMinutes: 15 }), '--data-dir', dir).code).toBe(0);
    expect(cli('set', 'riskProfiles.default.limits.maxOpenOrders', '7', '--data-dir', dir).code).toBe(0);
    const host = await createHost({ mode: 'memory', dataDir: dir, env: process.env });
    try {
      const desk = await host.services.trading.running();
      expect(desk.riskProfile()).toMatchObject({ name: 'Default', maxDailyLossPct: 3, var: { maxPctEquity: 4, method: 'parametric' }, returnsEveryMinutes: 15, drawdownHaltPct: 15 });
      expect(desk.session.riskStatus().limits.maxOpenOrders).toBe(7);
      expect(desk.session.riskStatus().portfolio).toMatchObject({ intervalMs: 15 * 60_000, maxVarPct: 0.04 });
    } finally {
      await host.close();
    }
  });
});

describe('kestrel config', () => {
  it('set, get, list and unset edit the same document the app reads; bad values name the field and change nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kestrel-config-cli-'));
    expect(cli('set', 'paper.speed', '30', '--data-dir', dir)).toMatchObject({ code: 0 });
    expect(cli('get', 'paper.speed', '--data-dir', dir).out.trim()).toBe('30');
    const list = cli('list', '--data-dir', dir).out;
    expect(list).toContain('paper.speed = 30');
    expect(list).toContain('accounts.0.venue = kestrel-sim');
    const before = readFileSync(join(dir, SETTINGS_FILE), 'utf8');
    const bad = cli('set', 'paper.speed', '"fast"', '--data-dir', dir);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/paper\.speed/);
    expect(readFileSync(join(dir, SETTINGS_FILE), 'utf8')).toBe(before);
    expect(cli('unset', 'paper.speed', '--data-dir', dir).code).toBe(0);
    expect(cli('get', 'paper.speed', '--data-dir', dir).out.trim()).toBe('1');
  });
});
