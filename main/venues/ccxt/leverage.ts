/**
 * A perpetual account's leverage, margin mode, leverage brackets and mark price at its venue, through ccxt's unified
 * calls (setLeverage, setMarginMode, fetchLeverages, fetchLeverageTiers, fetchMarkPrice). Binance USDⓈ-M and Kestrel
 * Sim answer them from POST /fapi/v1/leverage, POST /fapi/v1/marginType, GET /fapi/v1/symbolConfig, GET
 * /fapi/v1/leverageBracket (signed: the brackets are private) and GET /fapi/v1/premiumIndex. A keyless client (a paper
 * account) reads the brackets where the venue publishes them (fetchPublicTiers).
 *
 * A refusal keeps the venue's words: VenueRejectedError whose message is the venue's `msg` and whose
 * `details.venueCode` is its code (-2027, -4028, -4046, -4047, -4048, …), so the ticket shows what the venue said.
 * Replies are hostile: a tier, leverage or mark that is not a finite positive number is a malformed reply.
 */
import ccxt from 'ccxt';
import { KestrelError, VenueNetworkError, VenueRejectedError } from '../../core/errors.ts';
import type { MarginTier } from '../../core/model/index.ts';
import type { CcxtVenue } from './client.ts';
import { venueWords } from './errors.ts';
import { decimalString } from './instruments.ts';

export type VenueMarginMode = 'cross' | 'isolated';

export interface VenueSymbolMargin {
  readonly symbol: string;
  readonly mode: VenueMarginMode;
  readonly leverage: number;
}

const bad = (v: CcxtVenue, op: string, what: string) => new VenueNetworkError(`${v.id} ${op}: malformed reply: ${what}`, { exchange: v.id, op, kind: 'BadResponse' });

const DECIMAL = /^\d{1,15}(\.\d{1,18})?$/;

function decimalText(x: unknown): string | undefined {
  if (typeof x === 'string' && DECIMAL.test(x)) return x;
  if (typeof x === 'number' && Number.isFinite(x) && x >= 0) {
    const t = decimalString(x);
    return DECIMAL.test(t) ? t : undefined;
  }
  return undefined;
}

async function rejectInVenueWords<T>(v: CcxtVenue, op: string, symbol: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await v.call(op, fn, { symbol });
  } catch (e) {
    const w = e instanceof VenueRejectedError ? venueWords(e) : undefined;
    if (w?.code !== undefined) throw new VenueRejectedError(`${w.msg} (${symbol}, venue ${w.code})`, { exchange: v.id, op, symbol, venueCode: w.code }, e);
    throw e;
  }
}

/** Sets the symbol's leverage at the venue (a whole number; the venue checks it against its brackets). */
export async function setVenueLeverage(v: CcxtVenue, symbol: string, leverage: number): Promise<void> {
  await v.loadInstruments(false);
  await rejectInVenueWords(v, 'setLeverage', symbol, () => v.ex.setLeverage(leverage, symbol));
}

/**
 * Sets the symbol's margin mode at the venue. "No need to change" (Binance -4046) is success: the venue is where
 * we want it (ccxt answers it without throwing by default).
 */
export async function setVenueMarginMode(v: CcxtVenue, symbol: string, mode: VenueMarginMode): Promise<void> {
  await v.loadInstruments(false);
  try {
    await rejectInVenueWords(v, 'setMarginMode', symbol, () => v.ex.setMarginMode(mode, symbol));
  } catch (e) {
    if (!(e instanceof VenueRejectedError && e.details?.venueCode === -4046)) throw e;
  }
}

/** Each symbol's leverage and margin mode as the venue holds them now. */
export async function fetchVenueMargins(v: CcxtVenue, symbols: readonly string[]): Promise<VenueSymbolMargin[]> {
  await v.loadInstruments(false);
  const r = (await v.call('fetchLeverages', () => v.ex.fetchLeverages([...symbols]))) as unknown as Record<string, { marginMode?: unknown; longLeverage?: unknown }>;
  if (typeof r !== 'object' || r === null) throw bad(v, 'fetchLeverages', 'not an object');
  const out: VenueSymbolMargin[] = [];
  for (const symbol of symbols) {
    const x = r[symbol];
    if (!x) continue;
    const lev = Number(x.longLeverage);
    if (!Number.isInteger(lev) || lev < 1) throw bad(v, 'fetchLeverages', `leverage ${JSON.stringify(x.longLeverage)} of ${symbol}`);
    if (x.marginMode !== 'cross' && x.marginMode !== 'isolated') throw bad(v, 'fetchLeverages', `margin mode ${JSON.stringify(x.marginMode)} of ${symbol}`);
    out.push({ symbol, mode: x.marginMode, leverage: lev });
  }
  return out;
}

