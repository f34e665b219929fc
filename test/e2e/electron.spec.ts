import { _electron as electron, test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeElectron } from '../../main/cli/commands/start.ts';
import { repoRoot } from './fixtures.ts';

const probe = probeElectron();

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
