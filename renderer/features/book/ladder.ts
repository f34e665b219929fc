/**
 * The depth ladder's arithmetic (display only: the book arrives from the host). Prices are grouped on whole
 * multiples of the tick in integer tick units, so 0.1 + 0.2 never opens a phantom level; bids round down and
 * asks up, so a grouped level never shows a better price than the book holds.
 */

/** One price level as the stream gives it: [price, size]. */
export type Level = readonly [price: number, size: number];

export interface LadderRow {
  /** Grouped price, a multiple of tick × group. */
  price: number;
  size: number;
  /** Size summed from the best price to this level. */
  cum: number;
}

export interface Ladder {
  bids: LadderRow[];
  asks: LadderRow[];
  bestBid: number | null;
  bestAsk: number | null;
  /** Best ask − best bid of the ungrouped book (null when a side is empty or the book is crossed). */
  spread: number | null;
  spreadBps: number | null;
  /** The larger of the two sides' last cumulative size: the full width of a depth bar. */
  maxCum: number;
}

/** Multiples of the tick a trader may group by. */
export const GROUPS = [1, 2, 5, 10, 25, 50, 100, 250, 1000] as const;

function side(levels: readonly Level[], tick: number, group: number, bid: boolean, depth: number): LadderRow[] {
  const out: LadderRow[] = [];
  let cum = 0;
  let bucket = NaN;
  for (const [price, size] of levels) {
    if (!(size > 0) || !Number.isFinite(price)) continue;
    const ticks = Math.round(price / tick);
    const b = (bid ? Math.floor(ticks / group) : Math.ceil(ticks / group)) * group;
    if (b !== bucket) {
      if (out.length === depth) break;
      bucket = b;
      out.push({ price: roundTo(b * tick, tick), size: 0, cum });
    }
    const row = out[out.length - 1]!;
    row.size += size;
    cum += size;
    row.cum = cum;
  }
  return out;
}

/**
 * Builds `depth` rows a side from levels sorted best first (bids descending, asks ascending, as ccxt gives them).
 * A bad tick (0, negative, NaN) falls back to no grouping on a 1e-8 grid rather than dividing by zero.
 */
export function buildLadder(bids: readonly Level[], asks: readonly Level[], tickSize: number, group: number, depth: number): Ladder {
  const tick = tickSize > 0 && Number.isFinite(tickSize) ? tickSize : 1e-8;
  const g = Math.max(1, Math.floor(group));
  const b = side(bids, tick, g, true, depth);
  const a = side(asks, tick, g, false, depth);
  const bestBid = firstPrice(bids);
  const bestAsk = firstPrice(asks);
  const spread = bestBid !== null && bestAsk !== null && bestAsk >= bestBid ? roundTo(bestAsk - bestBid, tick) : null;
  const mid = bestBid !== null && bestAsk !== null ? (bestBid + bestAsk) / 2 : null;
  return {
    bids: b,
    asks: a,
    bestBid,
    bestAsk,
    spread,
    spreadBps: spread !== null && mid ? (spread / mid) * 10_000 : null,
    maxCum: Math.max(b.at(-1)?.cum ?? 0, a.at(-1)?.cum ?? 0),
  };
}

function firstPrice(levels: readonly Level[]): number | null {
  for (const [p, s] of levels) if (s > 0 && Number.isFinite(p)) return p;
  return null;
}

/** Snaps float noise off a multiple of the tick (49000.010000000002 → 49000.01). */
function roundTo(v: number, tick: number): number {
  const dp = decimalsOf(tick);
  return Number(v.toFixed(Math.min(dp, 12)));
}

/** Decimals a step needs (0.01 → 2, 0.5 → 1, 1e-8 → 8, 5 → 0). */
export function decimalsOf(step: number): number {
  if (!(step > 0)) return 8;
  for (let dp = 0; dp <= 12; dp++) if (Math.abs(Math.round(step * 10 ** dp) - step * 10 ** dp) < 1e-9) return dp;
  return 12;
}

export type Flash = 'up' | 'down' | null;

/** Which way the best price moved since the previous frame (null: unchanged, or nothing to compare). */
export function flashOf(prev: number | null, next: number | null): Flash {
  if (prev === null || next === null || prev === next) return null;
  return next > prev ? 'up' : 'down';
}
