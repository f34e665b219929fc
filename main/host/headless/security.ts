import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newLaunchToken(): string {
  return randomBytes(24).toString('base64url');
}

export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The server binds 127.0.0.1 only, so the only names a browser may legitimately use for it are these; a
 * different Host means a page on some other name (DNS rebinding) is talking to us.
 */
export function hostAllowed(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** Why a WebSocket upgrade is refused, or null to accept it. Never throws: the URL is client input. */
export function upgradeRefusal(req: IncomingMessage, token: string, origin: string, port: number): string | null {
  if (!hostAllowed(req.headers.host, port)) return 'host not allowed';
  const raw = typeof req.url === 'string' ? req.url : '';
  // Only the path form is meaningful here ("/ws?token=…"); "//[", "http://[" and the like are refused unparsed.
  if (!raw.startsWith('/') || raw.startsWith('//') || !URL.canParse(raw, origin)) return 'malformed request';
  const url = new URL(raw, origin);
  if (url.pathname !== '/ws') return 'wrong path';
  if (!tokenMatches(token, url.searchParams.get('token'))) return 'bad token';
  // Browsers always send Origin: another site's page must never reach the host, even with a leaked token.
  const reqOrigin = req.headers.origin;
  if (reqOrigin !== undefined && reqOrigin !== origin && reqOrigin !== `http://localhost:${port}`) return 'foreign origin';
  return null;
}

/** The same policy the Electron window gets: nothing loads or connects outside the app itself. */
export function contentSecurityPolicy(connectSrc: string): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    // CodeMirror and lightweight-charts inject style elements at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${connectSrc}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}
