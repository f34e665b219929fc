import { ipcMain, type IpcMainEvent, type WebContents } from 'electron';
import type { HostConnection, HostMessage } from '../contract/index.ts';
import type { IpcServer } from '../host/ipc/server.ts';
import { isAppUrl } from './app-url.ts';

export const IPC_CHANNEL = 'kestrel:msg';

/**
 * Electron transport: one HostConnection per window. Messages are only accepted from the window's own main
 * frame showing the app's own page; anything else (a subframe, a navigated page) is dropped and logged.
 */
export function attachElectronTransport(server: IpcServer, contents: WebContents, appIndexUrl: string, onRefused: (why: string) => void): void {
  const listeners = new Set<(m: unknown) => void>();
  const closeListeners = new Set<() => void>();
  const conn: HostConnection = {
    label: `window#${contents.id}`,
    send(msg: HostMessage) {
      if (!contents.isDestroyed()) contents.send(IPC_CHANNEL, msg);
    },
    onMessage: (l) => (listeners.add(l), () => listeners.delete(l)),
    onClose: (l) => (closeListeners.add(l), () => closeListeners.delete(l)),
  };
  const onMessage = (event: IpcMainEvent, msg: unknown) => {
    // ipcMain would otherwise rethrow into Electron's main process: a bad message costs a log line, never the app.
    try {
      if (event.sender !== contents) return;
      const frame = event.senderFrame;
      if (!frame || frame !== contents.mainFrame || !isAppUrl(frame.url, appIndexUrl)) {
        onRefused(`message from foreign frame ${frame?.url ?? '(gone)'}`);
        return;
      }
      for (const l of listeners) l(msg);
    } catch (e) {
      onRefused(`message handling failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  ipcMain.on(IPC_CHANNEL, onMessage);
  contents.once('destroyed', () => {
    ipcMain.off(IPC_CHANNEL, onMessage);
    for (const l of closeListeners) l();
  });
  server.accept(conn);
}
