/**
 * The desktop renderer's origin: `app://kestrel/`, a privileged standard scheme served by the main process
 * from dist/renderer (protocol.ts). A real origin instead of `file://` gives the page a CSP `'self'` that
 * means only the app's own files, keeps it away from the rest of the disk, and lets the file-protocol fuse
 * stay off. This module is pure (no electron import) so the URL rules are unit-tested in plain Node.
 */
import { extname, join, normalize, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'kestrel';
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** What Vite emits into dist/renderer; anything else is served as opaque bytes. */
const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};

export type AppRequest = { ok: true; file: string; contentType: string } | { ok: false; status: 400 | 404 | 405; why: string };

/** Maps a request on the app scheme to a file inside `rendererDir`, or says why it is refused. */
export function resolveAppRequest(rawUrl: string, method: string, rendererDir: string): AppRequest {
  if (method !== 'GET' && method !== 'HEAD') return { ok: false, status: 405, why: `method ${method}` };
  let url: URL;
  let path: string;
  try {
    url = new URL(rawUrl);
    path = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 400, why: 'malformed URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return { ok: false, status: 404, why: `foreign origin ${url.protocol}//${url.host}` };
  if (path.includes('\0') || path.includes('\\')) return { ok: false, status: 400, why: 'bad characters in path' };
  const rel = path === '/' || path === '' ? 'index.html' : path.replace(/^\/+/, '');
  const root = normalize(rendererDir + sep);
  const file = normalize(join(root, rel));
  if (!file.startsWith(root)) return { ok: false, status: 404, why: 'outside the renderer folder' };
  return { ok: true, file, contentType: contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream' };
}

/** True for the app's own page (any hash), the only page a window may show or accept messages from. */
export function isAppUrl(url: string, appIndexUrl: string): boolean {
  try {
    const u = new URL(url);
    const app = new URL(appIndexUrl);
    return u.protocol === app.protocol && u.host === app.host && u.pathname === app.pathname;
  } catch {
    return false;
  }
}
