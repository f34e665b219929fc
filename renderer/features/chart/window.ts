/**
 * The library keeps a per-bar object graph: measured here, handing it 1M bars takes ~9 s of main thread and
 * gigabytes of heap. So the view holds every bar as columns and feeds the library a window of at most
 * FIRST_WINDOW bars that slides (by half its size) when the user scrolls near either edge, and is rebuilt around
 * a far-back moment when one is asked for (a backtest trade): the library never holds more than the window,
 * whatever the timeframe or position, so switching to 1m a year back costs what the live edge does.
 */
export const FIRST_WINDOW = 20_000;
/** Bars from an edge of the window at which scrolling slides it. */
export const EDGE = 150;

/** The window [start, end) of `n` bars, FIRST_WINDOW wide, centred on bar `at` (clamped to the data). */
export function windowAround(n: number, at: number, size = FIRST_WINDOW): { start: number; end: number } {
  if (n <= size) return { start: 0, end: n };
  const start = Math.max(0, Math.min(n - size, Math.round(at - size / 2)));
  return { start, end: start + size };
}

/** First index with ts[i] >= t. */
export function lowerBound(ts: Float64Array, t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

