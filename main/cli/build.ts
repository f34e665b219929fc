/**
 * The build pipeline (`npm run build` = `node main/cli/build.ts`): the wasm kernels (native/build.ts), the
 * renderer bundle (Vite → dist/renderer), then main/, workers/ and native/ as JavaScript (tsc →
 * dist/main, dist/workers, dist/native) plus the files tsc does not emit (the wasm kernels), then the
 * strategy sandbox's child as one file (dist/sandbox/child.mjs) for the desktop app's Node runtime. The result
 * runs without the TypeScript sources: `node dist/main/cli/kestrel.js serve` under plain Node, or
 * dist/main/app/main.js under Electron, which is what `npm run dist` packages (resources/dist.ts).
 *
 * From a source checkout `kestrel start|serve` call the same steps to stay fresh; from built output
 * (no sources next to it) they only check that the bundle is there.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appRoot } from '../host/paths.ts';

/** Files the build must leave in dist/ besides what tsc emits, as [source, destination] under the app root. */
export const COPIED_ASSETS: readonly (readonly [string, string])[] = [['native/build/kernels.wasm', 'dist/native/build/kernels.wasm']];

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

/** True when this is a source checkout (TypeScript next to us), false when running from built output. */
export function hasSources(root = appRoot()): boolean {
  return existsSync(join(root, 'renderer', 'index.html')) && existsSync(join(root, 'main', 'cli', 'kestrel.ts'));
}

/** Builds the renderer when its bundle is missing or older than its sources, so `npm start` always serves fresh UI. */
export async function ensureRendererBuilt(): Promise<void> {
  const root = appRoot();
  const index = join(root, 'dist', 'renderer', 'index.html');
  if (!hasSources(root)) {
    if (!existsSync(index)) throw new Error(`${index} is missing: this build has no renderer bundle (npm run build makes one)`);
    return;
  }
  const sources = [join(root, 'renderer'), join(root, 'main', 'contract')];
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...sources.map(newestMtime))) return;
  console.log('Building the renderer…');
  run(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
}

/** Emits main/, workers/ and native/ as JavaScript for Electron and packaging, with the assets tsc skips. */
export async function buildMain(): Promise<void> {
  const root = appRoot();
  if (!hasSources(root)) return;
  run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'main/tsconfig.build.json']);
  for (const [from, to] of COPIED_ASSETS) {
    // The wasm kernels are optional at run time (JS fallback), but a build that should have them says so.
    if (!existsSync(join(root, from))) {
      console.warn(`build: ${from} is missing (npm run build:native); the built app falls back to the JS kernels`);
      continue;
    }
    mkdirSync(dirname(join(root, to)), { recursive: true });
    copyFileSync(join(root, from), join(root, to));
  }
}

async function buildAll(step: string | undefined): Promise<void> {
  const root = appRoot();
  if (!step || step === 'native') run(process.execPath, [join(root, 'native', 'build.ts')]);
  if (!step || step === 'renderer') run(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
  if (!step || step === 'main') await buildMain();
  // The strategy sandbox's child as one file, for the desktop app's plain Node runtime (workers/sandbox/vite.config.ts).
  if (!step || step === 'sandbox') run(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'workers/sandbox/vite.config.ts', '--logLevel', 'warn']);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const step = process.argv[2];
  if (step && !['native', 'renderer', 'main', 'sandbox'].includes(step)) {
    console.error(`usage: node main/cli/build.ts [native|renderer|main|sandbox]`);
    process.exit(2);
  }
  await buildAll(step);
  console.log(`build: ${step ?? 'native, renderer, main, sandbox'} done → ${join(appRoot(), 'dist')}`);
}
