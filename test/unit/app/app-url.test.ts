import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_INDEX_URL, isAppUrl, resolveAppRequest } from '../../../main/app/app-url.ts';

const root = join(sep, 'opt', 'Kestrel', 'dist', 'renderer');

describe('the app:// scheme', () => {
  it('serves the index and the built assets with their types', () => {
    expect(resolveAppRequest(APP_INDEX_URL, 'GET', root)).toEqual({ ok: true, file: join(root, 'index.html'), contentType: 'text/html; charset=utf-8' });
    expect(resolveAppRequest('app://kestrel/', 'HEAD', root)).toMatchObject({ ok: true, file: join(root, 'index.html') });
    expect(resolveAppRequest('app://kestrel/assets/index-x1.js?v=2#f', 'GET', root)).toEqual({ ok: true, file: join(root, 'assets', 'index-x1.js'), contentType: 'text/javascript; charset=utf-8' });
    expect(resolveAppRequest('app://kestrel/assets/k.wasm', 'GET', root)).toMatchObject({ contentType: 'application/wasm' });
    expect(resolveAppRequest('app://kestrel/assets/blob.bin', 'GET', root)).toMatchObject({ contentType: 'application/octet-stream' });
  });

  it('never resolves outside the renderer folder', () => {
    for (const url of ['app://kestrel/../../../etc/passwd', 'app://kestrel/%2e%2e/%2e%2e/secrets.bin', 'app://kestrel/assets/..%2F..%2F..%2Fledger.db', 'app://kestrel/%2e%2e%2fmain%2fapp%2fmain.js']) {
      const r = resolveAppRequest(url, 'GET', root);
      if (r.ok) expect(r.file.startsWith(root + sep), `${url} → ${r.file}`).toBe(true);
      else expect(r.status).toBe(404);
    }
    expect(resolveAppRequest('app://kestrel/%2e%2e%2f%2e%2e%2fpackage.json', 'GET', root)).toMatchObject({ ok: false, status: 404 });
  });

  it('refuses other hosts, other schemes, other methods and malformed paths with a reason', () => {
    expect(resolveAppRequest('app://evil/index.html', 'GET', root)).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppRequest('file:///etc/passwd', 'GET', root)).toMatchObject({ ok: false, status: 404 });
    expect(resolveAppRequest(APP_INDEX_URL, 'POST', root)).toMatchObject({ ok: false, status: 405 });
    expect(resolveAppRequest('app://kestrel/%E0%A4%A', 'GET', root)).toMatchObject({ ok: false, status: 400 });
    expect(resolveAppRequest('app://kestrel/a%00.js', 'GET', root)).toMatchObject({ ok: false, status: 400 });
    expect(resolveAppRequest('app://kestrel/a%5C..%5C..%5Cx', 'GET', root)).toMatchObject({ ok: false, status: 400 });
    expect(resolveAppRequest('not a url', 'GET', root)).toMatchObject({ ok: false, status: 400 });
  });

  it('recognises only the app page itself as the app', () => {
    expect(isAppUrl('app://kestrel/index.html#/studio', APP_INDEX_URL)).toBe(true);
    expect(isAppUrl('app://kestrel/other.html', APP_INDEX_URL)).toBe(false);
    expect(isAppUrl('app://evil/index.html', APP_INDEX_URL)).toBe(false);
    expect(isAppUrl('file:///opt/Kestrel/dist/renderer/index.html', APP_INDEX_URL)).toBe(false);
    expect(isAppUrl('https://kestrel/index.html', APP_INDEX_URL)).toBe(false);
    expect(isAppUrl('::', APP_INDEX_URL)).toBe(false);
  });
});
