import { BrowserWindow, app } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { APP_INDEX_URL } from './app-url.ts';
import { hardenContents } from './security.ts';

/** The page every window shows: served by protocol.ts from dist/renderer, never from file://. */
export function rendererIndexUrl(): string {
  return APP_INDEX_URL;
}

/**
 * The window icon (Linux and Windows title bars and task switchers; macOS takes the bundle's .icns). A
 * packaged app carries it as an extra resource; a development run reads the generated set directly.
 */
function windowIcon(root: string): string | undefined {
  const file = app.isPackaged ? join(process.resourcesPath, 'icon.png') : join(root, 'resources', 'icons', '256x256.png');
  return process.platform !== 'darwin' && existsSync(file) ? file : undefined;
}

export function createMainWindow(root: string): BrowserWindow {
  const icon = windowIcon(root);
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    backgroundColor: '#0d1117',
    title: 'Kestrel',
    show: false,
    ...(icon ? { icon } : {}),
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
  hardenContents(win.webContents, rendererIndexUrl());
  win.once('ready-to-show', () => win.show());
  return win;
}
