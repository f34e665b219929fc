/**
 * The opt-in Prometheus endpoint: `GET /metrics` on 127.0.0.1 only (a scraper on another machine goes
 * through the user's own tunnel; the figures say how the user trades). Anything else is a 404.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.ts';
import type { PromMetrics } from './prom.ts';

export class MetricsEndpoint {
  private server: Server | undefined;
  private readonly prom: PromMetrics;
  private readonly port: number;
  private readonly log: Logger;

  constructor(prom: PromMetrics, o: { port: number; log: Logger }) {
    this.prom = prom;
    this.port = o.port;
    this.log = o.log;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
        return;
      }
      this.prom.text().then(
        (text) => res.writeHead(200, { 'content-type': this.prom.contentType, 'cache-control': 'no-store' }).end(text),
        (e: unknown) => {
          this.log.error({ err: e }, 'metrics scrape failed');
          res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
        },
      );
    });
    server.headersTimeout = 5_000;
    server.requestTimeout = 10_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (e) => this.log.error({ err: e }, 'metrics endpoint error'));
    this.server = server;
    this.log.info({ url: this.url }, 'Prometheus metrics endpoint started');
  }

  /** `http://127.0.0.1:<port>/metrics` while listening. */
  get url(): string | null {
    const a = this.server?.address() as AddressInfo | null | undefined;
    return a ? `http://127.0.0.1:${a.port}/metrics` : null;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
