/**
 * Fault injection for the mock exchange. Two ways to ask for trouble: probabilities (drawn from a seeded
 * generator, so a failing run can be replayed) and an explicit queue (`failNext`) for tests that need a
 * fault at an exact request.
 */
import { Rng, sliceColumns, allocColumns } from '../../core/data/index.ts';
import { mockSymbol, type MockSymbol } from './market.ts';

export type HttpFault = 'rate-limit' | 'ban' | 'server-error' | 'disconnect' | 'malformed';
export type WsFault = 'disconnect' | 'duplicate' | 'reorder' | 'malformed';

export interface FaultConfig {
  /** Added before every HTTP reply (ms). */
  readonly latencyMs?: number;
  /** Per-request probabilities. */
  readonly rateLimit?: number;
  readonly ban?: number;
  readonly serverError?: number;
  readonly disconnect?: number;
  readonly malformed?: number;
  /** Per kline/trade row: probability it is sent twice in the same page. */
  readonly duplicateRows?: number;
  /** Per page: probability its rows are served in scrambled order. */
  readonly shuffleRows?: number;
  /** Requests allowed per rolling second before 429s (0 = unlimited), like Binance's weight limit. */
  readonly maxRequestsPerSecond?: number;
  /** Per stream message probabilities. */
  readonly wsDuplicate?: number;
  readonly wsReorder?: number;
  readonly wsMalformed?: number;
  /** Close every stream connection after this many messages (0 = never). */
  readonly wsDisconnectAfter?: number;
  /** Live mode: drop every stream connection this often (wall ms; 0 = never). */
  readonly wsDropEveryMs?: number;
  /** Live mode: every this many wall ms the streams go silent for `wsStallMs`, sockets left open. */
  readonly wsStallEveryMs?: number;
  readonly wsStallMs?: number;
}

export class FaultPlan {
  config: FaultConfig;
  private readonly rng: Rng;
  private readonly queue: HttpFault[] = [];
  private readonly wsQueue: WsFault[] = [];
  private recent: number[] = [];
  private nextDrop: number | undefined;
  private nextStall: number | undefined;
  private stallUntil = 0;
  /** Exchange ids of delisted markets: shown halted in exchangeInfo, unknown to the data endpoints, silent on streams. */
  readonly delisted = new Set<string>();
  readonly injected: Record<HttpFault | `ws-${WsFault}` | 'throttled' | 'duplicate-rows' | 'shuffled-pages' | 'ws-drop' | 'ws-stall', number> = {
    'rate-limit': 0, ban: 0, 'server-error': 0, disconnect: 0, malformed: 0,
    'ws-disconnect': 0, 'ws-duplicate': 0, 'ws-reorder': 0, 'ws-malformed': 0, throttled: 0, 'duplicate-rows': 0, 'shuffled-pages': 0, 'ws-drop': 0, 'ws-stall': 0,
  };

  constructor(config: FaultConfig = {}, seed = 1) {
    this.config = config;
    this.rng = new Rng(seed);
  }

  failNext(kind: HttpFault, times = 1): void {
    for (let i = 0; i < times; i++) this.queue.push(kind);
  }

  failNextWs(kind: WsFault, times = 1): void {
    for (let i = 0; i < times; i++) this.wsQueue.push(kind);
  }

  /** Decides the fate of one HTTP request. */
  http(now: number): HttpFault | 'throttled' | undefined {
    const q = this.queue.shift();
    if (q) return this.count(q);
    const c = this.config;
    const limit = c.maxRequestsPerSecond ?? 0;
    if (limit > 0) {
      this.recent = this.recent.filter((t) => now - t < 1000);
      if (this.recent.length >= limit) {
        this.injected.throttled++;
        return 'throttled';
      }
      this.recent.push(now);
    }
    for (const [kind, p] of [['rate-limit', c.rateLimit], ['ban', c.ban], ['server-error', c.serverError], ['disconnect', c.disconnect], ['malformed', c.malformed]] as const) {
      if (p && this.rng.uniform() < p) return this.count(kind);
    }
    return undefined;
  }

  ws(): WsFault | undefined {
    const q = this.wsQueue.shift();
    if (q) return this.countWs(q);
    const c = this.config;
    for (const [kind, p] of [['duplicate', c.wsDuplicate], ['reorder', c.wsReorder], ['malformed', c.wsMalformed]] as const) {
      if (p && this.rng.uniform() < p) return this.countWs(kind);
    }
    return undefined;
  }

  /** True when the scheduled drop of every stream connection is due (live mode, `wsDropEveryMs`). */
  dropDue(wall: number): boolean {
    const every = this.config.wsDropEveryMs ?? 0;
    if (every <= 0) {
      this.nextDrop = undefined;
      return false;
    }
    this.nextDrop ??= wall + every;
    if (wall < this.nextDrop) return false;
    // Jittered (½–1½ ×) so drops do not fall in step with the 1m bars.
    this.nextDrop = wall + every * (0.5 + this.rng.uniform());
    this.injected['ws-drop']++;
    return true;
  }

  /** True while the streams are stalled (live mode, `wsStallEveryMs` / `wsStallMs`). */
  stalled(wall: number): boolean {
    const every = this.config.wsStallEveryMs ?? 0;
    if (wall < this.stallUntil) return true;
    if (every <= 0) {
      this.nextStall = undefined;
      return false;
    }
    this.nextStall ??= wall + every;
    if (wall < this.nextStall) return false;
    this.nextStall = wall + every * (0.5 + this.rng.uniform());
    this.stallUntil = wall + (this.config.wsStallMs ?? 2_000);
    this.injected['ws-stall']++;
    return true;
  }

  /** Applies row duplication and shuffling to one page of rows. */
  rows<T>(rows: T[]): T[] {
    const c = this.config;
    let out = rows;
    if (c.duplicateRows) {
      out = [];
      for (const r of rows) {
        out.push(r);
        if (this.rng.uniform() < c.duplicateRows) {
          out.push(r);
          this.injected['duplicate-rows']++;
        }
      }
    }
    if (c.shuffleRows && out.length > 1 && this.rng.uniform() < c.shuffleRows) {
      out = out.slice();
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(this.rng.uniform() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      this.injected['shuffled-pages']++;
    }
    return out;
  }

  private count(k: HttpFault): HttpFault {
    this.injected[k]++;
    return k;
  }

  private countWs(k: WsFault): WsFault {
    this.injected[`ws-${k}`]++;
    return k;
  }
}

/**
 * A copy of `s` without `count` candles (seeded positions, never the first or last): the "missing candles"
 * fault. The result IS the mock's truth from then on: clients must store the hole, not invent rows.
 */
export function withMissingCandles(s: MockSymbol, count: number, seed = 3): MockSymbol {
  const n = s.candles.ts.length;
  const rng = new Rng(seed);
  const drop = new Set<number>();
  while (drop.size < Math.min(count, Math.max(0, n - 2))) drop.add(1 + Math.floor(rng.uniform() * (n - 2)));
  const keep = allocColumns(n - drop.size);
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (drop.has(i)) continue;
    const row = sliceColumns(s.candles, i, i + 1);
    keep.ts[m] = row.ts[0]!;
    keep.open[m] = row.open[0]!;
    keep.high[m] = row.high[0]!;
    keep.low[m] = row.low[0]!;
    keep.close[m] = row.close[0]!;
    keep.volume[m] = row.volume[0]!;
    m++;
  }
  return mockSymbol(s, keep);
}
