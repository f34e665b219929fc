/**
 * Authentication and freshness of an inbound webhook request: HMAC-SHA256 over the raw body (header
 * `X-Kestrel-Signature: sha256=<hex>`), or the hook's secret in the body; the body's `ts` within the window.
 * Comparisons are constant-time: a timing difference must not reveal how much of a guess was right.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-kestrel-signature';

/** The header value a sender puts on `body` (tests and the outgoing-webhook signer use the same form). */
export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  // Equal lengths for timingSafeEqual; the length itself is not secret (a hex digest or a typed secret).
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Why the signature header does not authenticate `body`, or null when it does. */
export function signatureRefusal(secret: string, header: string | string[] | undefined, body: Buffer): string | null {
  if (header === undefined) return 'missing signature header X-Kestrel-Signature';
  if (Array.isArray(header)) return 'more than one signature header';
  if (!/^sha256=[0-9a-f]{64}$/i.test(header)) return 'signature header is not sha256=<64 hex digits>';
  return safeEqual(signBody(secret, body), header.toLowerCase()) ? null : 'signature does not match';
}

/** Epoch ms of a payload's `ts` (epoch ms, epoch seconds, or ISO-8601), or null when it is none of them. */
export function parseTs(ts: number | string): number | null {
  if (typeof ts === 'number') return ts < 1e11 ? ts * 1000 : ts;
  if (/^\d{9,13}$/.test(ts)) return parseTs(Number(ts));
  // ISO-8601 with a zone only: a local time would mean something different on each machine.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(ts)) return null;
  const ms = Date.parse(ts);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * Why `ts` is not acceptable now, or null. `notBefore` is when the host started: keys seen before a restart
 * are not remembered, so a request signed before it is refused rather than possibly replayed.
 */
export function freshnessRefusal(tsMs: number | null, now: number, windowMs: number, notBefore: number): string | null {
  if (tsMs === null) return 'ts is neither epoch milliseconds nor ISO-8601 with a time zone';
  if (tsMs > now + windowMs) return 'ts is in the future beyond the window';
  if (tsMs < now - windowMs) return 'ts is older than the window (expired)';
  if (tsMs < notBefore) return 'ts is before the listener started (keys from before a restart are not kept)';
  return null;
}
