import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Host } from '../host.ts';
import { websocketConnection } from '../transports/websocket.ts';
import { contentSecurityPolicy, newLaunchToken, tokenMatches } from './security.ts';
import { serveStatic } from './static.ts';

export interface HeadlessOptions {
  host: Host;
  staticDir: string;
  port?: number;
  token?: string;
}

export interface HeadlessServer {
  readonly url: string;
  readonly wsUrl: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const MAX_FRAME = 64 * 1024 * 1024;

/**
 * Headless mode: the same host as the desktop app, its renderer served over HTTP and its contract over a
 * WebSocket, both bound to 127.0.0.1 only. Opening the socket requires this launch's token.
 */
export async function startHeadless(opts: HeadlessOptions): Promise<HeadlessServer> {
  const token = opts.token ?? newLaunchToken();
  const log = opts.host.ctx.log;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME, perMessageDeflate: false });
  let origin = '';
  const http: Server = createServer((req, res) => {
    serveStatic(opts.staticDir, req, res, {
      'content-security-policy': contentSecurityPolicy(origin.replace(/^http/, 'ws')),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
    });
  });
  let seq = 0;
  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    const reqOrigin = req.headers.origin;
    // Browsers always send Origin: another site's page must never reach the host, even with a leaked token.
    if (url.pathname !== '/ws' || !tokenMatches(token, url.searchParams.get('token')) || (reqOrigin !== undefined && reqOrigin !== origin)) {
      log.warn({ path: url.pathname, origin: reqOrigin }, 'refused websocket upgrade');
      socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      opts.host.server.accept(websocketConnection(ws, `ws#${++seq}`));
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/#token=${token}`,
    wsUrl: `ws://127.0.0.1:${port}/ws?token=${token}`,
    port,
    token,
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      // close() alone waits for every HTTP connection to end. A browser keeps sockets it opened ahead of
      // use (no request on them yet), which only the 60 s headers timeout would end: shutdown hung that long.
      const closed = new Promise<void>((r) => http.close(() => r()));
      http.closeAllConnections();
      await closed;
    },
  };
}
