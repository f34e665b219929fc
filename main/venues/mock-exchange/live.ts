/**
 * Kestrel Sim's live timeline. With a clock, the exchange is a market in progress rather than a replay:
 * a 1m candle is history once its minute has passed, the current minute forms from its trades (at :00,
 * :15, :30 and :45, see market.ts), and REST and streams tell the same story — a client that reconnects
 * finds on REST exactly the bars and trades the stream sent while it was away. The clock may run faster
 * than the wall clock (tests: a minute per wall second or faster) and may be set off the local clock
 * (the clock-skew fault).
 */
import { lowerBound } from '../../core/data/index.ts';
import { tradeAt, TRADES_PER_CANDLE, type MockSymbol } from './market.ts';
import { klineRow, num } from './wire.ts';

const MINUTE = 60_000;
const TRADE_EVERY = MINUTE / TRADES_PER_CANDLE;

export interface SimClockOptions {
  /** The sim's time when the clock starts (default: now). */
  readonly start?: number;
  /** Sim ms per wall ms (default 1). */
  readonly speed?: number;
  /** The sim's clock runs this far ahead of (negative: behind) the local clock. */
  readonly skewMs?: number;
}

export class SimClock {
  readonly speed: number;
  private readonly start: number;
  private readonly t0 = performance.now();

  constructor(o: SimClockOptions = {}) {
    this.start = (o.start ?? Date.now()) + (o.skewMs ?? 0);
    this.speed = o.speed ?? 1;
  }

  now(): number {
    return Math.floor(this.start + (performance.now() - this.t0) * this.speed);
  }
}

/** How many candles have closed by `now` (their minute has passed); also the index of the forming one. */
export function closedCount(s: MockSymbol, now: number): number {
  return lowerBound(s.candles.ts, now - MINUTE + 1);
}

/** How many trades have printed by `now` (the closed candles' and the forming one's so far). */
export function tradesEnd(s: MockSymbol, now: number): number {
  const i = closedCount(s, now);
  const ts = s.candles.ts;
  if (i >= ts.length || ts[i]! > now) return i * TRADES_PER_CANDLE;
  return i * TRADES_PER_CANDLE + Math.min(TRADES_PER_CANDLE, Math.floor((now - ts[i]!) / TRADE_EVERY) + 1);
}

/** The forming candle after its first `k` trades, as Binance's kline fields (o, h, l, c, v as strings). */
export function partialKline(s: MockSymbol, i: number, k: number): { o: string; h: string; l: string; c: string; v: string; n: number } {
  let h = -Infinity;
  let l = Infinity;
  let v = 0;
  let c = 0;
  for (let j = 0; j < k; j++) {
    const t = tradeAt(s, i * TRADES_PER_CANDLE + j);
    h = Math.max(h, t.price);
    l = Math.min(l, t.price);
    v += t.qty;
    c = t.price;
  }
  const pd = s.priceDecimals;
  return { o: num(s.candles.open[i]!, pd), h: num(h, pd), l: num(l, pd), c: num(c, pd), v: num(Number(v.toFixed(s.qtyDecimals)), s.qtyDecimals), n: k };
}

/** The forming candle as a REST kline row (Binance serves the open candle as the last row). */
export function formingRow(s: MockSymbol, now: number): unknown[] | undefined {
  const i = closedCount(s, now);
  const k = tradesEnd(s, now) - i * TRADES_PER_CANDLE;
  if (k <= 0) return undefined;
  const row = klineRow(s, i, i + 1, MINUTE);
  const p = partialKline(s, i, k);
  row[1] = p.o;
  row[2] = p.h;
  row[3] = p.l;
  row[4] = p.c;
  row[5] = p.v;
  row[8] = k;
  return row;
}

/** What one symbol published so far on the live streams. */
export interface LiveCursor {
  trades: number;
  closed: number;
}

export interface LiveStep {
  /** Trade ids printed since the last step, in order. */
  readonly trades: number[];
  /** Candles closed since the last step (final klines), in order. */
  readonly closed: number[];
  /** The forming candle and how many of its trades printed (undefined: none forming). */
  readonly forming: { readonly i: number; readonly k: number } | undefined;
  /** Price of the newest trade so far. */
  readonly last: number;
}

/** At most this many minutes are published in one step; a longer pause is skipped (clients resync on REST). */
const MAX_CATCH_UP = 240;

/** Advances `cur` to `now` and says what happened in between. */
export function stepLive(s: MockSymbol, cur: LiveCursor, now: number): LiveStep {
  const closed = closedCount(s, now);
  const trades = tradesEnd(s, now);
  if (closed - cur.closed > MAX_CATCH_UP) {
    cur.closed = closed - MAX_CATCH_UP;
    cur.trades = Math.max(cur.trades, cur.closed * TRADES_PER_CANDLE);
  }
  const ids: number[] = [];
  for (let id = cur.trades; id < trades; id++) ids.push(id);
  const finals: number[] = [];
  for (let i = cur.closed; i < closed; i++) finals.push(i);
  cur.trades = Math.max(cur.trades, trades);
  cur.closed = Math.max(cur.closed, closed);
  const k = trades - closed * TRADES_PER_CANDLE;
  const lastId = trades - 1;
  return {
    trades: ids,
    closed: finals,
    forming: k > 0 ? { i: closed, k } : undefined,
    last: lastId >= 0 ? tradeAt(s, lastId).price : s.candles.close[Math.max(0, closed - 1)] ?? 0,
  };
}
