/**
 * Market data as it arrives. Prices here are the venue's float64 values (what storage keeps in Float64Array
 * columns and indicators consume); the matching engine snaps them to the instrument's tick grid
 * (`floatToTicks`) only when an order actually has to be compared against them.
 */

/** One bar. `ts` is the bar's OPEN time (ms since epoch); the bar is known only at ts + interval. */
export interface Candle {
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/**
 * Columnar candles: the engine's and storage's native shape. One Float64Array per field and no object per
 * bar, which is the biggest single speed lever in a backtester (see shared/PERFORMANCE.md).
 * Only indices < length are valid (arrays may have spare capacity for live appends).
 */
export interface OhlcvArrays {
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** The six columns plus how many rows are valid and the bar duration: what the engine consumes. */
export interface CandleColumns extends OhlcvArrays {
  readonly length: number;
  /** Bar duration in ms; a bar opening at ts closes (and becomes visible) at ts + intervalMs. */
  readonly intervalMs: number;
}

export function candleColumns(candles: readonly Candle[], intervalMs: number): CandleColumns {
  const n = candles.length;
  const c: CandleColumns = {
    ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n),
    low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n), length: n, intervalMs,
  };
  candles.forEach((k, i) => {
    c.ts[i] = k.ts; c.open[i] = k.open; c.high[i] = k.high; c.low[i] = k.low; c.close[i] = k.close; c.volume[i] = k.volume;
  });
  return c;
}

export type Aggressor = 'buy' | 'sell';

/** A public trade print. `id` is the venue's trade id (dedup key together with the venue). */
export interface Trade {
  readonly symbol: string;
  readonly ts: number;
  readonly price: number;
  readonly qty: number;
  /** Side of the taker; undefined when the venue does not say. */
  readonly aggressor?: Aggressor;
  readonly id?: string;
}

/** Top of book. */
export interface Quote {
  readonly symbol: string;
  readonly ts: number;
  readonly bid: number;
  readonly bidQty: number;
  readonly ask: number;
  readonly askQty: number;
}

/** [price, qty] level; qty 0 in a delta deletes the level. */
export type BookLevel = readonly [price: number, qty: number];

export interface OrderBookSnapshot {
  readonly kind: 'snapshot';
  readonly symbol: string;
  readonly ts: number;
  /** Best first: bids descending, asks ascending. */
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
  /** Venue sequence number, used to detect gaps in deltas. */
  readonly seq?: number;
}

export interface OrderBookDelta {
  readonly kind: 'delta';
  readonly symbol: string;
  readonly ts: number;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
  readonly seq?: number;
}

export type OrderBookUpdate = OrderBookSnapshot | OrderBookDelta;
