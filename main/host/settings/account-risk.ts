/**
 * The risk profile an account of the settings starts its books with, as one profile (risk/profile.ts): the
 * settings profile's account-wide part (the standard profile when it has none) with its per-order limits.
 * What `kestrel backtest --risk-profile account` runs with; the app's own runs use the book's current profile.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SettingsDocument, SETTINGS_VERSION, type RiskProfileSettings } from '../../contract/settings.ts';
import { NotFoundError } from '../../core/errors.ts';
import { parseRiskProfile, STANDARD_PROFILE, type RiskProfile } from '../../core/risk/profile.ts';
import { effectiveProfile } from '../trading/risk.ts';
import { SETTINGS_FILE, SettingsStore } from './store.ts';

/** A settings profile's account-wide part (validated when the settings were read); absent = the standard profile. */
export function accountProfile(p: RiskProfileSettings): RiskProfile {
  return p.account === undefined ? STANDARD_PROFILE : parseRiskProfile({ name: p.name.slice(0, 64), ...p.account });
}

/** `account`: an account id of the settings; absent = the selected one (else the first). Reads, never writes. */
export function settingsAccountProfile(dataDir: string, account?: string): RiskProfile {
  const doc = existsSync(join(dataDir, SETTINGS_FILE)) ? SettingsStore.open(dataDir).document : SettingsDocument.parse({ version: SETTINGS_VERSION });
  return newBookProfile(doc, account ?? doc.selectedAccount ?? doc.accounts[0]!.id);
}

/** What a new book of `account` enforces, as one profile: its settings profile's limits and account-wide part. */
export function newBookProfile(doc: Pick<SettingsDocument, 'accounts' | 'riskProfiles'>, account: string): RiskProfile {
  const a = doc.accounts.find((x) => x.id === account);
  if (!a) throw new NotFoundError('account', account);
  const p = doc.riskProfiles[a.riskProfile]!;
  return effectiveProfile(p.limits, accountProfile(p));
}
