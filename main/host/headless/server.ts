import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Host } from '../host.ts';
import { websocketConnection } from '../transports/websocket.ts';
import { contentSecurityPolicy, hostAllowed, newLaunchToken, upgradeRefusal } from './security.ts';
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
  let port = 0;
  wss.on('error', (e) => log.warn({ err: e.message }, 'websocket server error'));
  const http: Server = createServer((req, res) => {
    try {
      // DNS rebinding: a page of evil.example whose name now resolves to 127.0.0.1 sends Host: evil.example.
      if (!hostAllowed(req.headers.host, port)) {
        res.writeHead(421, { 'content-type': 'text/plain', connection: 'close' }).end('misdirected request: this server answers only to 127.0.0.1 and localhost');
        return;
      }
      serveStatic(opts.staticDir, req, res, {
        'content-security-policy': contentSecurityPolicy(origin.replace(/^http/, 'ws')),
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
      });
    } catch (e) {
      log.error({ err: e }, 'BUG: static request failed');
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    }
  });
  let seq = 0;
  http.on('upgrade', (req, socket, head) => {
    // Handed over raw: without a listener, a client resetting the connection would throw from here.
    socket.on('error', (e) => log.debug({ err: e.message }, 'upgrade socket error'));
    try {
      const refused = upgradeRefusal(req, token, origin, port);
      if (refused) {
        log.warn({ why: refused, path: String(req.url).slice(0, 200), origin: req.headers.origin }, 'refused websocket upgrade');
        socket.end(`HTTP/1.1 ${refused === 'malformed request' ? '400 Bad Request' : '403 Forbidden'}\r\nconnection: close\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const label = `ws#${++seq}`;
        try {
          opts.host.server.accept(websocketConnection(ws, label, (e) => log.warn({ conn: label, err: e.message }, 'websocket protocol error; connection closed')));
        } catch (e) {
          log.error({ err: e }, 'BUG: accepting a websocket failed');
          ws.terminate();
        }
      });
    } catch (e) {
      log.error({ err: e }, 'BUG: websocket upgrade failed');
      socket.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (http.address() as AddressInfo).port;
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
