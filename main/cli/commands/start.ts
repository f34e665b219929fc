import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { appRoot } from '../../host/paths.ts';
import { buildMain } from '../build.ts';
import type { CliCommand } from '../command.ts';
import { serveHeadless } from './serve.ts';

/** The Electron binary's path when one is installed and can actually start on this machine, else why not. */
export function probeElectron(): { ok: true; path: string } | { ok: false; why: string } {
  let path: string;
  try {
    path = createRequire(import.meta.url)('electron') as unknown as string;
  } catch (e) {
    return { ok: false, why: `the electron package has no binary (${(e as Error).message.split('\n')[0]})` };
  }
  if (typeof path !== 'string' || !existsSync(path)) return { ok: false, why: 'the Electron binary is not installed' };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { ok: false, why: 'there is no display' };
  const probe = spawnSync(path, ['--version'], { timeout: 15_000, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  if (probe.status !== 0) return { ok: false, why: `the Electron binary cannot run here (${probe.error?.message ?? `exit ${probe.status}`})` };
  return { ok: true, path };
}

export const start: CliCommand = {
  name: 'start',
  summary: 'Start the desktop app, or headless mode where Electron cannot run.',
  usage: 'kestrel start [--data-dir DIR] [--port N]',
  async run(argv) {
    const electron = probeElectron();
    if (!electron.ok) return serveHeadless(argv, `Electron cannot start here because ${electron.why}; starting headless mode instead.`);
    await buildMain();
    const child = spawn(electron.path, [join(appRoot(), 'dist', 'main', 'app', 'main.js'), ...argv], { stdio: 'inherit' });
    return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 0)));
  },
};
