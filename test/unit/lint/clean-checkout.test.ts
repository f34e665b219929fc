/**
 * Issue 21 item 13: `bash .ci/setup` on a fresh clone leaves `git status` clean. Its two causes were npm
 * writing other platforms' optional bindings into package-lock.json (setup installs with --no-save: the
 * committed lockfile is the truth) and npm making the package's bin executable (committed executable).
 * Running the whole setup takes minutes and the network, so this checks those two facts of the checkout.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('a checkout stays clean after .ci/setup', () => {
  it('every npm install in .ci/setup leaves the lockfile alone', () => {
    const lines = readFileSync(join(ROOT, '.ci', 'setup'), 'utf8').split('\n').filter((l) => !l.trim().startsWith('#') && /\bnpm (install|i|ci)\b/.test(l));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines.filter((x) => /\bnpm (install|i)\b/.test(x) && !/npm pack/.test(x))) expect(l).toMatch(/--no-save\b/);
  });

  it("the package's bin files are committed executable (npm install would chmod them)", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
    const bins = Object.values(pkg.bin ?? {});
    expect(bins.length).toBeGreaterThan(0);
    const r = spawnSync('git', ['ls-files', '-s', ...bins], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0 || !r.stdout.trim()) return; // not a git checkout (a packaged copy): nothing to keep clean
    for (const line of r.stdout.trim().split('\n')) expect(line, line).toMatch(/^100755 /);
  });
});
