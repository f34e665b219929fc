/**
 * The settings document on disk: `<dataDir>/settings.json`, read once by the host (and by `kestrel
 * config`), migrated on load, validated by the contract's schema, written atomically (temp file, fsync,
 * rename) with owner-only permissions. A file that cannot be read, parsed or validated, or that a newer
 * release wrote, is a SettingsFileError and is left exactly as it is.
 *
 * Edits go through `set`, which re-reads the file first, so an edit made by `kestrel config` while the app
 * runs is not lost by the next edit from the Settings panel.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { z } from 'zod';
import { KESTREL_SIM, SettingsDocument, settingsLeaves, SETTINGS_VERSION } from '../../contract/settings.ts';
import { KESTREL_SIM_SYMBOLS } from '../venues/kestrel-sim.ts';
import { ValidationError, type ErrorIssue } from '../../core/errors.ts';
import { SettingsFileError } from './errors.ts';
import { RiskProfileSchema } from '../../core/risk/profile.ts';
import { migrateSettings } from './migrate.ts';

export const SETTINGS_FILE = 'settings.json';
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

export class SettingsStore {
  readonly file: string;
  /** The document as it was when the store opened (what the running host was built from). */
  readonly initial: SettingsDocument;
  private doc: SettingsDocument;

  private constructor(file: string, doc: SettingsDocument) {
    this.file = file;
    this.initial = doc;
    this.doc = doc;
  }

  /** Reads (or, on a fresh data dir, creates) the settings of `dataDir`. */
  static open(dataDir: string): SettingsStore {
    const file = join(dataDir, SETTINGS_FILE);
    const store = new SettingsStore(file, readDocument(file));
    return store;
  }

  get document(): SettingsDocument {
    return this.doc;
  }

  get(key: string): unknown {
    let at: unknown = this.doc;
    for (const k of segments(key)) {
      if (at === null || typeof at !== 'object' || !Object.hasOwn(at, k)) throw new ValidationError(`no setting "${key}"`, [{ path: key, message: 'unknown key' }]);
      at = (at as Record<string, unknown>)[k];
    }
    return at;
  }

  /** Every leaf as (dotted key, value); arrays of objects are listed element by element. */
  list(): { key: string; value: unknown }[] {
    return settingsLeaves(this.doc);
  }

  /** Sets `key` to `value` (undefined removes it, restoring its default), validates the whole document and writes it. */
  set(key: string, value: unknown): SettingsDocument {
    const path = segments(key);
    const next = structuredClone(readDocument(this.file)) as Record<string, unknown>;
    let at: Record<string, unknown> = next;
    for (const k of path.slice(0, -1)) {
      const child = at[k];
      if (child === undefined) at[k] = {};
      else if (child === null || typeof child !== 'object') throw new ValidationError(`"${key}": ${k} is not an object`, [{ path: key, message: 'not an object' }]);
      at = at[k] as Record<string, unknown>;
    }
    const last = path.at(-1)!;
    if (value === undefined) delete at[last];
    else at[last] = value;
    this.doc = validate(next, (issues) => new ValidationError(`Invalid setting ${key}: ${issues.map((i) => `${i.path || '(document)'}: ${i.message}`).join('; ')}`, issues));
    writeAtomic(this.file, this.doc);
    return this.doc;
  }
}

function readDocument(file: string): SettingsDocument {
  if (!existsSync(file)) {
    // A newcomer's market column shows the built-in venue's markets (an emptied watchlist stays empty).
    const fresh = SettingsDocument.parse({ version: SETTINGS_VERSION, watchlist: KESTREL_SIM_SYMBOLS.map((symbol) => ({ venue: KESTREL_SIM, symbol })) });
    writeAtomic(file, fresh);
    return fresh;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SettingsFileError(file, 'unreadable', (e as Error).message);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new SettingsFileError(file, 'invalid', `not valid JSON (${(e as Error).message})`);
  }
  const { doc, from } = migrateSettings(file, raw);
  const parsed = validate(doc, (issues) => new SettingsFileError(file, 'invalid', `does not match the settings schema: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues));
  if (from !== SETTINGS_VERSION) {
    // Keep the file as the older release wrote it, then write the migrated one.
    writeFileSync(`${file}.v${from}.bak`, text, { mode: 0o600 });
    writeAtomic(file, parsed);
  }
  return parsed;
}

function validate(doc: unknown, fail: (issues: ErrorIssue[]) => Error): SettingsDocument {
  const r = SettingsDocument.safeParse(doc);
  if (!r.success) throw fail(issuesOf(r.error));
  const profileIssues: ErrorIssue[] = [];
  for (const [id, p] of Object.entries(r.data.riskProfiles)) {
    if (p.account === undefined) continue;
    const a = RiskProfileSchema.safeParse({ name: p.name.slice(0, 64), ...p.account });
    if (!a.success) profileIssues.push(...issuesOf(a.error).map((i) => ({ path: `riskProfiles.${id}.account${i.path ? `.${i.path}` : ''}`, message: i.message })));
  }
  if (profileIssues.length) throw fail(profileIssues);
  return r.data;
}

function issuesOf(e: z.ZodError): ErrorIssue[] {
  return e.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

function writeAtomic(file: string, doc: SettingsDocument): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(doc, null, 2)}\n`, { mode: 0o600 });
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

function segments(key: string): string[] {
  const parts = key.split('.');
  if (parts.some((p) => p === '' || FORBIDDEN.has(p))) throw new ValidationError(`"${key}" is not a settings key`, [{ path: key, message: 'expected a dotted key like paper.feed.tickMs' }]);
  return parts;
}
