/**
 * Gives a session's correlation and VaR rules their window at start, from the stored 1m candles of the
 * account's instruments (main/core/risk/seed.ts), instead of leaving them silent until MIN_ROWS intervals of
 * live prints have passed. The covariance is built on a pool thread; the gate's stats take the window only if
 * it is longer than what they sampled meanwhile.
 */
import { bucketCloses, commonCloses, seedFromRecord, type WindowSeed } from '../../core/risk/seed.ts';
import { MIN_ROWS, type PortfolioStats } from '../../core/risk/stats.ts';
import type { CandleStore } from '../../storage/candles.ts';

export type RiskWindowRunner = (input: { closes: Float64Array[] }) => Promise<WindowSeed>;

export interface RiskWindowSource {
  readonly candles: CandleStore;
  readonly source: string;
  readonly symbols: readonly string[];
  readonly now: number;
}

/** The window's interval closes per symbol (the last completed `window + 1` intervals), or undefined when too short. */
export function storedCloses(src: RiskWindowSource, intervalMs: number, window: number): { symbols: string[]; closes: Float64Array[] } | undefined {
  const end = Math.floor(src.now / intervalMs) - 1;
  const from = end - window;
  const symbols: string[] = [];
  const closes: Float64Array[] = [];
  for (const symbol of src.symbols) {
    const c = src.candles.range({ source: src.source, symbol, timeframe: '1m' }, from * intervalMs, (end + 1) * intervalMs);
    if (c.length === 0) continue;
    symbols.push(symbol);
    closes.push(bucketCloses(c.ts, c.close, from, end, intervalMs));
  }
  const common = symbols.length > 0 ? commonCloses(closes, Math.min(MIN_ROWS, window) + 1) : undefined;
  return common ? { symbols, closes: common } : undefined;
}

/** What a seed was made of, for the audit log (seedFromRecord rebuilds it in a re-run). */
export interface RiskWindowRecord {
  readonly symbols: string[];
  readonly intervalMs: number;
  readonly closes: number[][];
  readonly cross: number[];
}

/** Seeds `stats` from the stored candles; what it was made of when the stats took it, else undefined. */
export async function seedRiskWindow(stats: PortfolioStats, src: RiskWindowSource, run: RiskWindowRunner): Promise<RiskWindowRecord | undefined> {
  const got = storedCloses(src, stats.cfg.intervalMs, stats.cfg.window);
  if (!got) return undefined;
  const w = await run({ closes: got.closes });
  const seed = seedFromRecord(got.symbols, got.closes, w.cross);
  if (!stats.seed(seed)) return undefined;
  return { symbols: got.symbols, intervalMs: stats.cfg.intervalMs, closes: got.closes.map((c) => Array.from(c)), cross: Array.from(w.cross) };
}
