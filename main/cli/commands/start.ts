import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { appRoot } from '../../host/paths.ts';
import { buildMain } from '../build.ts';
import type { CliCommand } from '../command.ts';
import { SERVE_OPTIONS, serveHeadless } from './serve.ts';
import { HOST_V8_FLAGS } from '../../host/v8-flags.ts';

/** The Electron binary's path when one is installed and can actually start on this machine, else why not. */
export function probeElectron(): { ok: true; path: string } | { ok: false; why: string } {
  // Read the package's path.txt ourselves: loading the electron package tries to download a missing binary.
  let path: string;
  try {
    const pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const pathFile = join(pkgDir, 'path.txt');
    path = existsSync(pathFile) ? join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim()) : '';
  } catch {
    return { ok: false, why: 'the electron package is not installed' };
  }
  if (!path || !existsSync(path)) return { ok: false, why: 'its binary was not downloaded (installed with ELECTRON_SKIP_BINARY_DOWNLOAD)' };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { ok: false, why: 'there is no display' };
  const probe = spawnSync(path, ['--version'], { timeout: 15_000, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  if (probe.status !== 0) return { ok: false, why: `the Electron binary cannot run here (${probe.error?.message ?? `exit ${probe.status}`})` };
  return { ok: true, path };
}

export const start: CliCommand = {
  name: 'start',
  summary: 'Start the desktop app, or headless mode where Electron cannot run.',
  usage: 'kestrel start [--data-dir DIR] [--port N]',
  // Headless mode takes these; the Electron app is handed the same argv.
  options: SERVE_OPTIONS,
  async run(argv) {
    const electron = probeElectron();
    if (!electron.ok) return serveHeadless(argv, `Electron cannot start here because ${electron.why}; starting headless mode instead.`);
    await buildMain();
    const child = spawn(electron.path, [`--js-flags=${HOST_V8_FLAGS.join(' ')}`, join(appRoot(), 'dist', 'main', 'app', 'main.js'), ...argv], { stdio: 'inherit' });
    return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 0)));
  },
};
