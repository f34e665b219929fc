/**
 * The live demo feed: continues the synthetic demo symbols' price paths in wall-clock time, as trade prints
 * every `tickMs`, and closes 1m candles from them. It implements the MarketData port, so the paper session
 * consumes it exactly as it would a live exchange stream.
 *
 * Determinism: tick k of a feed is at `startTs + k·tickMs` and its prices depend only on (seed, startTs, k):
 * the path is generated sequentially from one seeded RNG, and a late timer catches up by emitting every due
 * tick with its scheduled timestamp, never by skipping or re-timing. Same seed + start time = same prints.
 *
 * Price model per symbol j (log space): a correlated random walk (market factor with correlation rho_j,
 * annualised volatility × volScale_j, matching the stored demo generator's character) plus a slow
 * deterministic swing of ±swingBps with period cycleMs. The swing is what a demo needs that real markets
 * do not promise: any price within a few basis points of the market is crossed within one cycle, so a
 * limit order placed "near the market" in a demo (or an end-to-end test) fills within seconds.
 * Prints are rounded to the instrument's tick; sizes to its lot.
 */
import { Rng } from '../../core/data/random.ts';
import type { Candle, Trade } from '../../core/model/index.ts';
import type { MarketData, MarketDataHandler } from '../../core/ports.ts';

export interface FeedSymbol {
  readonly symbol: string;
  /** Price the path continues from (last stored close, or the demo start price). */
  readonly anchor: number;
  readonly tickSize: number;
  readonly lotSize: number;
  /** Correlation to the common factor (0..1). */
  readonly rho: number;
  /** Volatility relative to the market factor. */
  readonly volScale: number;
  /** Typical traded volume per minute, base units. */
  readonly volumePerMinute: number;
}

export interface DemoFeedOptions {
  readonly symbols: readonly FeedSymbol[];
  readonly seed: number;
  /** Time of tick 0 (ms since epoch). */
  readonly startTs: number;
  /** Interval between prints (ms). Default 250. */
  readonly tickMs?: number;
  /** Period of the deterministic swing (ms). Default 10 s. */
  readonly cycleMs?: number;
  /** Amplitude of the swing in basis points. Default 8. */
  readonly swingBps?: number;
  /** Annualised volatility of the random-walk part. Default 0.6. */
  readonly annualVol?: number;
  /** Wall clock (injectable for tests). */
  readonly now?: () => number;
}

export const FEED_DEFAULTS = { tickMs: 250, cycleMs: 10_000, swingBps: 8, annualVol: 0.6 } as const;
const YEAR_MS = 365 * 86_400_000;
const MINUTE = 60_000;

interface SymState {
  readonly spec: FeedSymbol;
  readonly phase: number;
  readonly sigma: number;
  readonly qtyMean: number;
  walk: number;
  last: number;
  bar: { ts: number; open: number; high: number; low: number; close: number; volume: number } | undefined;
}

export class DemoFeed implements MarketData {
  readonly tickMs: number;
  readonly startTs: number;
  private readonly cycleMs: number;
  private readonly swing: number;
  private readonly rng: Rng;
  private readonly now: () => number;
  private readonly syms: SymState[];
  private readonly handlers = new Set<{ symbols: ReadonlySet<string>; h: MarketDataHandler }>();
  private k = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Called after each pump that emitted at least one tick (the session batches UI events here). */
  onBatch: (() => void) | undefined;

  constructor(opts: DemoFeedOptions) {
    this.tickMs = opts.tickMs ?? FEED_DEFAULTS.tickMs;
    if (!(Number.isFinite(this.tickMs) && this.tickMs >= 1)) throw new RangeError(`feed tickMs must be >= 1, got ${this.tickMs}`);
    this.startTs = opts.startTs;
    this.cycleMs = opts.cycleMs ?? FEED_DEFAULTS.cycleMs;
    this.swing = (opts.swingBps ?? FEED_DEFAULTS.swingBps) / 10_000;
    this.rng = new Rng(opts.seed);
    this.now = opts.now ?? Date.now;
    const vol = opts.annualVol ?? FEED_DEFAULTS.annualVol;
    const ticksPerMinute = MINUTE / this.tickMs;
    this.syms = opts.symbols.map((s, j) => ({
      spec: s,
      // Different phases so the symbols do not swing in lockstep.
      phase: (2 * Math.PI * j) / Math.max(1, opts.symbols.length),
      sigma: vol * s.volScale * Math.sqrt(this.tickMs / YEAR_MS),
      qtyMean: s.volumePerMinute / ticksPerMinute,
      walk: 0,
      last: s.anchor,
      bar: undefined,
    }));
  }

