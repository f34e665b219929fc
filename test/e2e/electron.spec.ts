import { _electron as electron, chromium, test, expect, type Page } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeElectron } from '../../main/cli/commands/start.ts';
import { repoRoot } from './fixtures.ts';

const probe = probeElectron();

/** The unpacked app `npm run dist -- --dir` leaves in release/ for this platform, or KESTREL_PACKAGED_APP. */
function packagedExecutable(): string | undefined {
  const candidates = [
    process.env.KESTREL_PACKAGED_APP,
    join(repoRoot, 'release', 'linux-unpacked', 'kestrel'),
    join(repoRoot, 'release', 'win-unpacked', 'Kestrel.exe'),
    join(repoRoot, 'release', 'mac', 'Kestrel.app', 'Contents', 'MacOS', 'Kestrel'),
    join(repoRoot, 'release', 'mac-arm64', 'Kestrel.app', 'Contents', 'MacOS', 'Kestrel'),
  ];
  return candidates.find((c): c is string => !!c && existsSync(c));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

test.describe('the Electron app', () => {
  test.skip(!probe.ok, `SKIPPED: no runnable Electron binary here (${probe.ok ? '' : probe.why}); this spec runs wherever one exists.`);

  test('opens a hardened window that shows the workstation and the host version', async () => {
    const build = spawnSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'main/tsconfig.build.json'], { cwd: repoRoot });
    expect(build.status).toBe(0);
    const app = await electron.launch({
      executablePath: probe.ok ? probe.path : undefined,
      args: [join(repoRoot, 'dist/main/app/main.js')],
      env: { ...process.env, KESTREL_DATA_DIR: mkdtempSync(join(tmpdir(), 'kestrel-electron-')) },
    });
    const win = await app.firstWindow();
    await expect(win.getByTestId('host-version')).toHaveText(/Kestrel \d+/);
    await expect(win.getByTestId('app-mode')).toHaveText('Desktop');
    // The renderer sees no Node: no require, no process, only the preload's narrow bridge.
    const exposed = await win.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      bridge: Object.keys((globalThis as { kestrel?: object }).kestrel ?? {}).sort(),
    }));
    expect(exposed).toEqual({ require: 'undefined', process: 'undefined', bridge: ['onMessage', 'send'] });
    // Navigation away from the app and new windows are refused.
    await win.evaluate(() => window.open('https://example.com'));
    expect(app.windows().length).toBe(1);
    await app.close();
  });
});

test.describe('the packaged app', () => {
  const exe = packagedExecutable();
  const displayless = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
  test.skip(!exe || displayless, `SKIPPED: ${!exe ? 'no packaged build here (npm run dist -- --dir makes release/<platform>-unpacked, or set KESTREL_PACKAGED_APP)' : 'there is no display'}; this spec runs wherever one exists.`);

  test('launches, shows the workstation, takes a paper order and quits', async () => {
    test.setTimeout(240_000);
    // The fuses turn off --inspect, which Playwright's electron.launch needs; Chromium's own debugging port
    // is not a Node switch, so the packaged renderer is driven over CDP instead.
    const port = await freePort();
    const app = spawn(exe!, [`--remote-debugging-port=${port}`], {
      env: { ...process.env, KESTREL_DATA_DIR: mkdtempSync(join(tmpdir(), 'kestrel-packaged-')), ELECTRON_RUN_AS_NODE: '1', NODE_OPTIONS: '--require=/nonexistent.js' },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((r) => app.once('exit', (code) => r(code)));
    try {
      let browser: Awaited<ReturnType<typeof chromium.connectOverCDP>> | undefined;
      let page: Page | undefined;
      // ELECTRON_RUN_AS_NODE and NODE_OPTIONS above are ignored by a fused binary: it still opens its window.
      await expect
        .poll(
          async () => {
            browser ??= await chromium.connectOverCDP(`http://127.0.0.1:${port}`).catch(() => undefined);
            page = browser?.contexts().flatMap((c) => c.pages()).find((p) => p.url().startsWith('app://kestrel/'));
            return page !== undefined;
          },
          { timeout: 90_000 },
        )
        .toBe(true);
      page = page!;
      await expect(page.getByTestId('app-mode')).toHaveText('Desktop');
      await expect(page.getByTestId('host-version')).toHaveText(/Kestrel \d+/);
      const ticket = page.getByRole('region', { name: 'Order ticket' });
      const last = Number(await page.getByTestId('last-price').textContent({ timeout: 60_000 }));
      await ticket.getByRole('textbox', { name: 'Quantity' }).fill('0.01');
      await ticket.getByRole('textbox', { name: 'Limit price' }).fill((last * 0.97).toFixed(2));
      await ticket.getByTestId('ticket-preview').click();
      await ticket.getByTestId('ticket-send').click();
      await expect(ticket.getByTestId('ticket-sent')).toBeVisible();
      await expect(page.getByRole('region', { name: 'Blotter' }).getByRole('table', { name: 'Open orders' })).toContainText('BTC/USDT');
      // Quit as a user does: closing the last window ends the app, cleanly.
      await page.close({ runBeforeUnload: false });
      expect(await exited).toBe(0);
    } finally {
      if (app.exitCode === null) app.kill('SIGKILL');
    }
  });
});
