/**
 * How the desktop app updates itself, decided in one pure function so the rules are tested without
 * Electron (updater.ts applies them to electron-updater). Integrity: electron-updater checks every download
 * against the SHA-512 in the channel's manifest; on Windows it also requires an Authenticode signature by
 * the configured publisher (win.signtoolOptions.publisherName), on macOS Squirrel.Mac requires the update
 * to satisfy the running app's code-signing requirement; Linux packages carry no signature, so there the
 * SHA-512 (fetched over HTTPS) is the only check. Everywhere an update is downloaded and installed only after
 * the user agrees: a restart in the middle of a trading session is the trader's call.
 */
import type { UpdateSettings } from '../contract/updates.ts';

export interface UpdatePlan {
  readonly enabled: boolean;
  /** Why updates are off (shown in the log and in Help → Check for Updates). */
  readonly reason?: string;
  /** electron-updater's channel: the manifest it reads is `${channel}.yml` (`latest` for stable). */
  readonly channel: 'latest' | 'beta';
  readonly allowPrerelease: boolean;
  readonly allowDowngrade: false;
  /** Never download or restart behind the trader's back: both ask first. */
  readonly autoDownload: false;
  readonly autoInstallOnAppQuit: boolean;
  readonly disableWebInstaller: true;
  readonly checkEveryMs: number;
}

const SIX_HOURS = 6 * 3600_000;

export function updatePlan(settings: UpdateSettings, env: { packaged: boolean }): UpdatePlan {
  const beta = settings.channel === 'beta';
  const base = {
    channel: beta ? ('beta' as const) : ('latest' as const),
    allowPrerelease: beta,
    allowDowngrade: false as const,
    autoDownload: false as const,
    autoInstallOnAppQuit: true,
    disableWebInstaller: true as const,
    checkEveryMs: SIX_HOURS,
  };
  if (!settings.enabled) return { ...base, enabled: false, reason: 'updates are off (Settings → Updates)' };
  if (!env.packaged) return { ...base, enabled: false, reason: 'this is not a packaged build (npm start runs from the sources)' };
  return { ...base, enabled: true };
}
