/**
 * Where each indicator output is drawn. An overlay indicator's outputs share the candles' price scale only when
 * they are prices: Bollinger %B (≈0…1) and bandwidth, or a trend direction (±1), would stretch the price axis
 * (−400…1600) and flatten the candles, so each gets a pane and scale of its own. Histogram-like outputs (MACD's
 * hist) are drawn as columns.
 */
export interface OutputPlacement {
  /** 'price' over the candles; 'pane' in the pane named `pane`. */
  placement: 'price' | 'pane';
  /** Outputs with the same pane name share a pane (an oscillator's lines, one indicator's non-price output). */
  pane: string;
  style: 'line' | 'histogram';
}

/** Outputs of overlay indicators that are not prices. */
const NOT_PRICE = new Set(['percentB', 'bandwidth', 'direction']);
const HISTOGRAM = new Set(['hist', 'histogram']);

export function placementOf(spec: string, overlay: boolean, output: string): OutputPlacement {
  const style = HISTOGRAM.has(output) ? 'histogram' : 'line';
  if (overlay && !NOT_PRICE.has(output)) return { placement: 'price', pane: '', style };
  return { placement: 'pane', pane: overlay ? `${spec}.${output}` : spec, style };
}
