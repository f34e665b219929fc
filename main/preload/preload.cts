// Sandboxed preloads must be CommonJS and may only require 'electron'; this file forwards messages only.
type Electron = typeof import('electron');
const { contextBridge, ipcRenderer } = require('electron') as Electron;

const CHANNEL = 'kestrel:msg';

contextBridge.exposeInMainWorld('kestrel', {
  send(msg: unknown): void {
    ipcRenderer.send(CHANNEL, msg);
  },
  onMessage(listener: (msg: unknown) => void): () => void {
    const h = (_e: import('electron').IpcRendererEvent, msg: unknown) => listener(msg);
    ipcRenderer.on(CHANNEL, h);
    return () => ipcRenderer.off(CHANNEL, h);
  },
});
