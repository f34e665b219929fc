/**
 * `npm test`: everything that proves the product works — native build, typecheck, lint, renderer build,
 * unit + integration (vitest), Playwright journey (Chromium, headless mode). Ends with the line
 * `N passed, N failed` (typecheck and lint count as one check each; tests count individually).
 *
 * The checks that only read the sources (native build, typechecks, lint, renderer build) run two at a time
 * (CI has 2 cores), their output printed whole as each ends; vitest and then Playwright run alone after them,
 * streaming. Vitest never overlaps lint or typecheck: a lint test writes probe files under main/ for a moment.
 */
import { spawn } from 'node:child_process';
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

/** Run one after another; the steps inside a phase run at the same time (two at a time). */
const phases: Step[][] = [
  [
    { name: 'typecheck (main, workers, tests)', args: [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json'] },
    { name: 'lint', args: [bin('eslint', 'bin/eslint.js'), '--max-warnings', '0', '.'] },
    { name: 'typecheck (renderer)', args: [bin('typescript', 'bin/tsc'), '-p', 'renderer/tsconfig.json'] },
    { name: 'typecheck (e2e)', args: [bin('typescript', 'bin/tsc'), '-p', 'test/e2e/tsconfig.json'] },
    { name: 'native build', args: [join(root, 'native/build.ts')], optional: () => existsSync(join(root, 'native/build.ts')) },
    { name: 'renderer build', args: [bin('vite', 'bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'] },
  ],
  [
    {
      name: 'unit + integration (vitest)',
      args: [bin('vitest', 'vitest.mjs'), 'run', '--config', 'test/vitest.config.ts'],
      counts: () => {
        const r = JSON.parse(readFileSync(join(results, 'vitest.json'), 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
        return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests };
      },
    },
  ],
  [
    {
      name: 'end-to-end (Playwright, Chromium)',
      args: [bin('@playwright/test', 'cli.js'), 'test', '--config', 'test/e2e/playwright.config.ts'],
      counts: () => {
        const r = JSON.parse(readFileSync(join(results, 'playwright.json'), 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } };
        return { passed: r.stats.expected + r.stats.flaky, failed: r.stats.unexpected, skipped: r.stats.skipped };
      },
    },
  ],
];
const PARALLEL = 2;

/** Runs a step; alone it streams its output, beside others it holds the output and prints it whole at the end. */
function run(step: Step, alone: boolean): Promise<{ status: number | null; secs: string }> {
  const t0 = Date.now();
  if (alone) console.log(`\n=== ${step.name} ===`);
  const child = spawn(process.execPath, step.args, { cwd: root, stdio: alone ? 'inherit' : ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
  const out: Buffer[] = [];
  child.stdout?.on('data', (b: Buffer) => out.push(b));
  child.stderr?.on('data', (b: Buffer) => out.push(b));
  return new Promise((resolve) => {
    child.once('error', (e) => out.push(Buffer.from(`${e.message}\n`)));
    child.once('close', (code) => {
      const secs = ((Date.now() - t0) / 1000).toFixed(1);
      if (!alone) process.stdout.write(`\n=== ${step.name} ===\n${Buffer.concat(out).toString()}`);
      resolve({ status: code, secs });
    });
  });
}

async function runPhase(steps: Step[]): Promise<Map<Step, { status: number | null; secs: string }>> {
  const done = new Map<Step, { status: number | null; secs: string }>();
  const queue = [...steps];
  const lane = async (): Promise<void> => {
    for (let step = queue.shift(); step; step = queue.shift()) done.set(step, await run(step, steps.length === 1));
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, steps.length) }, lane));
  return done;
}

rmSync(join(results, 'vitest.json'), { force: true });
rmSync(join(results, 'playwright.json'), { force: true });
let passed = 0;
let failed = 0;
let skipped = 0;
const summary: string[] = [];
for (const phase of phases) {
  const steps = phase.filter((step) => !step.optional || step.optional());
  const done = await runPhase(steps);
  for (const step of steps) {
    const r = done.get(step)!;
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
      line = `${step.name}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped (${r.secs} s)`;
    } else {
      if (r.status === 0) passed++;
      else failed++;
      line = `${step.name}: ${r.status === 0 ? 'ok' : 'FAILED'} (${r.secs} s)`;
    }
    summary.push(line);
  }
}
console.log(`\n=== summary ===\n${summary.join('\n')}`);
if (skipped) console.log(`${skipped} skipped (see above for why)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
