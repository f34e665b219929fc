/**
 * The packaging inputs, checked without packaging (no Electron download): electron-builder.yml as
 * electron-builder itself loads and validates it, the fuses, the update feed, the file list, and that every
 * file the package needs either exists (build resources) or is produced by the build from a source here.
 * test/e2e/built-app.spec.ts checks the built output itself.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, matchesGlob } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Configuration } from 'app-builder-lib';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { REQUIRED_BUILD_OUTPUTS } from '../../../resources/dist.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const quietLogger = { isEnabled: false, data: new Map(), add() {}, save: async () => {} } as unknown as Parameters<typeof validateConfiguration>[1];
const load = () => getConfig(root, join(root, 'electron-builder.yml'), null);

/** Whether electron-builder's `files` list (globs, `!` excludes, last match wins) takes a path. */
function included(patterns: readonly string[], rel: string): boolean {
  let inside = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (matchesGlob(rel, p.slice(1))) inside = false;
    } else if (matchesGlob(rel, p)) inside = true;
  }
  return inside;
}

/** The source each build output comes from (tsc, Vite or the wasm build). */
function sourceOf(out: string): string {
  if (out === 'package.json') return out;
  if (out === 'dist/renderer/index.html') return 'renderer/index.html';
  if (out === 'dist/native/build/kernels.wasm') return 'native/assembly/kernels.ts';
  return out.replace(/^dist\//, '').replace(/\.cjs$/, '.cts').replace(/\.js$/, '.ts');
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema, and the check is live (a typo fails it)", async () => {
    const config = await load();
    await expect(validateConfiguration(config, quietLogger)).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, electronFuses: { ...config.electronFuses, runAsNodee: false } } as Configuration, quietLogger)).rejects.toThrow(/configuration\.electronFuses/);
  });

  it('flips the fuses the security review asks for', async () => {
    const { electronFuses } = await load();
    expect(electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    // Asar integrity and "only from asar" mean nothing without an asar.
    expect((await load()).asar).toBe(true);
  });

  it('publishes to an HTTPS update feed with stable and beta manifests and signed Windows/macOS updates', async () => {
    const c = await load();
    expect(c.publish).toMatchObject({ provider: 'generic', channel: 'latest' });
    expect(new URL((c.publish as { url: string }).url).protocol).toBe('https:');
    expect(c.detectUpdateChannel).toBe(true);
    expect(c.generateUpdatesFilesForAllChannels).toBe(true);
    expect(c.win?.verifyUpdateCodeSignature).toBe(true);
    expect(c.win?.signtoolOptions?.publisherName).toEqual(['Kestrel']);
    // Squirrel.Mac updates from the zip; the dmg alone cannot update.
    expect(c.mac?.target).toEqual(expect.arrayContaining(['dmg', 'zip']));
    expect(c.mac?.hardenedRuntime).toBe(true);
    // Signing material never lives in the config: it comes from the environment (resources/signing.ts).
    const text = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
    expect(text).not.toMatch(/cscLink|cscKeyPassword|certificatePassword|certificateFile|appleIdPassword/);
  });

  it('packs the built app and nothing of the sources, with the entry package.json names', async () => {
    const c = await load();
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
    // electron-builder's loader normalises the list into one file set.
    const files = (c.files as { filter: string[] }[]).flatMap((set) => set.filter);
    expect(files).toEqual(['package.json', 'dist/**/*', '!dist/**/*.map', 'node_modules/**/*']);
    expect(c.extraMetadata?.main).toBe(pkg.main);
    for (const out of REQUIRED_BUILD_OUTPUTS) {
      expect(included(files, out), `${out} is not in the package`).toBe(true);
      expect(existsSync(join(root, sourceOf(out))), `${out} has no source ${sourceOf(out)}`).toBe(true);
    }
    expect(REQUIRED_BUILD_OUTPUTS).toContain(pkg.main);
    for (const rel of ['main/app/main.ts', 'renderer/app/main.tsx', 'dist/main/app/main.js.map']) expect(included(files, rel), rel).toBe(false);
    // Runtime code imports electron-updater; the icon tools stay out of the package.
    expect(pkg.dependencies['electron-updater']).toBeDefined();
    expect(pkg.devDependencies.sharp).toBeDefined();
  });

  it('points at build resources that exist: icons per platform, entitlements, the window icon', async () => {
    const c = await load();
    const res = c.directories?.buildResources;
    expect(res).toBe('resources');
    for (const f of [c.linux?.icon, c.win?.icon, c.mac?.icon, c.mac?.entitlements, c.mac?.entitlementsInherit]) {
      expect(typeof f).toBe('string');
      expect(existsSync(join(root, f as string)), `${f} missing`).toBe(true);
    }
    // Build outputs (dist/) come from `npm run build`; everything else must be in the checkout.
    const extra = c.extraResources as { from: string; to: string }[];
    for (const set of extra) if (!set.from.startsWith('dist/')) expect(existsSync(join(root, set.from)), set.from).toBe(true);
    // The strategy sandbox's runtime and its one-file child (workers/sandbox/spawn.ts looks for exactly these).
    expect(extra.map((x) => x.to)).toEqual(expect.arrayContaining(['node', 'sandbox/child.mjs']));
    expect(existsSync(join(root, 'node_modules/node/bin/node')) || existsSync(join(root, 'node_modules/node/bin/node.exe'))).toBe(true);
    expect(existsSync(join(root, 'workers/sandbox/vite.config.ts'))).toBe(true);
    expect(readFileSync(join(root, c.mac!.entitlements!), 'utf8')).toContain('com.apple.security.cs.allow-jit');
  });

  it('gives Linux a desktop entry a launcher can list', async () => {
    const entry = (await load()).linux?.desktop?.entry as Record<string, string>;
    expect(entry).toMatchObject({ Name: 'Kestrel', StartupWMClass: 'Kestrel' });
    expect(entry.Categories).toMatch(/^(\w+;)+$/);
    expect(entry.Categories).toContain('Finance;');
    expect(entry.Comment.length).toBeGreaterThan(10);
  });
});
