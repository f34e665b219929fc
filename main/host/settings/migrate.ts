/**
 * Settings document migrations, like the databases' (main/storage/migrate.ts): `SETTINGS_MIGRATIONS[n]`
 * turns a version-n document into a version n+1 one. Version 1 is the first; a document from a newer
 * release is refused (SettingsFileError), never downgraded or overwritten.
 */
import { SETTINGS_VERSION } from '../../contract/settings.ts';
import { SettingsFileError } from './errors.ts';

export type SettingsMigration = (doc: Record<string, unknown>) => Record<string, unknown>;

/** Index n upgrades version n+1 → n+2 (index 0: 1 → 2). Empty while version 1 is current. */
export const SETTINGS_MIGRATIONS: readonly SettingsMigration[] = [];

/** The document at `current`, plus the version it was read at. */
export function migrateSettings(file: string, raw: unknown, migrations: readonly SettingsMigration[] = SETTINGS_MIGRATIONS, current = SETTINGS_VERSION): { doc: Record<string, unknown>; from: number } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new SettingsFileError(file, 'invalid', 'the document is not a JSON object');
  const from = (raw as { version?: unknown }).version;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 1) throw new SettingsFileError(file, 'invalid', '"version" must be a whole number ≥ 1');
  if (from > current) throw new SettingsFileError(file, 'future-version', `written by a newer Kestrel (settings version ${from}; this release reads up to ${current})`);
  let doc = raw as Record<string, unknown>;
  for (let v = from; v < current; v++) {
    const step = migrations[v - 1];
    if (!step) throw new Error(`no settings migration from version ${v}`);
    doc = { ...step(doc), version: v + 1 };
  }
  return { doc, from };
}
