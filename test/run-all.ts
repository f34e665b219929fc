/**
 * `npm test`: everything that proves the product works, in order — native build, typecheck, lint, unit +
 * integration (vitest), renderer build, Playwright journey (Chromium, headless mode). Ends with the line
 * `N passed, N failed` (typecheck and lint count as one check each; tests count individually).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (pkg: string, file: string) => join(root, 'node_modules', pkg, file);
const results = join(root, 'test-results');

interface Step {
  name: string;
  args: string[];
  /** Reads the per-test counts the step reported; without it the step counts as one check. */
  counts?: () => { passed: number; failed: number; skipped: number };
  optional?: () => boolean;
}

const steps: Step[] = [
  { name: 'native build', args: [join(root, 'native/build.ts')], optional: () => existsSync(join(root, 'native/build.ts')) },
  { name: 'typecheck (main, workers, tests)', args: [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json'] },
  { name: 'typecheck (renderer)', args: [bin('typescript', 'bin/tsc'), '-p', 'renderer/tsconfig.json'] },
  { name: 'typecheck (e2e)', args: [bin('typescript', 'bin/tsc'), '-p', 'test/e2e/tsconfig.json'] },
  { name: 'lint', args: [bin('eslint', 'bin/eslint.js'), '--max-warnings', '0', '.'] },
  {
    name: 'unit + integration (vitest)',
    args: [bin('vitest', 'vitest.mjs'), 'run', '--config', 'test/vitest.config.ts'],
    counts: () => {
      const r = JSON.parse(readFileSync(join(results, 'vitest.json'), 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
      return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests };
    },
  },
  { name: 'renderer build', args: [bin('vite', 'bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'] },
  {
    name: 'end-to-end (Playwright, Chromium)',
    args: [bin('@playwright/test', 'cli.js'), 'test', '--config', 'test/e2e/playwright.config.ts'],
    counts: () => {
      const r = JSON.parse(readFileSync(join(results, 'playwright.json'), 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } };
      return { passed: r.stats.expected + r.stats.flaky, failed: r.stats.unexpected, skipped: r.stats.skipped };
    },
  },
];

rmSync(join(results, 'vitest.json'), { force: true });
rmSync(join(results, 'playwright.json'), { force: true });
let passed = 0;
let failed = 0;
let skipped = 0;
const summary: string[] = [];
for (const step of steps) {
  if (step.optional && !step.optional()) continue;
  console.log(`\n=== ${step.name} ===`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, step.args, { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  let line: string;
  if (step.counts) {
    let c: { passed: number; failed: number; skipped: number };
    try {
      c = step.counts();
    } catch {
      c = { passed: 0, failed: 1, skipped: 0 };
    }
    // A runner that crashed without reporting a failing test still fails the run.
    if (r.status !== 0 && c.failed === 0) c.failed = 1;
    passed += c.passed;
    failed += c.failed;
    skipped += c.skipped;
    line = `${step.name}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped (${secs} s)`;
  } else {
    if (r.status === 0) passed++;
    else failed++;
    line = `${step.name}: ${r.status === 0 ? 'ok' : 'FAILED'} (${secs} s)`;
  }
  summary.push(line);
}
console.log(`\n=== summary ===\n${summary.join('\n')}`);
if (skipped) console.log(`${skipped} skipped (see above for why)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
