/**
 * Kestrel Sim, the built-in offline venue: the loopback exchange in Binance's wire format
 * (main/venues/mock-exchange), started by the host on first use — on 127.0.0.1, a free port, seeded — and
 * reached through ccxt's real binance client like any exchange. Closed with the host.
 *
 * It is a live market: `days` of 1m history up to now, then the current minute forming from its trades on
 * its own clock (mock-exchange/live.ts), with `futureDays` of prices ahead generated at start (a host
 * running longer than that sees the market go quiet: restart it).
 *
 * `url` points the host at a Kestrel Sim running elsewhere instead (`kestrel sim`, KESTREL_SIM_URL: tests
 * whose exchange must outlive a killed host). Its operator endpoint issues the API keys of `sim` accounts
 * that have no credentials of their own: a sim account is an account on the sim's own matching engine,
 * named after the Kestrel account.
 */
import { ValidationError, VenueNetworkError } from '../../core/errors.ts';
import { generatedSymbols, SimClock, startMockExchange, type FaultConfig, type MockExchange } from '../../venues/mock-exchange/index.ts';

export const KESTREL_SIM_SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BNB/USDT'] as const;

export interface KestrelSimOptions {
  readonly seed?: number;
  /** Days of 1m history it serves, ending now (or at `now`). */
  readonly days?: number;
  /** Days of prices generated ahead of the clock. */
  readonly futureDays?: number;
  /** Its clock's start (default: the local clock at start). */
  readonly now?: number;
  /** Sim ms per wall ms (tests: faster). */
  readonly speed?: number;
  /** Its clock runs this far ahead of the local one (the clock-skew fault). */
  readonly skewMs?: number;
  readonly streamIntervalMs?: number;
  readonly faults?: FaultConfig;
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
    if (this.o.url) {
      const base = this.o.url.replace(/\/$/, '');
      return { rest: base, ws: `${base.replace('http://', 'ws://')}/ws` };
    }
    const seed = this.o.seed ?? 1;
    this.server ??= (() => {
      const now = this.o.now ?? Date.now();
      const days = this.o.days ?? 30;
      const ahead = this.o.futureDays ?? 7;
      const end = Math.floor(now / 60_000) * 60_000 + ahead * 86_400_000;
      const clock = new SimClock({ start: now, speed: this.o.speed ?? 1, skewMs: this.o.skewMs ?? 0 });
      return startMockExchange({
        symbols: generatedSymbols({ symbols: KESTREL_SIM_SYMBOLS, days: days + ahead, seed, end }), seed, clock,
        streamIntervalMs: this.o.streamIntervalMs ?? 250, ...(this.o.faults ? { faults: this.o.faults } : {}), port: this.o.port ?? 0,
      });
    })();
    const m = await this.server;
    return { rest: m.baseUrl, ws: `${m.baseUrl.replace('http://', 'ws://')}/ws` };
  }

  /** The running exchange (tests inject faults, issue keys, plant orders through it); starts it when it is not running. */
  async exchange(): Promise<MockExchange> {
    if (this.o.url) throw new ValidationError(`Kestrel Sim runs outside this host (${this.o.url}): use its /sim-admin endpoints`);
    await this.endpoints();
    return this.server!;
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
