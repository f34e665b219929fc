import { decodeFrame, encodeFrame, type ClientMessage, type ClientPort } from '../../main/contract/index.ts';

/** What the Electron preload exposes on `window.kestrel` (see main/preload). */
export interface ElectronBridge {
  send(msg: ClientMessage): void;
  onMessage(listener: (msg: unknown) => void): () => void;
}

declare global {
  interface Window {
    kestrel?: ElectronBridge;
  }
}

export type TransportKind = 'electron' | 'websocket';

export interface OpenTransport {
  kind: TransportKind;
  port: ClientPort;
  /** Resolves when the transport is usable; rejects when it cannot be opened. */
  ready: Promise<void>;
  onClose(listener: (reason: string) => void): void;
}

/** The token headless mode put in the URL fragment; fragments never reach server logs. */
export function launchToken(): string | null {
  const hash = new URLSearchParams(window.location.hash.slice(1));
  const token = hash.get('token');
  if (token) {
    sessionStorage.setItem('kestrel.token', token);
    // Out of the address bar, the history and anything that copies the URL; a reload finds it in this tab's sessionStorage.
    hash.delete('token');
    const rest = hash.toString();
    history.replaceState(history.state, '', `${window.location.pathname}${window.location.search}${rest ? `#${rest}` : ''}`);
  }
  return token ?? sessionStorage.getItem('kestrel.token');
}

export function openTransport(): OpenTransport {
  const bridge = window.kestrel;
  if (bridge) {
    return { kind: 'electron', port: { send: (m) => bridge.send(m), onMessage: (l) => bridge.onMessage(l) }, ready: Promise.resolve(), onClose: () => {} };
  }
  const token = launchToken();
  const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/ws?token=${encodeURIComponent(token ?? '')}`;
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  const listeners = new Set<(m: unknown) => void>();
  const closeListeners = new Set<(reason: string) => void>();
  ws.addEventListener('message', (ev) => {
    let msg: unknown;
    try {
      msg = typeof ev.data === 'string' ? JSON.parse(ev.data) : decodeFrame(new Uint8Array(ev.data as ArrayBuffer));
    } catch {
      return;
    }
    for (const l of listeners) l(msg);
  });
  ws.addEventListener('close', (ev) => {
    for (const l of closeListeners) l(token ? `connection closed (${ev.code})` : 'no launch token in the URL: open the address `kestrel serve` printed');
  });
  const ready = new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new Error(token ? 'cannot reach the Kestrel host' : 'no launch token in the URL')), { once: true });
  });
  return {
    kind: 'websocket',
    port: {
      send: (m) => ws.send(encodeFrame(m)),
      onMessage: (l) => (listeners.add(l), () => listeners.delete(l)),
      close: () => ws.close(),
    },
    ready,
    onClose: (l) => closeListeners.add(l),
  };
}
