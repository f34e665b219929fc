import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SettingsDocument, SETTINGS_VERSION } from '../../../main/contract/settings.ts';
import { ValidationError } from '../../../main/core/errors.ts';
import { SettingsFileError } from '../../../main/host/settings/errors.ts';
import { resolveHostSettings } from '../../../main/host/settings/host-settings.ts';
import { migrateSettings } from '../../../main/host/settings/migrate.ts';
import { SETTINGS_FILE, SettingsStore } from '../../../main/host/settings/store.ts';

const fresh = () => mkdtempSync(join(tmpdir(), 'kestrel-settings-'));
const write = (dir: string, text: string) => {
  writeFileSync(join(dir, SETTINGS_FILE), text);
  return text;
};
const bytes = (dir: string) => readFileSync(join(dir, SETTINGS_FILE), 'utf8');

describe('settings document', () => {
  it('a fresh data dir gets a valid version-1 document with the Demo paper account, owner-only', () => {
    const dir = fresh();
    const s = SettingsStore.open(dir);
    expect(s.document.version).toBe(SETTINGS_VERSION);
    expect(s.document.accounts).toEqual([{ id: 'demo', name: 'Demo', venue: 'kestrel-sim', environment: 'paper', marketType: 'spot', currency: 'USDT', riskProfile: 'default', credentials: null }]);
    expect(JSON.parse(bytes(dir))).toEqual(s.document);
    if (process.platform !== 'win32') expect(statSync(join(dir, SETTINGS_FILE)).mode & 0o777).toBe(0o600);
  });

  it('set validates the whole document, writes atomically, and a refused value changes nothing', () => {
    const dir = fresh();
    const s = SettingsStore.open(dir);
    s.set('paper.feed.tickMs', 100);
    expect(JSON.parse(bytes(dir)).paper.feed.tickMs).toBe(100);
    const before = bytes(dir);
    for (const [key, value, path] of [
      ['paper.feed.tickMs', -5, 'paper.feed.tickMs'],
      ['paper.nope', 1, 'paper'],
      ['accounts.0.venue', 'nowhere', 'accounts.0.venue'],
      ['accounts.0.riskProfile', 'missing', 'accounts.0.riskProfile'],
      ['selectedAccount', 'ghost', 'selectedAccount'],
      ['accounts.0.environment', 'live', 'accounts.0.credentials'],
      // The account-wide part is the core's risk profile, checked by the host (the contract cannot).
      ['riskProfiles.default.account', { maxDailyLossPct: -3 }, 'riskProfiles.default.account.maxDailyLossPct'],
      ['riskProfiles.default.account', { maxLeverage: 2, surprise: 1 }, 'riskProfiles.default.account'],
    ] as const) {
      const err = (() => {
        try {
          s.set(key, value);
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(err, key).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).issues.map((i) => i.path), key).toContain(path);
      expect(bytes(dir)).toBe(before);
    }
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('refuses keys that would reach an object prototype', () => {
    const s = SettingsStore.open(fresh());
    for (const k of ['__proto__.x', 'paper.constructor', 'a..b', '']) expect(() => s.set(k, 1), k).toThrow(ValidationError);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('an edit made outside (kestrel config) while a store is open survives the next edit', () => {
    const dir = fresh();
    const app = SettingsStore.open(dir);
    SettingsStore.open(dir).set('audit.checkpointEvery', 500);
    app.set('paper.speed', 2);
    expect(SettingsStore.open(dir).document.audit.checkpointEvery).toBe(500);
    expect(app.document.paper.speed).toBe(2);
  });

  it('a broken, foreign or newer file is a typed error and is never overwritten', () => {
    const cases: [string, SettingsFileError['problem'], RegExp][] = [
      ['{ "version": 1, ', 'invalid', /not valid JSON/],
      ['[1,2]', 'invalid', /not a JSON object/],
      ['{ "accounts": [] }', 'invalid', /version/],
      [JSON.stringify({ version: 1, accounts: [{ id: 'x', name: 'X', venue: 'nowhere', environment: 'paper', marketType: 'spot', currency: 'USDT', riskProfile: 'default', credentials: null }] }), 'invalid', /accounts\.0\.venue: no venue "nowhere"/],
      [JSON.stringify({ version: SETTINGS_VERSION + 1, whatever: true }), 'future-version', /newer Kestrel/],
    ];
    for (const [text, problem, message] of cases) {
      const dir = fresh();
      write(dir, text);
      let err: unknown;
      try {
        SettingsStore.open(dir);
      } catch (e) {
        err = e;
      }
      expect(err, text).toBeInstanceOf(SettingsFileError);
      expect((err as SettingsFileError).problem).toBe(problem);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).toContain(join(dir, SETTINGS_FILE));
      expect(bytes(dir)).toBe(text);
      expect(readdirSync(dir)).toEqual([SETTINGS_FILE]);
    }
  });

  it('migrations run in order from the file version to the current one', () => {
    const steps = [(d: Record<string, unknown>) => ({ ...d, a: 1 }), (d: Record<string, unknown>) => ({ ...d, b: (d.a as number) + 1 })];
    expect(migrateSettings('f', { version: 1 }, steps, 3)).toEqual({ doc: { version: 3, a: 1, b: 2 }, from: 1 });
    expect(migrateSettings('f', { version: 2, a: 5 }, steps, 3)).toEqual({ doc: { version: 3, a: 5, b: 6 }, from: 2 });
    expect(() => migrateSettings('f', { version: 4 }, steps, 3)).toThrow(SettingsFileError);
    expect(() => migrateSettings('f', { version: 1.5 }, steps, 3)).toThrow(/whole number/);
  });
});

describe('environment overrides', () => {
  const doc = SettingsDocument.parse({ version: 1 });

  it('apply for the run only, are reported, and values the schema refuses are ignored and named', () => {
    const s = resolveHostSettings(doc, 'headless', { KESTREL_FEED_TICK_MS: '10', KESTREL_PAPER: '0', KESTREL_FEED_SWING_BPS: '-3', KESTREL_AUDIT_CHECKPOINT_EVERY: 'lots' });
    expect(s.paper.feed).toEqual({ tickMs: 10 });
    expect(s.paper.autostart).toBe(false);
    expect(s.overrides.map((o) => o.env).sort()).toEqual(['KESTREL_FEED_TICK_MS', 'KESTREL_PAPER']);
    expect(s.rejected.map((o) => o.env).sort()).toEqual(['KESTREL_AUDIT_CHECKPOINT_EVERY', 'KESTREL_FEED_SWING_BPS']);
    expect(s.audit.checkpointEvery).toBe(10_000);
    expect(doc.paper.feed).toEqual({});
  });

  it('the in-memory test host skips the demo history unless KESTREL_DEMO=1; other hosts follow the document', () => {
    expect(resolveHostSettings(doc, 'memory', {}).market.demoHistory).toBe(false);
    expect(resolveHostSettings(doc, 'memory', { KESTREL_DEMO: '1' }).market.demoHistory).toBe(true);
    expect(resolveHostSettings(doc, 'headless', {}).market.demoHistory).toBe(true);
    expect(resolveHostSettings(doc, 'headless', { KESTREL_DEMO: '0' }).market.demoHistory).toBe(false);
    expect(resolveHostSettings({ ...doc, market: { demoHistory: false, simSpeed: 1 } }, 'electron', {}).market.demoHistory).toBe(false);
  });
});
