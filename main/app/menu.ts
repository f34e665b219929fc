import { Menu, app, type MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  checkForUpdates(): void;
}

/** Installed once the window is up; again with `actions` once the updater exists (Help → Check for Updates). */
export function installMenu(actions?: MenuActions): void {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [{ role: 'reload' }, ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]), { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
    ...(actions ? [{ role: 'help' as const, submenu: [{ label: 'Check for Updates…', click: () => actions.checkForUpdates() }] }] : []),
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
