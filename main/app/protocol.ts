import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { APP_SCHEME, resolveAppRequest } from './app-url.ts';

/**
 * Must run before the app is ready: `standard` gives the scheme real origins (so CSP 'self', storage and
 * relative URLs work as on the web), `secure` makes it a secure context, `codeCache` keeps V8's cache.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
}

/** Serves dist/renderer on app://kestrel/ with the app's CSP on every response (webRequest does not see these). */
export function serveAppScheme(rendererDir: string, csp: string, onRefused: (why: string) => void): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const r = resolveAppRequest(request.url, request.method, rendererDir);
    const headers = { 'content-security-policy': csp, 'x-content-type-options': 'nosniff' };
    if (!r.ok) {
      onRefused(`app protocol ${r.status} (${r.why}) for ${request.url}`);
      return new Response(null, { status: r.status, headers });
    }
    let body: Buffer;
    try {
      body = await readFile(r.file);
    } catch {
      return new Response(null, { status: 404, headers });
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers: { ...headers, 'content-type': r.contentType } });
  });
}
