import { BrowserWindow, app } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hardenContents } from './security.ts';

export function rendererIndexUrl(root: string): string {
  return pathToFileURL(join(root, 'dist', 'renderer', 'index.html')).toString();
}

export function createMainWindow(root: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    backgroundColor: '#0d1117',
    title: 'Kestrel',
    show: false,
    webPreferences: {
      preload: join(root, 'dist', 'main', 'preload', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools: !app.isPackaged,
    },
  });
  hardenContents(win.webContents, rendererIndexUrl(root));
  win.once('ready-to-show', () => win.show());
  return win;
}
