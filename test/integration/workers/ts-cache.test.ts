/**
 * The stripped-TypeScript cache (workers/ts-cache.ts), in child processes as the CLI uses it: a module is
 * stripped once and read from the cache after (even a tampered entry is what runs: proof it was read), a
 * changed source gets a new entry, stack traces keep their lines, and syntax stripping cannot handle gets
 * Node's own error as without the cache.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const HOOK = fileURLToPath(new URL('../../../workers/ts-cache.ts', import.meta.url));

function load(cache: string, mod: string): { out: unknown; err: string; status: number | null } {
  const script = `import { cacheStrippedTypeScript } from ${JSON.stringify(HOOK)};
cacheStrippedTypeScript(${JSON.stringify(cache)});
const m = await import(${JSON.stringify(mod)});
console.log(JSON.stringify({ value: m.value, line: m.line() }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return { out: r.status === 0 ? JSON.parse(r.stdout) : null, err: r.stderr, status: r.status };
}

/** A folder of ES modules, as the app's own (package.json "type": "module"). */
function moduleDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-ts-cache-'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  return dir;
}

describe('stripped TypeScript cache', () => {
  it('strips once, then runs what the cache holds; a changed source is stripped again; lines are kept', () => {
    const dir = moduleDir();
    const cache = join(dir, 'cache');
    const mod = join(dir, 'mod.ts');
    const source = (v: number): string => `interface Shape { readonly n: number }
const s: Shape = { n: ${v} };
export const value: number = s.n;
export function line(): number {
  return Number(/:(\\d+):\\d+\\)?$/.exec(new Error().stack!.split('\\n')[1]!)![1]);
}
`;
    writeFileSync(mod, source(42));
    expect(load(cache, mod).out).toEqual({ value: 42, line: 5 });
    const entries = readdirSync(join(cache, 'kestrel-ts'));
    expect(entries).toHaveLength(1);
    // What runs now is the cached text, not a fresh strip.
    writeFileSync(join(cache, 'kestrel-ts', entries[0]!), 'export const value = 7; export function line() { return -1; }\n');
    expect(load(cache, mod).out).toEqual({ value: 7, line: -1 });
    writeFileSync(mod, source(43));
    expect(load(cache, mod).out).toEqual({ value: 43, line: 5 });
    expect(readdirSync(join(cache, 'kestrel-ts'))).toHaveLength(2);
  });

  it('syntax that needs transforming (an enum) gets Node\'s own error, and no cache entry', () => {
    const dir = moduleDir();
    const mod = join(dir, 'enum.ts');
    writeFileSync(mod, 'enum E { A }\nexport const value = E.A;\nexport const line = () => 0;\n');
    const r = load(join(dir, 'cache'), mod);
    expect(r.status).not.toBe(0);
    expect(r.err).toContain('ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX');
    expect(readdirSync(join(dir, 'cache', 'kestrel-ts'))).toHaveLength(0);
  });
});

describe('stripped TypeScript cache folder', () => {
  it('is not used when another user could write to it (a shared temp folder): what it holds would run as code', () => {
    const dir = moduleDir();
    const cache = join(dir, 'cache');
    const mod = join(dir, 'mod.ts');
    writeFileSync(mod, 'export const value: number = 1;\nexport const line = (): number => 0;\n');
    expect(load(cache, mod).out).toEqual({ value: 1, line: 0 });
    const root = join(cache, 'kestrel-ts');
    expect(statSync(root).mode & 0o777).toBe(0o700);
    const [entry] = readdirSync(root);
    writeFileSync(join(root, entry!), 'export const value = 666; export const line = () => -1;\n');
    chmodSync(root, 0o777);
    // The planted text is ignored: the source is stripped afresh.
    expect(load(cache, mod).out).toEqual({ value: 1, line: 0 });
  });
});
