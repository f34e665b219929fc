/**
 * Kestrel Sim's request authentication, the way Binance's SIGNED endpoints check it: the key travels in
 * X-MBX-APIKEY, the HMAC-SHA256 of the query string followed by the body (minus `signature`) must match,
 * and `timestamp` must fall inside `recvWindow` of the server clock. The error codes and messages are
 * Binance's, so clients classify them exactly as they would the real exchange's.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SimKeyPermissions {
  /** Binance's apiRestrictions fields: a key that can withdraw must be refusable by the client. */
  readonly enableWithdrawals: boolean;
  readonly ipRestrict: boolean;
  readonly enableSpotAndMarginTrading: boolean;
  readonly enableFutures: boolean;
  readonly enableReading: boolean;
}

export interface SimKey extends SimKeyPermissions {
  readonly apiKey: string;
  readonly secret: string;
  /** The sim account the key acts on. */
  readonly account: string;
  readonly createTime: number;
}

export interface ApiFailure {
  readonly status: number;
  readonly code: number;
  readonly msg: string;
}

export const fail = (code: number, msg: string, status = 400): ApiFailure => ({ status, code, msg });

export const BAD_KEY_FORMAT = fail(-2014, 'API-key format invalid.', 401);
export const BAD_KEY = fail(-2015, 'Invalid API-key, IP, or permissions for action.', 401);
export const BAD_SIGNATURE = fail(-1022, 'Signature for this request is not valid.', 400);

export function hmacHex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

/** Splits `a=1&b=2` into ordered pairs, the way Binance reads form bodies and query strings. */
export function parseParams(text: string): URLSearchParams {
  return new URLSearchParams(text);
}

/** Removes `signature=…` from a raw query/body and returns (what was signed, the signature). */
function stripSignature(raw: string): { signed: string; signature: string | undefined } {
  const parts = raw.split('&');
  const i = parts.findIndex((p) => p.startsWith('signature='));
  if (i < 0) return { signed: raw, signature: undefined };
  const signature = decodeURIComponent(parts[i]!.slice('signature='.length));
  parts.splice(i, 1);
  return { signed: parts.join('&'), signature };
}

export interface SignedRequest {
  readonly key: SimKey;
  /** Query and body parameters merged (body wins, as Binance documents). */
  readonly params: URLSearchParams;
}

export interface VerifyOptions {
  readonly apiKeyHeader: string | undefined;
  /** Raw query string, without the leading '?'. */
  readonly query: string;
  readonly body: string;
  readonly now: number;
  readonly keys: ReadonlyMap<string, SimKey>;
  /** USER_STREAM endpoints need the key but no signature. */
  readonly signed: boolean;
}

const KEY_FORMAT = /^[A-Za-z0-9]{16,128}$/;

export function verifyRequest(o: VerifyOptions): SignedRequest | ApiFailure {
  const apiKey = o.apiKeyHeader;
  if (!apiKey || !KEY_FORMAT.test(apiKey)) return BAD_KEY_FORMAT;
  const key = o.keys.get(apiKey);
  if (!key) return BAD_KEY;
  const params = parseParams(o.query);
  for (const [k, v] of parseParams(o.body)) params.set(k, v);
  if (!o.signed) return { key, params };
  const q = stripSignature(o.query);
  const b = stripSignature(o.body);
  const signature = q.signature ?? b.signature;
  if (signature === undefined) return fail(-1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
  params.delete('signature');
  const ts = params.get('timestamp');
  if (ts === null || !/^\d{1,16}$/.test(ts)) return fail(-1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.");
  const rwText = params.get('recvWindow');
  const recvWindow = rwText === null ? 5000 : Number(rwText);
  if (!Number.isFinite(recvWindow) || recvWindow <= 0) return fail(-1100, "Illegal characters found in parameter 'recvWindow'; legal range is '^[0-9]{1,16}$'.");
  if (recvWindow > 60_000) return fail(-1131, 'recvWindow must be less than 60000');
  const payload = q.signed + b.signed;
  const expected = Buffer.from(hmacHex(key.secret, payload), 'utf8');
  const got = Buffer.from(signature, 'utf8');
  if (expected.length !== got.length || !timingSafeEqual(expected, got)) return BAD_SIGNATURE;
  const t = Number(ts);
  if (t >= o.now + 1000) return fail(-1021, "Timestamp for this request was 1000ms ahead of the server's time.");
  if (o.now - t > recvWindow) return fail(-1021, 'Timestamp for this request is outside of the recvWindow.');
  return { key, params };
}

/**
 * The WebSocket API's signature: the request's params minus `signature`, sorted by name, as a query
 * string (Binance's documented rule for ws-api `*.signature` methods).
 */
export function verifyWsParams(params: Record<string, unknown>, now: number, keys: ReadonlyMap<string, SimKey>): SimKey | ApiFailure {
  const apiKey = typeof params.apiKey === 'string' ? params.apiKey : undefined;
  if (!apiKey || !KEY_FORMAT.test(apiKey)) return BAD_KEY_FORMAT;
  const key = keys.get(apiKey);
  if (!key) return BAD_KEY;
  const signature = params.signature;
  if (typeof signature !== 'string') return fail(-1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
  const payload = Object.keys(params)
    .filter((k) => k !== 'signature')
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join('&');
  const expected = Buffer.from(hmacHex(key.secret, payload), 'utf8');
  const got = Buffer.from(signature, 'utf8');
  if (expected.length !== got.length || !timingSafeEqual(expected, got)) return BAD_SIGNATURE;
  const t = Number(params.timestamp);
  const rw = params.recvWindow === undefined ? 5000 : Number(params.recvWindow);
  if (!Number.isFinite(t) || t >= now + 1000 || now - t > rw) return fail(-1021, 'Timestamp for this request is outside of the recvWindow.');
  return key;
}
