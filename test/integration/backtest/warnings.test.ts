/**
 * Issue 21 item 12: a code-strategy run prints no ExperimentalWarning about type stripping (in the CLI process
 * nor in the strategy's worker), and other warnings still print.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('type-stripping warning', () => {
  it('kestrel backtest of a .ts strategy writes no ExperimentalWarning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kestrel-warn-'));
    const file = join(dir, 'mine.ts');
    writeFileSync(file, 'export default { onCandle(ctx: any): void { if (ctx.bar() === 5) ctx.buy(0.01); } };\n');
    const r = spawnSync(process.execPath, [join(ROOT, 'main/cli/kestrel.ts'), 'backtest', '--strategy', file, '--symbol', 'BTC/USDT', '--demo', '1'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/mine \(code [0-9a-f]+\) on BTC\/USDT 1m: 1440 bars — ok/);
    expect(r.stderr).not.toMatch(/ExperimentalWarning|experimental feature/);
  });

  it('only that warning is dropped: another one still prints', () => {
    const script = `import('${join(ROOT, 'workers/backtest/strip-types.ts')}').then((m) => {
      if (m.stripTypes('const a: number = 1;').trim() !== 'const a         = 1;') process.exit(3);
      process.emitWarning('another experimental thing', 'ExperimentalWarning');
    });`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('ExperimentalWarning: another experimental thing');
    expect(r.stderr).not.toContain('stripTypeScriptTypes');
  });
});
