import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from '../host/paths.ts';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: appRoot(), stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
}

/** Builds the renderer when its bundle is missing or older than its sources, so `npm start` always serves fresh UI. */
export async function ensureRendererBuilt(): Promise<void> {
  const root = appRoot();
  const index = join(root, 'dist', 'renderer', 'index.html');
  const sources = [join(root, 'renderer'), join(root, 'main', 'contract')];
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...sources.map(newestMtime))) return;
  console.log('Building the renderer…');
  run(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
}

/** Emits main/, workers/ and native/ as JavaScript for Electron and packaging. */
export async function buildMain(): Promise<void> {
  run(process.execPath, [join(appRoot(), 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'main/tsconfig.build.json']);
}
