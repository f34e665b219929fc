/**
 * A perpetual's funding through ccxt's unified calls: the current rate with the next funding time
 * (fetchFundingRate) and the settled history (fetchFundingRateHistory). Exchange replies are hostile: a
 * rate that is not a finite decimal, or a time that is not a whole millisecond, is a malformed reply
 * (VenueNetworkError kind BadResponse), never a NaN booked as money. Rates stay decimal text (the venue's
 * own digits when it sent text, as Binance does) so the ledger books them exactly.
 */
import type { KestrelError} from '../../core/errors.ts';
import { VenueNetworkError } from '../../core/errors.ts';
import type { CcxtVenue } from './client.ts';

export interface FundingNow {
  readonly symbol: string;
  /** The rate the next funding time will pay at the current premium (Binance: lastFundingRate). */
  readonly rate: string;
  readonly nextFundingTime: number;
  readonly markPrice: number;
}

export interface FundingRecord {
  readonly symbol: string;
  readonly ts: number;
  readonly rate: string;
  /** The mark price at the funding time where the venue states it (Binance does, in the raw reply). */
  readonly markPrice?: number;
}

const DECIMAL = /^-?\d{1,12}(\.\d{1,18})?$/;

function rateText(raw: unknown, unified: unknown, bad: (what: string) => KestrelError): string {
  if (typeof raw === 'string' && DECIMAL.test(raw)) return raw;
  if (typeof unified === 'number' && Number.isFinite(unified)) {
    const t = unified.toFixed(12).replace(/\.?0+$/, '');
    if (DECIMAL.test(t)) return t;
  }
  throw bad(`funding rate ${JSON.stringify(raw ?? unified)}`);
}

function positive(x: unknown): number | undefined {
  const n = typeof x === 'string' ? Number(x) : x;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}

const badReply = (v: CcxtVenue, op: string, symbol: string) => (what: string) => new VenueNetworkError(`${v.id} ${op}: malformed reply: ${what}`, { exchange: v.id, op, symbol, kind: 'BadResponse' });

export async function fetchFundingNow(v: CcxtVenue, symbol: string, signal?: AbortSignal): Promise<FundingNow> {
  await v.loadInstruments(false, signal);
  const r = (await v.call('fetchFundingRate', () => v.ex.fetchFundingRate(symbol), { symbol, ...(signal ? { signal } : {}) })) as unknown as Record<string, unknown>;
  const bad = badReply(v, 'fetchFundingRate', symbol);
  const info = (r.info ?? {}) as Record<string, unknown>;
  const next = Number(r.fundingTimestamp ?? r.nextFundingTimestamp ?? info.nextFundingTime);
  if (!Number.isSafeInteger(next) || next <= 0) throw bad(`next funding time ${JSON.stringify(r.fundingTimestamp)}`);
  const mark = positive(r.markPrice);
  if (mark === undefined) throw bad(`mark price ${JSON.stringify(r.markPrice)}`);
  return { symbol, rate: rateText(info.lastFundingRate, r.fundingRate, bad), nextFundingTime: next, markPrice: mark };
}

/** Settled funding of `symbol` from `since` (inclusive) up to `until`, oldest first, at most `limit`. */
export async function fetchFundingHistory(v: CcxtVenue, symbol: string, since: number, until?: number, limit = 100, signal?: AbortSignal): Promise<FundingRecord[]> {
  await v.loadInstruments(false, signal);
  const list = (await v.call('fetchFundingRateHistory', () => v.ex.fetchFundingRateHistory(symbol, since, limit, until !== undefined ? { until } : {}), { symbol, ...(signal ? { signal } : {}) })) as unknown;
  const bad = badReply(v, 'fetchFundingRateHistory', symbol);
  if (!Array.isArray(list)) throw bad('not a list');
  const out = list.map((x: Record<string, unknown>) => {
    const info = (x.info ?? {}) as Record<string, unknown>;
    const ts = Number(x.timestamp);
    if (!Number.isSafeInteger(ts) || ts <= 0) throw bad(`funding time ${JSON.stringify(x.timestamp)}`);
    const mark = positive(info.markPrice);
    return { symbol, ts, rate: rateText(info.fundingRate, x.fundingRate, bad), ...(mark !== undefined ? { markPrice: mark } : {}) };
  });
  return out.sort((a, b) => a.ts - b.ts);
}
