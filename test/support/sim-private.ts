/**
 * Helpers for tests of Kestrel Sim's private API: a ccxt connection with a sim key (through the same
 * CcxtVenue wrapper the host uses), a raw signed REST call, and a raw user-stream socket that records
 * every message it receives.
 */
import WebSocket from 'ws';
import { CcxtVenue } from '../../main/venues/ccxt/index.ts';
import { hmacHex, type MockExchange, type SimKey } from '../../main/venues/mock-exchange/index.ts';

export function simVenue(mock: MockExchange, key: Pick<SimKey, 'apiKey' | 'secret'>, market: 'spot' | 'futures' = 'spot', timeoutMs = 10_000): CcxtVenue {
  return new CcxtVenue({
    exchange: market === 'spot' ? 'binance' : 'binanceusdm',
    apiKey: key.apiKey,
    secret: key.secret,
    endpoints: { rest: mock.baseUrl, ws: mock.wsUrl },
    marketTypes: market === 'spot' ? ['spot'] : ['linear'],
    rateLimit: { perSecond: 1000, burst: 100 },
    retry: { attempts: 1 },
    timeoutMs,
  });
}

/** ccxt's unified calls, typed loosely: the tests assert on what comes back. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Ccxt = any;

export function ccxtOf(v: CcxtVenue): Ccxt {
  return v.ex as Ccxt;
}

/** The ccxt error class a failed call ended in (CcxtVenue maps it to the typed tree and keeps the name). */
export async function errorKind(p: Promise<unknown>, v: CcxtVenue): Promise<string> {
  try {
    await v.call('test', () => p);
  } catch (e) {
    return String((e as { details?: { kind?: string } }).details?.kind ?? (e as Error).name);
  }
  return 'no error';
}

export async function signedCall(mock: MockExchange, key: Pick<SimKey, 'apiKey' | 'secret'>, method: string, path: string, params: Record<string, string | number> = {}, timestamp = Date.now()): Promise<{ status: number; body: unknown }> {
  const q = new URLSearchParams(Object.entries({ ...params, timestamp }).map(([k, v]) => [k, String(v)])).toString();
  const query = `${q}&signature=${hmacHex(key.secret, q)}`;
  const inBody = method === 'POST' || method === 'PUT';
  const res = await fetch(`${mock.baseUrl}${path}${inBody ? '' : `?${query}`}`, {
    method,
    headers: { 'X-MBX-APIKEY': key.apiKey, ...(inBody ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    ...(inBody ? { body: query } : {}),
  });
  return { status: res.status, body: await res.json() };
}

export async function adminCall(mock: MockExchange, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${mock.baseUrl}/sim-admin/${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
  return { status: res.status, body: await res.json() };
}

export interface RecordingSocket {
  readonly messages: Record<string, unknown>[];
  readonly closed: Promise<void>;
  send(msg: unknown): void;
  close(): void;
}

export async function recordSocket(url: string): Promise<RecordingSocket> {
  const ws = new WebSocket(url);
  const messages: Record<string, unknown>[] = [];
  ws.on('message', (raw) => messages.push(JSON.parse(String(raw)) as Record<string, unknown>));
  const closed = new Promise<void>((resolve) => ws.on('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { messages, closed, send: (m) => ws.send(JSON.stringify(m)), close: () => ws.close() };
}

export async function until<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
