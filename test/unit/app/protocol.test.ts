/**
 * The app:// handler against real files. Electron itself cannot run here, so only its registration call is
 * replaced: the handler protocol.ts gives Electron is captured and called with real Requests.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

type Handler = (r: Request) => Promise<Response>;
const registered = vi.hoisted(() => ({ handlers: new Map<string, Handler>(), schemes: [] as unknown[] }));
vi.mock('electron', () => ({
  protocol: {
    handle: (scheme: string, h: Handler) => registered.handlers.set(scheme, h),
    registerSchemesAsPrivileged: (s: unknown[]) => registered.schemes.push(...s),
  },
}));

const { registerAppScheme, serveAppScheme } = await import('../../../main/app/protocol.ts');

describe('the app:// protocol handler', () => {
  let dir: string;
  const refused: string[] = [];
  let handle: Handler;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kestrel-app-scheme-'));
    mkdirSync(join(dir, 'renderer', 'assets'), { recursive: true });
    writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(dir, 'renderer', 'assets', 'main.js'), 'export {};');
    writeFileSync(join(dir, 'secret.txt'), 'not for the page');
    registerAppScheme();
    serveAppScheme(join(dir, 'renderer'), "default-src 'self'", (why) => refused.push(why));
    handle = registered.handlers.get('app')!;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('registers one privileged, secure, standard scheme', () => {
    expect(registered.schemes).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    expect(handle).toBeTypeOf('function');
  });

  it('serves the page and its assets with the CSP, the type and nosniff', async () => {
    const page = await handle(new Request('app://kestrel/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('id="root"');
    const js = await handle(new Request('app://kestrel/assets/main.js'));
    expect(js.headers.get('content-type')).toContain('text/javascript');
    const head = await handle(new Request('app://kestrel/', { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers 404/405 for anything else, with the CSP, and says why in the log', async () => {
    expect((await handle(new Request('app://kestrel/nope.js'))).status).toBe(404);
    const out = await handle(new Request('app://kestrel/assets/..%2F..%2Fsecret.txt'));
    expect(out.status).toBe(404);
    expect(await out.text()).toBe('');
    expect((await handle(new Request('app://other/index.html'))).status).toBe(404);
    const post = await handle(new Request('app://kestrel/index.html', { method: 'POST', body: 'x' }));
    expect(post.status).toBe(405);
    expect(post.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(refused.join('\n')).toMatch(/outside the renderer folder/);
    expect(refused.join('\n')).toMatch(/method POST/);
  });
});
