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
