/**
 * Kestrel Sim, the built-in offline venue: the loopback exchange in Binance's wire format
 * (main/venues/mock-exchange), started by the host on first use — on 127.0.0.1, a free port, seeded — and
 * reached through ccxt's real binance client like any exchange. Closed with the host.
 */
import { ValidationError } from '../../core/errors.ts';
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

export class KestrelSim {
  private readonly o: KestrelSimOptions;
  private server: Promise<MockExchange> | undefined;

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

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await (await s).close();
  }
}
