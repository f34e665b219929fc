/**
 * The inbound webhook listener: `POST /hooks/<id>` over plain HTTP on 127.0.0.1 (a TLS-terminating tunnel
 * or reverse proxy in front is how a sender on the internet reaches it). Binding beyond loopback is the
 * settings' explicit `bind: all`, warned about when it starts. Bodies are capped, slow senders cut off; the
 * rate limit is asked before a body is read. Everything else is WebhookService's.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.ts';
import type { WebhookService } from './service.ts';

/** TradingView alert bodies are a few hundred bytes; an order ticket never needs more. */
export const MAX_BODY = 16 * 1024;
const PATH = /^\/hooks\/([A-Za-z0-9_-]{1,64})$/;

export class WebhookListener {
  private server: Server | undefined;
  private readonly svc: WebhookService;
  private readonly log: Logger;
  private readonly port: number;
  readonly exposed: boolean;

  constructor(svc: WebhookService, o: { port: number; bind: 'loopback' | 'all'; log: Logger }) {
    this.svc = svc;
    this.log = o.log;
    this.port = o.port;
    this.exposed = o.bind === 'all';
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => this.serve(req, res));
    server.requestTimeout = 10_000;
    server.headersTimeout = 5_000;
    server.keepAliveTimeout = 5_000;
    const host = this.exposed ? '0.0.0.0' : '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (e) => this.log.error({ err: e }, 'webhook listener error'));
    this.server = server;
    if (this.exposed) this.log.warn({ url: this.url }, 'the webhook listener is reachable from other machines (webhooks.bind = all): anyone who can reach this port can try hooks; keep the secrets strong and prefer a TLS tunnel');
    else this.log.info({ url: this.url }, 'webhook listener started');
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  /** `http://127.0.0.1:<port>` while listening. */
  get url(): string | null {
    const a = this.server?.address() as AddressInfo | null | undefined;
    return a ? `http://127.0.0.1:${a.port}` : null;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const started = performance.now();
    const remote = req.socket.remoteAddress ?? '?';
    const m = PATH.exec(req.url ?? '');
    const hook = m?.[1] ?? '(none)';
    // First, before anything of the request is looked at: a flood costs a token check each.
    if (!this.svc.admit()) {
      const r = this.svc.limited(hook, remote, started);
      res.setHeader('Retry-After', '1');
      return reply(res, r.status, r.body, true);
    }
    const early = !m ? ([404, 'not found: POST /hooks/<hook id>'] as const) : req.method !== 'POST' ? ([405, 'method not allowed: POST only'] as const) : Number(req.headers['content-length'] ?? NaN) > MAX_BODY ? ([413, `body larger than ${MAX_BODY} bytes`] as const) : null;
    if (early) {
      const r = this.svc.refused(hook, remote, started, early[0], early[1]);
      return reply(res, r.status, r.body, true);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) over = true;
      else chunks.push(c);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (over) {
        const r = this.svc.refused(hook, remote, started, 413, `body larger than ${MAX_BODY} bytes`);
        return reply(res, r.status, r.body, true);
      }
      this.svc.handle({ hook, headers: req.headers, body: Buffer.concat(chunks), remote }, started).then(
        (r) => reply(res, r.status, r.body),
        (e: unknown) => {
          this.log.error({ err: e }, 'webhook handling failed');
          reply(res, 500, { ok: false, reason: 'internal error' });
        },
      );
    });
  }
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>, close = false): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...(close ? { connection: 'close' } : {}) });
  res.end(text);
}
