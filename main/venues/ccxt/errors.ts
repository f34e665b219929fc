/**
 * ccxt's error classes → Kestrel's typed tree, at the adapter edge. Network trouble (timeouts, 5xx,
 * 429/418, dropped sockets, garbled bodies) may pass on retry: VenueNetworkError, retryable. The exchange
 * understanding and refusing (bad symbol, bad parameters, auth, insufficient funds): VenueRejectedError.
 */
import ccxt from 'ccxt';
import { CancelledError, KestrelError, VenueNetworkError, VenueRejectedError } from '../../core/errors.ts';

export interface ErrorContext {
  readonly exchange: string;
  readonly op: string;
  readonly symbol?: string;
}

/** 429 / 418 and friends: the caller should slow down, not just retry. */
export function isRateLimit(e: unknown): boolean {
  return e instanceof ccxt.DDoSProtection || e instanceof ccxt.RateLimitExceeded || (e instanceof KestrelError && e.details?.rateLimited === true);
}

export function mapCcxtError(e: unknown, ctx: ErrorContext): KestrelError {
  if (e instanceof KestrelError) return e;
  const details = { exchange: ctx.exchange, op: ctx.op, ...(ctx.symbol ? { symbol: ctx.symbol } : {}) };
  const msg = e instanceof Error ? e.message : String(e);
  const short = msg.length > 300 ? `${msg.slice(0, 300)}…` : msg;
  if (e instanceof ccxt.ExchangeClosedByUser) return new CancelledError(`${ctx.exchange} ${ctx.op}: connection closed`);
  if (e instanceof ccxt.NetworkError) {
    return new VenueNetworkError(`${ctx.exchange} ${ctx.op} failed (network): ${short}`, { ...details, kind: e.constructor.name, rateLimited: isRateLimit(e) }, e);
  }
  // A body that does not parse is a transport accident (truncated transfer, proxy page), not a refusal.
  if (e instanceof ccxt.BadResponse || e instanceof SyntaxError) {
    return new VenueNetworkError(`${ctx.exchange} ${ctx.op}: malformed reply: ${short}`, { ...details, kind: 'BadResponse' }, e);
  }
  if (e instanceof ccxt.BaseError) {
    return new VenueRejectedError(`${ctx.exchange} ${ctx.op} rejected: ${short}`, { ...details, kind: e.constructor.name }, e);
  }
  if (e instanceof Error && e.name === 'AbortError') return new CancelledError(`${ctx.exchange} ${ctx.op} cancelled`);
  // A TypeError inside ccxt's parser means the reply had an unexpected shape: treat like a garbled body.
  if (e instanceof TypeError) return new VenueNetworkError(`${ctx.exchange} ${ctx.op}: unexpected reply shape: ${short}`, { ...details, kind: 'TypeError' }, e);
  return new VenueNetworkError(`${ctx.exchange} ${ctx.op} failed: ${short}`, { ...details, kind: 'unknown' }, e);
}

/**
 * What a failed order call tells about the order (create, cancel, edit):
 * - `rejected`: the venue understood the request and refused it for a stated reason (ccxt raised a specific
 *   ExchangeError subclass: InvalidOrder, InsufficientFunds, BadRequest, AuthenticationError, ...). Nothing
 *   happened at the venue.
 * - `not-found`: the venue says it has no such order (OrderNotFound): for a fetch, "not (yet) there".
 * - `unknown`: anything else — timeouts, dropped sockets, 5xx, garbled bodies, a bare ExchangeError whose
 *   code ccxt did not recognise, "send status unknown" (-1007), a duplicate client id. The request may or may
 *   not have been executed; only asking the venue (by client order id) can tell.
 * Definitive only when ccxt says exactly why; everything ambiguous is unknown, because treating a placed
 * order as rejected loses it, and treating a refused one as unknown costs one fetch.
 */
export type OrderOutcome = 'rejected' | 'unknown' | 'not-found';

const DEFINITIVE = [
  ccxt.InvalidOrder, ccxt.InsufficientFunds, ccxt.BadRequest, ccxt.AuthenticationError, ccxt.OperationRejected,
  ccxt.NotSupported, ccxt.ArgumentsRequired, ccxt.InvalidAddress,
] as const;

export function orderOutcome(e: unknown): OrderOutcome {
  const src = e instanceof KestrelError && e.cause !== undefined ? e.cause : e;
  if (src instanceof ccxt.OrderNotFound) return 'not-found';
  if (src instanceof ccxt.DuplicateOrderId) return 'unknown';
  const msg = src instanceof Error ? src.message : String(src);
  if (/-1007\b|status unknown/i.test(msg)) return 'unknown';
  if (DEFINITIVE.some((C) => src instanceof C)) return 'rejected';
  return 'unknown';
}

/** Binance USDⓈ-M: "this order type must go through the Algo Order API" (since 2025). */
export function isAlgoRequired(e: unknown): boolean {
  const src = e instanceof KestrelError && e.cause !== undefined ? e.cause : e;
  return /-4120\b/.test(src instanceof Error ? src.message : String(src));
}

/** Binance -1021: our clock is off the venue's; resync the time difference before the next signed call. */
export function isClockSkew(e: unknown): boolean {
  const src = e instanceof KestrelError && e.cause !== undefined ? e.cause : e;
  return src instanceof ccxt.InvalidNonce || /-1021\b/.test(src instanceof Error ? src.message : String(src));
}

/**
 * The venue's own words in a refusal ccxt wrapped (Binance: `binanceusdm {"code":-2027,"msg":"…"}`): its `msg`,
 * and its `code` where the reply carries one; undefined when the text holds no `msg`.
 */
export function venueWords(e: unknown): { readonly code: number | undefined; readonly msg: string } | undefined {
  const src = e instanceof KestrelError && e.cause !== undefined ? e.cause : e;
  const text = src instanceof Error ? src.message : String(src);
  const msg = /"msg"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(text)?.[1];
  if (msg === undefined) return undefined;
  const code = /"code"\s*:\s*(-?\d+)/.exec(text)?.[1];
  return { code: code === undefined ? undefined : Number(code), msg: msg.replace(/\\"/g, '"') };
}
