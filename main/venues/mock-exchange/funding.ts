/**
 * Kestrel Sim's funding-rate data for its USDⓈ-M perpetuals, in Binance's wire format (premiumIndex's
 * lastFundingRate / nextFundingTime, and the /fapi/v1/fundingRate history), so that ccxt's
 * fetchFundingRate / fetchFundingRateHistory parse it as they parse Binance's.
 *
 * Funding is every 8 hours (00:00, 08:00, 16:00 UTC), as on Binance. The sim has no separate spot index, so
 * the rate is derived deterministically from its own candles: the base interest of 1 bp plus a twentieth
 * of the price change over the interval, clamped to Binance's ±0.75 % cap, eight decimals. A rising market
 * pays longs → shorts, a falling one the other way, which is the sign behaviour a trader expects to see.
 * The mark price recorded with a funding time is the close of the 1m candle that starts at it (the last
 * candle before it when the data ends earlier).
 */
import { lowerBound } from '../../core/data/candles.ts';
import type { MockSymbol } from './market.ts';
import { num } from './wire.ts';

export const FUNDING_INTERVAL_MS = 8 * 3_600_000;
const BASE_RATE = 0.0001;
const CAP = 0.0075;
const MAX_LIMIT = 1000;

/** Close of the candle open at `t` (or the last one before it); undefined before the first candle. */
export function closeAt(s: MockSymbol, t: number): number | undefined {
  const ts = s.candles.ts;
  let i = lowerBound(ts, t);
  if (i >= ts.length || ts[i]! > t) i--;
  return i >= 0 ? s.candles.close[i] : undefined;
}

/** The funding rate for the interval ending at `t` (a funding time), as Binance's 8-decimal text. */
export function fundingRateAt(s: MockSymbol, t: number): string | undefined {
  const end = closeAt(s, t);
  const start = closeAt(s, t - FUNDING_INTERVAL_MS);
  return end === undefined ? undefined : rateOf(start, end);
}

function rateOf(start: number | undefined, end: number): string {
  const change = start ? (end - start) / start : 0;
  return Math.min(CAP, Math.max(-CAP, BASE_RATE + change / 20)).toFixed(8);
}

export interface FundingRow {
  readonly symbol: string;
  readonly fundingRate: string;
  readonly fundingTime: number;
  readonly markPrice: string;
}

/**
 * The settled funding records of `s` in [startTime, endTime] (only times ≤ now and within its candles),
 * oldest first, at most `limit` (Binance: default 100, max 1000). Without a start, the latest `limit` ones.
 */
export function fundingHistory(s: MockSymbol, now: number, q: { startTime?: number; endTime?: number; limit?: number }): FundingRow[] {
  const limit = Math.min(MAX_LIMIT, Math.max(1, q.limit ?? 100));
  const ts = s.candles.ts;
  if (ts.length === 0) return [];
  // Only funding times the candles reach: past the data there is no mark to settle at.
  const lo = Math.max(q.startTime ?? 0, ts[0]!);
  const hi = Math.min(q.endTime ?? now, now, ts[ts.length - 1]!);
  let t0 = Math.ceil(lo / FUNDING_INTERVAL_MS) * FUNDING_INTERVAL_MS;
  const tEnd = Math.floor(hi / FUNDING_INTERVAL_MS) * FUNDING_INTERVAL_MS;
  if (q.startTime === undefined) t0 = Math.max(t0, tEnd - (limit - 1) * FUNDING_INTERVAL_MS);
  const out: FundingRow[] = [];
  for (let t = t0; t <= tEnd && out.length < limit; t += FUNDING_INTERVAL_MS) {
    const rate = fundingRateAt(s, t);
    const mark = closeAt(s, t);
    if (rate === undefined || mark === undefined) continue;
    out.push({ symbol: s.id, fundingRate: rate, fundingTime: t, markPrice: num(mark, s.priceDecimals) });
  }
  return out;
}

/** The next funding time after `now`, and the rate it would pay if the price stayed at `mid`. */
export function nextFunding(s: MockSymbol, now: number, mid: number): { nextFundingTime: number; lastFundingRate: string } {
  const next = Math.floor(now / FUNDING_INTERVAL_MS) * FUNDING_INTERVAL_MS + FUNDING_INTERVAL_MS;
  return { nextFundingTime: next, lastFundingRate: rateOf(closeAt(s, next - FUNDING_INTERVAL_MS), mid) };
}
