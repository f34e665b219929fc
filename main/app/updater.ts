import { dialog, type BrowserWindow, type MessageBoxOptions } from 'electron';
import type { UpdatePlan } from './update-policy.ts';

/** The one module that wraps electron-updater; loaded only when updates are on. */
export interface AppUpdates {
  /** A check the user asked for (Help → Check for Updates): every outcome is shown, not only news. */
  checkNow(): Promise<void>;
  stop(): void;
}

export interface UpdateLog {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

type Parent = () => BrowserWindow | undefined;

async function ask(parent: Parent, opts: MessageBoxOptions): Promise<number> {
  const win = parent();
  const r = win ? await dialog.showMessageBox(win, opts) : await dialog.showMessageBox(opts);
  return r.response;
}

export async function startUpdates(plan: UpdatePlan, log: UpdateLog, parent: Parent): Promise<AppUpdates> {
  if (!plan.enabled) {
    log.info(`updates: ${plan.reason}`);
    return {
      checkNow: async () => void (await ask(parent, { type: 'info', message: 'Updates are off', detail: `Kestrel does not update itself: ${plan.reason}.` })),
      stop: () => {},
    };
  }
  const { autoUpdater: updater } = (await import('electron-updater')).default;
  updater.logger = { info: (m: unknown) => log.info(`updates: ${String(m)}`), warn: (m: unknown) => log.warn(`updates: ${String(m)}`), error: (m: unknown) => log.error(`updates: ${String(m)}`), debug: () => {} };
  updater.channel = plan.channel;
  updater.allowPrerelease = plan.allowPrerelease;
  updater.allowDowngrade = plan.allowDowngrade;
  updater.autoDownload = plan.autoDownload;
  updater.autoInstallOnAppQuit = plan.autoInstallOnAppQuit;
  updater.disableWebInstaller = plan.disableWebInstaller;

  let interactive = false;
  updater.on('update-available', (info) => {
    void ask(parent, {
      type: 'info',
      buttons: ['Download', 'Later'],
      defaultId: 0,
      cancelId: 1,
      message: `Kestrel ${info.version} is available`,
      detail: `Channel: ${plan.channel === 'latest' ? 'stable' : 'beta'}. It is checked against its published SHA-512${process.platform === 'linux' ? '' : ' and code signature'} before it installs, and installs when you quit Kestrel.`,
    }).then((choice) => (choice === 0 ? updater.downloadUpdate() : undefined)).catch((e: unknown) => log.error(`updates: download failed: ${String(e)}`));
  });
  updater.on('update-not-available', () => {
    if (interactive) void ask(parent, { type: 'info', message: 'Kestrel is up to date' });
  });
  updater.on('update-downloaded', (info) => {
    void ask(parent, { type: 'info', buttons: ['Restart now', 'When I quit'], defaultId: 1, cancelId: 1, message: `Kestrel ${info.version} is ready to install`, detail: 'Open orders and sessions are restored from the ledger after the restart.' }).then((choice) => {
      if (choice === 0) updater.quitAndInstall();
    });
  });
  updater.on('error', (e) => {
    log.error(`updates: ${e.message}`);
    if (interactive) void ask(parent, { type: 'error', message: 'Checking for updates failed', detail: e.message });
  });

  const check = async (byUser: boolean) => {
    interactive = byUser;
    try {
      await updater.checkForUpdates();
    } catch (e) {
      // Reported through the 'error' event as well; the rejection only needs catching.
      log.warn(`updates: check failed: ${String(e)}`);
    }
  };
  void check(false);
  const timer = setInterval(() => void check(false), plan.checkEveryMs);
  timer.unref();
  return { checkNow: () => check(true), stop: () => clearInterval(timer) };
}
