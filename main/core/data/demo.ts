/**
 * The embedded demo dataset: seeded, deterministic 1m candles for several correlated symbols. It is
 * SYNTHETIC and says so (DEMO_LABEL travels with it into the store, reports, exports and the UI).
 *
 * Model per minute t: a shared GARCH(1,1) variance gives volatility clustering; returns are a common
 * market factor plus idiosyncratic noise (correlation ρ_i to the market); an intraday seasonal profile
 * (busier around the EU/US overlap, quieter at weekends) scales volatility and volume; rare Poisson jumps
 * hit the market or a single symbol. Open = previous close; high/low extend beyond the body by a
 * half-normal excursion; prices are rounded to the tick, volumes to the lot.
 */
import { allocColumns, type OhlcvColumns } from './candles.ts';
import { Rng } from './random.ts';

export const DEMO_EXCHANGE = 'demo';
export const DEMO_LABEL = 'Synthetic demo data (seeded generator, not real market prices)';

export interface DemoSymbol {
  readonly symbol: string;
  readonly start: number;
  /** Decimals of the tick (2 → 0.01) and the lot. */
  readonly priceDecimals: number;
  readonly qtyDecimals: number;
  /** Correlation to the common factor. */
  readonly rho: number;
  /** Volatility relative to the market factor. */
  readonly volScale: number;
  /** Typical volume per minute in base units. */
  readonly volume: number;
}

export const DEFAULT_DEMO_SYMBOLS: readonly DemoSymbol[] = [
  { symbol: 'BTC/USDT', start: 42_000, priceDecimals: 2, qtyDecimals: 5, rho: 0.95, volScale: 1, volume: 25 },
  { symbol: 'ETH/USDT', start: 2_300, priceDecimals: 2, qtyDecimals: 4, rho: 0.85, volScale: 1.25, volume: 300 },
  { symbol: 'SOL/USDT', start: 100, priceDecimals: 3, qtyDecimals: 2, rho: 0.7, volScale: 1.8, volume: 4_000 },
  { symbol: 'BNB/USDT', start: 310, priceDecimals: 2, qtyDecimals: 3, rho: 0.6, volScale: 1.1, volume: 900 },
];

export interface DemoOptions {
  readonly seed?: number;
  /** First candle's open time (UTC ms, aligned to the minute). Default 2024-01-01. */
  readonly start?: number;
  readonly days?: number;
  readonly symbols?: readonly DemoSymbol[];
  /** Annualised volatility of the market factor (0.6 = 60 %). */
  readonly annualVol?: number;
}

export const DEMO_DEFAULTS = { seed: 20240101, start: Date.UTC(2024, 0, 1), days: 366, annualVol: 0.6 } as const;

const MINUTES_PER_YEAR = 525_600;

/** Relative activity by minute of the UTC day and weekday; mean ≈ 1 over a week. */
function seasonalProfile(): Float64Array {
  const p = new Float64Array(7 * 1440);
  let sum = 0;
  for (let d = 0; d < 7; d++) {
    // 1970-01-01 was a Thursday: day index 0 = Thursday, 2 = Saturday, 3 = Sunday.
    const weekend = d === 2 || d === 3 ? 0.7 : 1;
    for (let m = 0; m < 1440; m++) {
      const h = m / 60;
      const overlap = Math.exp(-((h - 14.5) ** 2) / (2 * 2.2 ** 2));
      const asia = 0.35 * Math.exp(-((h - 2) ** 2) / (2 * 2 ** 2));
      const v = weekend * (0.6 + 0.9 * overlap + asia);
      p[d * 1440 + m] = v;
      sum += v;
    }
  }
  const mean = sum / p.length;
  for (let i = 0; i < p.length; i++) p[i] = p[i]! / mean;
  return p;
}

export function generateDemoCandles(opts: DemoOptions = {}): Map<string, OhlcvColumns> {
  const seed = opts.seed ?? DEMO_DEFAULTS.seed;
  const start = opts.start ?? DEMO_DEFAULTS.start;
  const days = opts.days ?? DEMO_DEFAULTS.days;
  const symbols = opts.symbols ?? DEFAULT_DEMO_SYMBOLS;
  const n = Math.round(days * 1440);
  const rng = new Rng(seed);
  const sigma = (opts.annualVol ?? DEMO_DEFAULTS.annualVol) / Math.sqrt(MINUTES_PER_YEAR);
  const alpha = 0.06;
  const beta = 0.93;
  const omega = sigma * sigma * (1 - alpha - beta);
  const season = seasonalProfile();
  const k = symbols.length;
  const cols = symbols.map(() => allocColumns(n));
  const last = Float64Array.from(symbols, (s) => s.start);
  const pScale = Float64Array.from(symbols, (s) => 10 ** s.priceDecimals);
  const qScale = Float64Array.from(symbols, (s) => 10 ** s.qtyDecimals);
  for (let j = 0; j < k; j++) last[j] = Math.round(last[j]! * pScale[j]!) / pScale[j]!;
  let variance = sigma * sigma;
  let prevShock = 0;
  const minuteOfWeek0 = Math.floor(start / 60_000) % (7 * 1440);
  for (let t = 0; t < n; t++) {
    // The GARCH recursion runs on the de-seasonalised shock: feeding the seasonal factor back into it
    // would make persistence exceed 1 at busy hours and the variance explode.
    variance = Math.min(omega + alpha * prevShock * prevShock + beta * variance, 400 * sigma * sigma);
    const s = season[(minuteOfWeek0 + t) % (7 * 1440)]!;
    const vol = Math.sqrt(variance) * Math.sqrt(s);
    const zm = rng.normal();
    let marketJump = 0;
    if (rng.uniform() < 1 / 30_000) marketJump = rng.normal() * 25 * sigma;
    prevShock = zm * Math.sqrt(variance) + marketJump * 0.3;
    const ts = start + t * 60_000;
    for (let j = 0; j < k; j++) {
      const spec = symbols[j]!;
      const c = cols[j]!;
      const zi = rng.normal();
      const sv = spec.volScale * vol;
      // + σ²/2 cancels the volatility drag, so prices wander without a systematic slide toward zero.
      let r = sv * (spec.rho * zm + Math.sqrt(1 - spec.rho * spec.rho) * zi) + spec.volScale * marketJump + 0.5 * sv * sv;
      if (rng.uniform() < 1 / 80_000) r += rng.normal() * 30 * sigma * spec.volScale;
      const ps = pScale[j]!;
      const o = last[j]!;
      let cl = Math.round(o * Math.exp(r) * ps) / ps;
      if (cl <= 0) cl = 1 / ps;
      const wick = vol * spec.volScale * 0.6;
      const hi = Math.ceil(Math.max(o, cl) * Math.exp(Math.abs(rng.normal()) * wick) * ps) / ps;
      let lo = Math.floor(Math.min(o, cl) * Math.exp(-Math.abs(rng.normal()) * wick) * ps) / ps;
      if (lo <= 0) lo = Math.min(o, cl);
      const activity = s * (1 + Math.abs(r) / (sigma * spec.volScale)) * Math.exp(0.45 * rng.normal() - 0.1);
      c.ts[t] = ts;
      c.open[t] = o;
      c.high[t] = hi;
      c.low[t] = lo;
      c.close[t] = cl;
      c.volume[t] = Math.round(spec.volume * 0.5 * activity * qScale[j]!) / qScale[j]!;
      last[j] = cl;
    }
  }
  const out = new Map<string, OhlcvColumns>();
  symbols.forEach((s, j) => out.set(s.symbol, cols[j]!));
  return out;
}
