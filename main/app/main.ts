import { app, BrowserWindow } from 'electron';
import { createHost, type Host } from '../host/host.ts';
import { appRoot } from '../host/paths.ts';
import { privateUmask } from '../host/private-files.ts';
import { installProcessGuards } from '../host/process-guards.ts';
import { attachElectronTransport } from './ipc.ts';
import { keychainProblem, osKeychainVault } from './key-vault.ts';
import { installMenu } from './menu.ts';
import { electronPdfRenderer } from './pdf.ts';
import { hardenSession } from './security.ts';
import { createMainWindow, rendererIndexUrl } from './window.ts';

/** The Electron shell: one instance, one hardened window, the same host headless mode runs. */
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let host: Host | undefined;
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
    hardenSession();
    installMenu();
    privateUmask();
    host = await createHost({ mode: 'electron', dataDir: app.getPath('userData'), keyVault: osKeychainVault() });
    installProcessGuards(host.ctx.log);
    // Said at start, not at the first export: without a real keychain nothing can be signed.
    const keychain = keychainProblem();
    if (keychain) host.ctx.setEngineStatus({ state: 'degraded', detail: keychain });
    // The app has a Chromium: audit reports can be printed to PDF (headless hosts answer "skipped").
    host.services.audit.pdf = electronPdfRenderer();
    const win = createMainWindow(root);
    const indexUrl = rendererIndexUrl(root);
    attachElectronTransport(host.server, win.webContents, indexUrl, (why) => host?.ctx.log.warn(why));
    await win.loadURL(indexUrl);
  });
  app.on('window-all-closed', () => {
    void host?.close().finally(() => app.quit());
  });
}
