/**
 * The live demo feed: continues the synthetic demo symbols' price paths in wall-clock time, as trade prints
 * every `tickMs`, and closes 1m candles from them. It implements the MarketData port, so the paper session
 * consumes it exactly as it would a live exchange stream.
 *
 * Determinism: tick k of a feed is at `startTs + k·tickMs` and its prices depend only on (seed, startTs, k):
 * the path is generated sequentially from one seeded RNG, and a late timer catches up by emitting every due
 * tick with its scheduled timestamp, never by skipping or re-timing. Same seed + start time = same prints.
 *
 * Price model per symbol j (log space), three parts:
 *   trend  a correlated random walk (market factor with correlation rho_j), annualised vol × volScale_j;
 *   noise  a fast mean-reverting wiggle (Ornstein-Uhlenbeck, std noiseBps, half-life noiseHalfLifeMs);
 *   swing  a deterministic ±swingBps sine with period cycleMs.
 * The trend is kept slow (20 % a year by default: ~2 bp per 40 s) so that over a swing cycle the swing
 * dominates. That is what a demo needs and real markets do not promise: any price within a few basis
 * points of the market trades within one cycle, so a limit order placed "near the market" in a demo (or an
 * end-to-end test) usually fills within seconds, while the chart still trends over minutes and hours.
 * And a guarantee on top: every `sweepMs` a sweep — one large print `sweepBps` below the lowest regular print
 * since the previous sweep, then one above the highest (the wicks a big market order leaves) — so a limit
 * order up to `sweepBps` through the last price seen fills by the next sweep at the latest.
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
  /** Period of the deterministic swing (ms). Default 40 s. */
  readonly cycleMs?: number;
  /** Amplitude of the swing in basis points. Default 8. */
  readonly swingBps?: number;
  /** Interval between sweeps (ms). Default 60 s; 0 = none. */
  readonly sweepMs?: number;
  /** How far a sweep goes beyond the prints since the previous sweep, basis points. Default 5. */
  readonly sweepBps?: number;
  /** Annualised volatility of the trend. Default 0.2. */
  readonly annualVol?: number;
  /** Standard deviation of the mean-reverting noise, basis points. Default 0.3. */
  readonly noiseBps?: number;
  /** Half-life of the noise (ms). Default 3 s. */
  readonly noiseHalfLifeMs?: number;
  /** Wall clock (injectable for tests). */
  readonly now?: () => number;
}

/**
 * Tuned for a demo: a limit 2 bps under the last price typically fills in ~7 s, practically never within a
 * second (the price moves at most ~1.3 bps/s between sweeps, so an order is seen resting first), and always
 * by the next sweep (≤ 60 s). Measured over seeds in test/unit/trading/demo-feed.test.ts.
 */
export const FEED_DEFAULTS = { tickMs: 250, cycleMs: 40_000, swingBps: 8, sweepMs: 60_000, sweepBps: 5, annualVol: 0.2, noiseBps: 0.3, noiseHalfLifeMs: 3_000 } as const;
const YEAR_MS = 365 * 86_400_000;
const MINUTE = 60_000;
/** A sweep print is a large order: this many times a typical print. */
const SWEEP_SIZE = 20;

interface SymState {
  readonly spec: FeedSymbol;
  readonly phase: number;
  readonly sigma: number;
  readonly qtyMean: number;
  walk: number;
  noise: number;
  /** Range of the regular prints since the last sweep. */
  winLow: number;
  winHigh: number;
  last: number;
  bar: { ts: number; open: number; high: number; low: number; close: number; volume: number } | undefined;
}

export class DemoFeed implements MarketData {
  readonly tickMs: number;
  readonly startTs: number;
  private readonly cycleMs: number;
  private readonly swing: number;
  /** Sweep every this many ticks (0 = never), and how far beyond the window it prints. */
  private readonly sweepTicks: number;
  private readonly sweep: number;
  /** Noise AR(1) coefficient per tick and the innovation std that keeps its stationary std at noiseBps. */
  private readonly phi: number;
  private readonly noiseSigma: number;
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
    const sweepMs = opts.sweepMs ?? FEED_DEFAULTS.sweepMs;
    this.sweepTicks = sweepMs > 0 ? Math.max(3, Math.round(sweepMs / this.tickMs)) : 0;
    this.sweep = (opts.sweepBps ?? FEED_DEFAULTS.sweepBps) / 10_000;
    this.rng = new Rng(opts.seed);
    this.now = opts.now ?? Date.now;
    const vol = opts.annualVol ?? FEED_DEFAULTS.annualVol;
    this.phi = Math.exp((-Math.LN2 * this.tickMs) / (opts.noiseHalfLifeMs ?? FEED_DEFAULTS.noiseHalfLifeMs));
    this.noiseSigma = ((opts.noiseBps ?? FEED_DEFAULTS.noiseBps) / 10_000) * Math.sqrt(1 - this.phi * this.phi);
    const ticksPerMinute = MINUTE / this.tickMs;
    this.syms = opts.symbols.map((s, j) => ({
      spec: s,
      // Different phases so the symbols do not swing in lockstep.
      phase: (2 * Math.PI * j) / Math.max(1, opts.symbols.length),
      sigma: vol * s.volScale * Math.sqrt(this.tickMs / YEAR_MS),
      qtyMean: s.volumePerMinute / ticksPerMinute,
      walk: 0,
      noise: 0,
      winLow: Infinity,
      winHigh: 0,
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
    // Sweep ticks: 0 = the downward print, 1 = the upward one (each replaces that tick's regular print).
    const phase = this.sweepTicks > 0 && this.k > 0 ? this.k % this.sweepTicks : -1;
    for (const s of this.syms) {
      const zi = this.rng.normal();
      const zn = this.rng.normal();
      const u = this.rng.uniform();
      const rho = s.spec.rho;
      s.walk += s.sigma * (rho * zm + Math.sqrt(1 - rho * rho) * zi);
      s.noise = s.noise * this.phi + this.noiseSigma * zn;
      const raw = s.spec.anchor * Math.exp(s.walk + s.noise + this.swing * Math.sin(angle + s.phase));
      let price = roundTo(Math.max(raw, s.spec.tickSize), s.spec.tickSize);
      let qty = Math.max(s.spec.lotSize, roundTo(s.qtyMean * (0.25 + 1.5 * u), s.spec.lotSize));
      if (phase === 0 && s.winLow < Infinity) {
        price = Math.max(s.spec.tickSize, floorTo(s.winLow * (1 - this.sweep), s.spec.tickSize));
        qty = roundTo(qty * SWEEP_SIZE, s.spec.lotSize);
      } else if (phase === 1 && s.winHigh > 0) {
        price = ceilTo(s.winHigh * (1 + this.sweep), s.spec.tickSize);
        qty = roundTo(qty * SWEEP_SIZE, s.spec.lotSize);
        s.winLow = Infinity;
        s.winHigh = 0;
      } else {
        if (price < s.winLow) s.winLow = price;
        if (price > s.winHigh) s.winHigh = price;
      }
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
  return toStep(Math.round(x / step), step);
}

function floorTo(x: number, step: number): number {
  return toStep(Math.floor(x / step + 1e-9), step);
}

function ceilTo(x: number, step: number): number {
  return toStep(Math.ceil(x / step - 1e-9), step);
}

function toStep(n: number, step: number): number {
  const decimals = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
  return Number((n * step).toFixed(decimals));
}
