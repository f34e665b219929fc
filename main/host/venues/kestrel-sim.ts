/**
 * Kestrel Sim, the built-in offline venue: the loopback exchange in Binance's wire format
 * (main/venues/mock-exchange), started by the host on first use — on 127.0.0.1, a free port, seeded — and
 * reached through ccxt's real binance client like any exchange. Closed with the host.
 *
 * `url` points the host at a Kestrel Sim running elsewhere instead (KESTREL_SIM_URL: tests whose exchange
 * must outlive a killed host). Its operator endpoint issues the API keys of `sim` accounts: a sim account is
 * an account on the sim's own matching engine, keyed by the Kestrel account's id.
 */
import { ValidationError, VenueNetworkError } from '../../core/errors.ts';
import { generatedSymbols, startMockExchange, type MockExchange } from '../../venues/mock-exchange/index.ts';

export const KESTREL_SIM_SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BNB/USDT'] as const;

export interface KestrelSimOptions {
  readonly seed?: number;
  /** Days of 1m history it serves, ending at `end`. */
  readonly days?: number;
  readonly end?: number;
  /** An external Kestrel Sim (http://127.0.0.1:PORT): not started or closed by this host. */
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
    if (o.url !== undefined && !/^http:\/\/(127\.0\.0\.1|localhost):\d{1,5}$/.test(o.url)) throw new ValidationError(`KESTREL_SIM_URL must be http://127.0.0.1:PORT, got ${o.url}`);
    this.o = o;
  }

  get started(): boolean {
    return this.server !== undefined;
  }

  /** Its REST and WebSocket endpoints, starting it when it is not running. */
  async endpoints(): Promise<{ rest: string; ws: string }> {
    if (this.o.url) return { rest: this.o.url, ws: `${this.o.url.replace('http://', 'ws://')}/ws` };
    const seed = this.o.seed ?? 1;
    this.server ??= startMockExchange({ symbols: generatedSymbols({ symbols: KESTREL_SIM_SYMBOLS, days: this.o.days ?? 30, seed, ...(this.o.end !== undefined ? { end: this.o.end } : {}) }), seed });
    const m = await this.server;
    return { rest: m.baseUrl, ws: `${m.baseUrl.replace('http://', 'ws://')}/ws` };
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
