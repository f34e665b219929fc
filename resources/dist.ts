/**
 * `npm run dist [-- electron-builder args]`, after `npm run build`: checks the build output electron-builder
 * will pack, prints what will be signed and notarised (resources/signing.ts), then runs electron-builder
 * with electron-builder.yml. Nothing is published from here (`--publish never`): a release engineer uploads
 * release/ to the update URL (resources/README.md). Needs the internet for Electron's binary.
 *
 *   KESTREL_RELEASE=1   refuse to package unless every target platform is signed (and macOS notarised)
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signingPlan, type Platform } from './signing.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** What the package cannot work without: the entry points electron-builder.yml and the app name. */
export const REQUIRED_BUILD_OUTPUTS = [
  'package.json',
  'dist/main/app/main.js',
  'dist/main/preload/preload.cjs',
  'dist/main/cli/kestrel.js',
  'dist/renderer/index.html',
  'dist/workers/pool.js',
  'dist/native/build/kernels.wasm',
] as const;

export function missingBuildOutputs(dir = root): string[] {
  return REQUIRED_BUILD_OUTPUTS.filter((rel) => !existsSync(join(dir, rel)));
}

export function targetPlatforms(args: readonly string[], host: NodeJS.Platform = process.platform): Platform[] {
  const named: Platform[] = [];
  for (const a of args) {
    if (a === '--linux' || a === '-l') named.push('linux');
    if (a === '--mac' || a === '-m' || a === '--macos') named.push('mac');
    if (a === '--win' || a === '-w' || a === '--windows') named.push('win');
  }
  if (named.length) return [...new Set(named)];
  return [host === 'darwin' ? 'mac' : host === 'win32' ? 'win' : 'linux'];
}

function main(args: string[]): number {
  const missing = missingBuildOutputs();
  if (missing.length) {
    console.error(`dist: the build output is incomplete (${missing.join(', ')} missing); run npm run build first`);
    return 1;
  }
  const release = process.env.KESTREL_RELEASE === '1';
  const plan = signingPlan(process.env, targetPlatforms(args), release);
  for (const line of plan.lines) console.log(`dist: ${line}`);
  if (plan.problems.length) {
    for (const p of plan.problems) console.error(`dist: ${p}`);
    return 1;
  }
  const cli = join(root, 'node_modules', 'electron-builder', 'cli.js');
  const extra = release ? ['-c.forceCodeSigning=true'] : [];
  const r = spawnSync(process.execPath, [cli, '--config', 'electron-builder.yml', '--publish', 'never', ...extra, ...args], { cwd: root, stdio: 'inherit', env: { ...process.env, ...plan.env } });
  return r.status ?? 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