  subscribe(symbols: readonly string[], handler: MarketDataHandler): () => void {
    const entry = { symbols: new Set(symbols), h: handler };
    this.handlers.add(entry);
    return () => this.handlers.delete(entry);
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  /**
   * Starts emitting on a timer. Idempotent. `run` wraps each pump (the session runs it as one market batch:
   * one ledger commit, one round of UI events).
   */
  start(run: (pump: () => void) => void = (pump) => pump()): void {
    if (this.timer) return;
    this.timer = setInterval(() => run(() => void this.pump()), this.tickMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Time of the next tick to be emitted. */
  get nextTs(): number {
    return this.startTs + this.k * this.tickMs;
  }

  /** Last printed price per symbol (the anchor before the first tick). */
  lastPrices(): Map<string, number> {
    return new Map(this.syms.map((s) => [s.spec.symbol, s.last]));
  }

  /** The minute bar being formed for a symbol, if any tick has arrived in it. */
  forming(symbol: string): Candle | undefined {
    const b = this.syms.find((s) => s.spec.symbol === symbol)?.bar;
    return b && { ...b };
  }

  /** Emits every tick due at `upTo` (default: now). Returns how many ticks were emitted. */
  pump(upTo = this.now()): number {
    let n = 0;
    while (this.nextTs <= upTo) {
      this.tick(this.nextTs);
      this.k++;
      n++;
    }
    if (n > 0) this.onBatch?.();
    return n;
  }

  private tick(ts: number): void {
    const zm = this.rng.normal();
    const angle = (2 * Math.PI * (ts - this.startTs)) / this.cycleMs;
    for (const s of this.syms) {
      const zi = this.rng.normal();
      const u = this.rng.uniform();
      const rho = s.spec.rho;
      s.walk += s.sigma * (rho * zm + Math.sqrt(1 - rho * rho) * zi);
      const raw = s.spec.anchor * Math.exp(s.walk + this.swing * Math.sin(angle + s.phase));
      const price = roundTo(Math.max(raw, s.spec.tickSize), s.spec.tickSize);
      const qty = Math.max(s.spec.lotSize, roundTo(s.qtyMean * (0.25 + 1.5 * u), s.spec.lotSize));
      s.last = price;
      const minute = ts - (((ts % MINUTE) + MINUTE) % MINUTE);
      if (s.bar && s.bar.ts !== minute) this.closeBar(s);
      if (!s.bar) s.bar = { ts: minute, open: price, high: price, low: price, close: price, volume: 0 };
      const b = s.bar;
      if (price > b.high) b.high = price;
      if (price < b.low) b.low = price;
      b.close = price;
      b.volume = roundTo(b.volume + qty, s.spec.lotSize);
      const trade: Trade = { symbol: s.spec.symbol, ts, price, qty, id: `demo-${this.startTs}-${this.k}-${s.spec.symbol}` };
      for (const e of this.handlers) if (e.symbols.has(trade.symbol)) e.h.onTrade(trade);
    }
  }

  private closeBar(s: SymState): void {
    const c: Candle = { ...s.bar! };
    s.bar = undefined;
    for (const e of this.handlers) if (e.symbols.has(s.spec.symbol)) e.h.onCandle(s.spec.symbol, c);
  }
}

/** Rounds to a multiple of `step`, removing binary noise by going through the step's decimals. */
export function roundTo(x: number, step: number): number {
  const decimals = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
  return Number((Math.round(x / step) * step).toFixed(decimals));
}
