/**
 * The forming bar of a timeframe above 1m, live. The host stores and aggregates closed minutes only; between
 * them the feed sends the forming 1m candle. That minute merged into the bar the closed minutes make (the
 * "base") is the bar as it stands now, tick by tick. Buckets are epoch-aligned, as the host aggregates.
 */
import type { Bar } from './lightweight.ts';

export function mergeMinute(base: Bar | undefined, minute: Bar, tfMs: number): Bar {
  const bucket = minute.ts - (minute.ts % tfMs);
  if (!base || base.ts !== bucket) return { ts: bucket, open: minute.open, high: minute.high, low: minute.low, close: minute.close, volume: minute.volume ?? 0 };
  return {
    ts: bucket, open: base.open, high: Math.max(base.high, minute.high), low: Math.min(base.low, minute.low), close: minute.close,
    volume: (base.volume ?? 0) + (minute.volume ?? 0),
  };
}
