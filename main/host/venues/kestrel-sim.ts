/**
 * Kestrel Sim, the built-in offline venue: the loopback exchange in Binance's wire format
 * (main/venues/mock-exchange), started by the host on first use — on 127.0.0.1, a free port, seeded — and
 * reached through ccxt's real binance client like any exchange. Closed with the host.
 *
 * It is a live market: `days` of 1m history up to now, then the current minute forming from its trades on
 * its own clock (mock-exchange/live.ts), with `futureDays` of prices ahead generated at start (a host
 * running longer than that sees the market go quiet: restart it).
 */
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
}

export class KestrelSim {
  private readonly o: KestrelSimOptions;
  private server: Promise<MockExchange> | undefined;

  constructor(o: KestrelSimOptions = {}) {
    this.o = o;
  }

  get started(): boolean {
    return this.server !== undefined;
  }

  /** Its REST and WebSocket endpoints, starting it when it is not running. */
  async endpoints(): Promise<{ rest: string; ws: string }> {
    const seed = this.o.seed ?? 1;
    this.server ??= (() => {
      const now = this.o.now ?? Date.now();
      const days = this.o.days ?? 30;
      const ahead = this.o.futureDays ?? 7;
      const end = Math.floor(now / 60_000) * 60_000 + ahead * 86_400_000;
      const clock = new SimClock({ start: now, speed: this.o.speed ?? 1, skewMs: this.o.skewMs ?? 0 });
      return startMockExchange({
        symbols: generatedSymbols({ symbols: KESTREL_SIM_SYMBOLS, days: days + ahead, seed, end }), seed, clock,
        streamIntervalMs: this.o.streamIntervalMs ?? 250, ...(this.o.faults ? { faults: this.o.faults } : {}),
      });
    })();
    const m = await this.server;
    return { rest: m.baseUrl, ws: `${m.baseUrl.replace('http://', 'ws://')}/ws` };
  }

  /** The running exchange (tests inject faults through it); starts it when it is not running. */
  async exchange(): Promise<MockExchange> {
    await this.endpoints();
    return this.server!;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await (await s).close();
  }
}
