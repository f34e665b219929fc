import { app, BrowserWindow, Notification } from 'electron';
import { join } from 'node:path';
import { createHost, type Host } from '../host/host.ts';
import { authenticatorFromEnv } from '../host/trading/risk-auth.ts';
import { UserPresenceAuthenticator } from './user-presence.ts';
import { appRoot } from '../host/paths.ts';
import { privateUmask } from '../host/private-files.ts';
import { installProcessGuards } from '../host/process-guards.ts';
import { attachElectronTransport } from './ipc.ts';
import { keychainProblem, osKeychainVault } from './key-vault.ts';
import { installMenu } from './menu.ts';
import { applyHostJsFlags, launchedWithHostFlags } from './js-flags.ts';
import { HOST_V8_FLAGS } from '../host/v8-flags.ts';
import { electronPdfRenderer } from './pdf.ts';
import { registerAppScheme, serveAppScheme } from './protocol.ts';
import { appContentSecurityPolicy, hardenSession } from './security.ts';
import { updatePlan } from './update-policy.ts';
import { startUpdates, type AppUpdates } from './updater.ts';
import { createMainWindow, rendererIndexUrl } from './window.ts';

// The host's V8 flags, from the list `npm start`/`serve` use; before `ready`, while switches still apply.
const hostFlagsAtLaunch = launchedWithHostFlags(app.commandLine);
applyHostJsFlags(app.commandLine);

// The same override headless mode honours, so tests and second profiles never touch the real userData.
if (process.env.KESTREL_DATA_DIR) app.setPath('userData', process.env.KESTREL_DATA_DIR);
registerAppScheme();

/** The Electron shell: one instance, one hardened window, the same host headless mode runs. */
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let host: Host | undefined;
  let updates: AppUpdates | undefined;
  const root = appRoot();
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.whenReady().then(async () => {
    serveAppScheme(join(root, 'dist', 'renderer'), appContentSecurityPolicy(), (why) => host?.ctx.log.warn(why));
    hardenSession();
    installMenu();
    privateUmask();
    // Overrides ask the person at the machine (Touch ID on macOS), else the passphrase as headless does.
    const riskAuthenticator = new UserPresenceAuthenticator(authenticatorFromEnv());
    host = await createHost({ mode: 'electron', dataDir: app.getPath('userData'), keyVault: osKeychainVault(), riskAuthenticator });
    installProcessGuards(host.ctx.log);
    // Said once so a profile of a burst can be read right: this process's young generation is V8's default.
    if (!hostFlagsAtLaunch) host.ctx.log.info(`main process launched without ${HOST_V8_FLAGS.join(' ')} (only Electron's launch command line sets them here; \`kestrel start\` passes them)`);
    // Said at start, not at the first export: without a real keychain nothing can be signed.
    const keychain = keychainProblem();
    if (keychain) host.ctx.setEngineStatus({ state: 'degraded', detail: keychain });
    // The app has a Chromium: audit reports can be printed to PDF (headless hosts answer "skipped").
    host.services.audit.pdf = electronPdfRenderer();
    // Alerts with a desktop channel show as OS notifications, also while the window is hidden.
    host.services.alertDelivery.desktop = (title, body) => {
      if (Notification.isSupported()) new Notification({ title, body }).show();
    };
    const win = createMainWindow(root);
    const indexUrl = rendererIndexUrl();
    attachElectronTransport(host.server, win.webContents, indexUrl, (why) => host?.ctx.log.warn(why));
    await win.loadURL(indexUrl);
    const log = host.ctx.log;
    // The document's `updates` as this run resolved it (KESTREL_UPDATES overrides it; host.ts logs a refused value).
    updates = await startUpdates(updatePlan(host.services.settings.updates, { packaged: app.isPackaged }), { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => log.error(m) }, () => BrowserWindow.getAllWindows()[0]);
    installMenu({ checkForUpdates: () => void updates?.checkNow() });
  });
  app.on('window-all-closed', () => {
    updates?.stop();
    void host?.close().finally(() => app.quit());
  });
}
