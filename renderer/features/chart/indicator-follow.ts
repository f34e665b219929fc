/**
 * Indicators follow a live chart. The host computes them over the stored bars, which hold closed minutes
 * only, so each refresh sends the bar the chart shows forming: the series' tail moves tick by tick and a
 * closed bar lands in it. Bars arrive many times a second; a refresh recomputes on the host, so they are
 * coalesced: one refresh per `everyMs` at most, always with the newest bar, and the last bar of a burst
 * always refreshed (trailing edge).
 */
import type { FormingBar } from '../../../main/contract/indicators.ts';
import type { Bar } from './lightweight.ts';

export interface IndicatorFollower {
  /** The chart now shows `bar` as its newest bar. */
  bar(bar: Bar): void;
  /** Drops a pending refresh (the chart was closed or switched). */
  cancel(): void;
}

type Schedule = (fn: () => void, ms: number) => unknown;
type Unschedule = (handle: unknown) => void;

export function followIndicators(
  refresh: (forming: FormingBar) => void,
  everyMs = 500,
  schedule: Schedule = (fn, ms) => setTimeout(fn, ms),
  unschedule: Unschedule = (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
): IndicatorFollower {
  let latest: FormingBar | undefined;
  let timer: unknown;
  const fire = () => {
    timer = undefined;
    const f = latest;
    latest = undefined;
    if (f) refresh(f);
  };
  return {
    bar(b) {
      // The contract's bar: a feed's bar may carry more fields (`closed`, a symbol) or no volume yet.
      if (!(b.open > 0 && b.high > 0 && b.low > 0 && b.close > 0)) return;
      latest = { ts: b.ts, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume ?? 0 };
      timer ??= schedule(fire, everyMs);
    },
    cancel() {
      if (timer !== undefined) unschedule(timer);
      timer = undefined;
      latest = undefined;
    },
  };
}
