/**
 * Kestrel Sim, the built-in offline venue: the loopback exchange in Binance's wire format
 * (main/venues/mock-exchange), started by the host on first use — on 127.0.0.1, a free port, seeded — and
 * reached through ccxt's real binance client like any exchange. Closed with the host.
 *
 * `url` points the host at a Kestrel Sim running elsewhere instead (`kestrel sim`, KESTREL_SIM_URL: tests
 * whose exchange must outlive a killed host). Its operator endpoint issues the API keys of `sim` accounts
 * that have no credentials of their own: a sim account is an account on the sim's own matching engine,
 * named after the Kestrel account.
 */
import { ValidationError, VenueNetworkError } from '../../core/errors.ts';
import { generatedSymbols, startMockExchange, type MockExchange } from '../../venues/mock-exchange/index.ts';

export const KESTREL_SIM_SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BNB/USDT'] as const;

export interface KestrelSimOptions {
  readonly seed?: number;
  /** Days of 1m history it serves, ending at `end`. */
  readonly days?: number;
  readonly end?: number;
  /** 0 (default): a free port. */
  readonly port?: number;
  /** An already running Kestrel Sim (`kestrel sim`, a test's) to use instead of starting one: http://127.0.0.1:PORT. */
  readonly url?: string;
}

export interface SimKeyPair {
  readonly apiKey: string;
  readonly secret: string;
}

export class KestrelSim {
  private readonly o: KestrelSimOptions;
  private server: Promise<MockExchange> | undefined;
  private readonly keys = new Map<string, Promise<SimKeyPair>>();

  constructor(o: KestrelSimOptions = {}) {
    this.o = o;
  }

  get started(): boolean {
    return this.server !== undefined || this.o.url !== undefined;
  }

  /** Its REST and WebSocket endpoints, starting it when it is not running. */
  async endpoints(): Promise<{ rest: string; ws: string }> {
    const base = this.o.url?.replace(/\/$/, '') ?? (await this.exchange()).baseUrl;
    return { rest: base, ws: `${base.replace('http://', 'ws://')}/ws` };
  }

  /** The running exchange (started on first use): its private API issues keys and plants orders (tests, demos). */
  exchange(): Promise<MockExchange> {
    if (this.o.url) return Promise.reject(new ValidationError(`Kestrel Sim runs outside this host (${this.o.url}): use its /sim-admin endpoints`));
    const seed = this.o.seed ?? 1;
    this.server ??= startMockExchange({ symbols: generatedSymbols({ symbols: KESTREL_SIM_SYMBOLS, days: this.o.days ?? 30, seed, ...(this.o.end !== undefined ? { end: this.o.end } : {}) }), seed, port: this.o.port ?? 0 });
    return this.server;
  }

  /** An API key on the sim account `account` (created, and funded, on first use); one per host run. */
  simKey(account: string): Promise<SimKeyPair> {
    let k = this.keys.get(account);
    if (!k) {
      k = this.issue(account);
      this.keys.set(account, k);
      k.catch(() => this.keys.delete(account));
    }
    return k;
  }

  private async issue(account: string): Promise<SimKeyPair> {
    const { rest } = await this.endpoints();
    const res = await fetch(`${rest}/sim-admin/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ account }) });
    const body = (await res.json()) as { apiKey?: unknown; secret?: unknown; msg?: unknown };
    if (!res.ok || typeof body.apiKey !== 'string' || typeof body.secret !== 'string') throw new VenueNetworkError(`Kestrel Sim did not issue a key: ${String(body.msg ?? res.status)}`, { exchange: 'kestrel-sim', op: 'issueKey' });
    return { apiKey: body.apiKey, secret: body.secret };
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    this.keys.clear();
    if (s) await (await s).close();
  }
}