/** The venue's notional and leverage brackets per symbol, from the smallest tier up (MarginTier: text, exact). */
export async function fetchVenueTiers(v: CcxtVenue, symbols: readonly string[]): Promise<Map<string, MarginTier[]>> {
  await v.loadInstruments(false);
  const r = (await v.call('fetchLeverageTiers', () => v.ex.fetchLeverageTiers([...symbols]))) as unknown as Record<string, RawTier[]>;
  if (typeof r !== 'object' || r === null) throw bad(v, 'fetchLeverageTiers', 'not an object');
  const out = new Map<string, MarginTier[]>();
  for (const symbol of symbols) {
    const list = r[symbol];
    if (!Array.isArray(list) || list.length === 0) continue;
    // The venue's own digits where it sent them (Binance: numbers in JSON, ccxt's parse keeps them in `info`).
    out.set(symbol, list.map((t) => tierOf(v, 'fetchLeverageTiers', symbol, { ...t, ...(t.info ?? {}) })));
  }
  return out;
}

type RawTier = { maxNotional?: unknown; maintenanceMarginRate?: unknown; maxLeverage?: unknown; notionalCap?: unknown; maintMarginRatio?: unknown; initialLeverage?: unknown; info?: Record<string, unknown> };

function tierOf(v: CcxtVenue, op: string, symbol: string, t: RawTier): MarginTier {
  const cap = decimalText(t.notionalCap ?? t.maxNotional);
  const rate = decimalText(t.maintMarginRatio ?? t.maintenanceMarginRate);
  const lev = Number(t.initialLeverage ?? t.maxLeverage);
  if (cap === undefined || rate === undefined || !Number.isInteger(lev) || lev < 1) throw bad(v, op, `tier of ${symbol}: ${JSON.stringify({ cap: t.notionalCap ?? t.maxNotional, rate: t.maintMarginRatio ?? t.maintenanceMarginRate, lev: t.initialLeverage ?? t.maxLeverage })}`);
  return { maxNotional: cap, maintenanceRate: rate, maxLeverage: lev };
}

/** Where a keyless client's tiers came from: the venue's public data, or nothing (the caller keeps the one stated tier). */
export type PublicTierSource = 'market-info' | 'public-endpoint';

export interface PublicTiers {
  readonly tiers: Map<string, MarginTier[]>;
  readonly source?: PublicTierSource;
  /** No tiers: the venue serves them only signed (`private`), or its ccxt class has no tier call (`none`). */
  readonly missing?: 'private' | 'none';
}

/**
 * A perpetual's leverage brackets as a client WITHOUT a key can read them (paper accounts): the market's own info
 * where the venue lists them with its markets (Kestrel Sim's exchangeInfo `brackets`), else ccxt's fetchLeverageTiers
 * where that call is public on the venue (ccxt refuses a private one before any request: AuthenticationError, as on
 * Binance, whose leverageBracket is signed). Symbols with neither are absent; `source` says which route answered.
 */
export async function fetchPublicTiers(v: CcxtVenue, symbols: readonly string[]): Promise<PublicTiers> {
  await v.loadInstruments(false);
  const fromInfo = new Map<string, MarginTier[]>();
  for (const symbol of symbols) {
    const info = (v.ex.markets?.[symbol]?.info ?? {}) as { brackets?: unknown };
    if (!Array.isArray(info.brackets) || info.brackets.length === 0) continue;
    fromInfo.set(symbol, (info.brackets as RawTier[]).map((t) => tierOf(v, 'exchangeInfo', symbol, (t ?? {}) as RawTier)));
  }
  if (fromInfo.size) return { tiers: fromInfo, source: 'market-info' };
  if (!symbols.length || !(v.ex.has as Record<string, unknown>).fetchLeverageTiers) return { tiers: new Map(), missing: 'none' };
  try {
    const t = await fetchVenueTiers(v, symbols);
    return t.size ? { tiers: t, source: 'public-endpoint' } : { tiers: t, missing: 'none' };
  } catch (e) {
    if (e instanceof KestrelError && e.cause instanceof ccxt.AuthenticationError) return { tiers: new Map(), missing: 'private' };
    throw e;
  }
}

/** The venue's mark price of a perpetual now. */
export async function fetchVenueMark(v: CcxtVenue, symbol: string): Promise<number> {
  await v.loadInstruments(false);
  const t = (await v.call('fetchMarkPrice', () => v.ex.fetchMarkPrice(symbol), { symbol })) as unknown as { markPrice?: unknown; info?: Record<string, unknown> };
  const mark = Number(t.info?.markPrice ?? t.markPrice);
  if (!Number.isFinite(mark) || mark <= 0) throw bad(v, 'fetchMarkPrice', `mark price ${JSON.stringify(t.info?.markPrice ?? t.markPrice)} of ${symbol}`);
  return mark;
}
