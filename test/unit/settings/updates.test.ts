import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SettingsDocument } from '../../../main/contract/settings.ts';
import { ValidationError } from '../../../main/core/errors.ts';
import { ENV_OVERRIDES, resolveHostSettings } from '../../../main/host/settings/host-settings.ts';
import { SETTINGS_FILE, SettingsStore } from '../../../main/host/settings/store.ts';

const fresh = () => mkdtempSync(join(tmpdir(), 'kestrel-settings-updates-'));

describe('the settings document’s updates switch', () => {
  it('defaults to off on the stable channel in a fresh data dir', () => {
    const dir = fresh();
    expect(SettingsStore.open(dir).document.updates).toEqual({ enabled: false, channel: 'stable' });
    expect(JSON.parse(readFileSync(join(dir, SETTINGS_FILE), 'utf8')).updates).toEqual({ enabled: false, channel: 'stable' });
  });

  it('a version-1 file written before the key existed loads unchanged (no migration, no rewrite) and reads as off', () => {
    const dir = fresh();
    const text = `${JSON.stringify({ version: 1, paper: { speed: 3 } }, null, 2)}\n`;
    writeFileSync(join(dir, SETTINGS_FILE), text);
    const s = SettingsStore.open(dir);
    expect(s.document.updates).toEqual({ enabled: false, channel: 'stable' });
    expect(s.document.paper.speed).toBe(3);
    expect(readFileSync(join(dir, SETTINGS_FILE), 'utf8')).toBe(text);
    expect(readdirSync(dir)).toEqual([SETTINGS_FILE]);

    s.set('updates.enabled', true);
    s.set('updates.channel', 'beta');
    expect(SettingsStore.open(dir).document.updates).toEqual({ enabled: true, channel: 'beta' });
    expect(SettingsStore.open(dir).document.paper.speed).toBe(3);
  });

  it('refuses a channel or field the schema does not know, naming the key, and keeps the file', () => {
    const dir = fresh();
    const s = SettingsStore.open(dir);
    const before = readFileSync(join(dir, SETTINGS_FILE), 'utf8');
    for (const [key, value, path] of [
      ['updates.channel', 'nightly', 'updates.channel'],
      ['updates.enabled', 'yes', 'updates.enabled'],
      ['updates.feedUrl', 'http://elsewhere', 'updates'],
    ] as const) {
      let err: unknown;
      try {
        s.set(key, value);
      } catch (e) {
        err = e;
      }
      expect(err, key).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).issues.map((i) => i.path), key).toContain(path);
    }
    expect(readFileSync(join(dir, SETTINGS_FILE), 'utf8')).toBe(before);
  });
});

describe('KESTREL_UPDATES', () => {
  const doc = SettingsDocument.parse({ version: 1 });
  const on = SettingsDocument.parse({ version: 1, updates: { enabled: true, channel: 'beta' } });

  it('is a documented override of `updates`', () => {
    expect(ENV_OVERRIDES.find((o) => o.env === 'KESTREL_UPDATES')?.key).toBe('updates');
  });

  it('off|stable|beta (any case) switch updates for the run only; the document follows its own value otherwise', () => {
    expect(resolveHostSettings(doc, 'electron', {}).updates).toEqual({ enabled: false, channel: 'stable' });
    expect(resolveHostSettings(on, 'electron', {}).updates).toEqual({ enabled: true, channel: 'beta' });
    expect(resolveHostSettings(doc, 'electron', { KESTREL_UPDATES: 'stable' }).updates).toEqual({ enabled: true, channel: 'stable' });
    expect(resolveHostSettings(doc, 'electron', { KESTREL_UPDATES: ' Beta ' }).updates).toEqual({ enabled: true, channel: 'beta' });
    const off = resolveHostSettings(on, 'electron', { KESTREL_UPDATES: 'off' });
    expect(off.updates.enabled).toBe(false);
    expect(off.overrides).toEqual([{ key: 'updates', env: 'KESTREL_UPDATES', value: 'off' }]);
    expect(on.updates).toEqual({ enabled: true, channel: 'beta' });
  });

  it('refuses any other value, names it, and leaves the document’s switch in force', () => {
    const s = resolveHostSettings(on, 'electron', { KESTREL_UPDATES: 'nightly' });
    expect(s.updates).toEqual({ enabled: true, channel: 'beta' });
    expect(s.rejected).toEqual([{ key: 'updates', env: 'KESTREL_UPDATES', value: 'nightly' }]);
    expect(resolveHostSettings(doc, 'electron', { KESTREL_UPDATES: '1' }).updates.enabled).toBe(false);
  });
});
