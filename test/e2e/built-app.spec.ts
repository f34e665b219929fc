import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingBuildOutputs } from '../../resources/dist.ts';
import { expect, openTrading, repoRoot, startServer, test, type KestrelServer } from './fixtures.ts';

/**
 * What `npm run dist` packs runs on its own: the build output (dist/ + package.json + the installed
 * dependencies), copied away from every TypeScript source, starts headless mode under plain Node, serves
 * the UI with its CSP, and a paper order goes through. The renderer bundle is the one `npm test` built just
 * before the e2e step; main/ is compiled here (tsc, ~30 s on a loaded machine).
 */
test.describe('the built app, without its sources', () => {
  let app: string;
  let child: ChildProcess | undefined;
  let server: KestrelServer;

  test.beforeAll(async () => {
    test.setTimeout(300_000);
    for (const step of [...(existsSync(join(repoRoot, 'dist/renderer/index.html')) ? [] : ['renderer']), 'main']) {
      const r = spawnSync(process.execPath, [join(repoRoot, 'main/cli/build.ts'), step], { cwd: repoRoot, encoding: 'utf8' });
      expect(r.status, `build ${step}: ${r.stdout}${r.stderr}`).toBe(0);
    }
    expect(missingBuildOutputs(repoRoot)).toEqual([]);
    app = mkdtempSync(join(tmpdir(), 'kestrel-built-'));
    cpSync(join(repoRoot, 'package.json'), join(app, 'package.json'));
    cpSync(join(repoRoot, 'dist'), join(app, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') });
    symlinkSync(join(repoRoot, 'node_modules'), join(app, 'node_modules'), 'dir');
    expect(readdirSync(app).sort()).toEqual(['dist', 'node_modules', 'package.json']);
    ({ server, child } = await startServer(join(app, 'data'), {}, { cli: join(app, 'dist/main/cli/kestrel.js'), cwd: app }));
  });

  test.afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
    }
    if (app) rmSync(app, { recursive: true, force: true });
  });

  test('serves the page and its assets with the CSP', async ({ request }) => {
    const origin = new URL(server.url).origin;
    const page = await request.get(`${origin}/`);
    expect(page.status()).toBe(200);
    expect(page.headers()['content-security-policy']).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('<div id="root">');
    expect(html).toContain('http-equiv="Content-Security-Policy"');
    const script = /<script type="module" crossorigin src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const js = await request.get(`${origin}/${script}`);
    expect(js.status()).toBe(200);
    expect(js.headers()['content-type']).toContain('text/javascript');
    expect(server.output()).toMatch(/Kestrel \S+ headless/);
  });

  test('shows the workstation and takes a paper order', async ({ page }) => {
    test.setTimeout(180_000);
    const { ticket, last } = await openTrading(page, server);
    await expect(page.getByTestId('host-version')).toHaveText(/Kestrel \d+/);
    await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.01');
    await ticket.getByRole('textbox', { name: 'Limit price' }).fill((last * 0.97).toFixed(2));
    await ticket.getByTestId('ticket-preview').click();
    await expect(ticket.getByTestId('ticket-preview-pane')).toContainText('PASS');
    await ticket.getByTestId('ticket-send').click();
    await expect(ticket.getByTestId('ticket-sent')).toBeVisible();
    await expect(page.getByRole('region', { name: 'Blotter' }).getByRole('table', { name: 'Open orders' })).toContainText('BTC/USDT');
  });
});
