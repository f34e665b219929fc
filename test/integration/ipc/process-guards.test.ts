import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const guards = fileURLToPath(new URL('../../../main/host/process-guards.ts', import.meta.url));
const log = fileURLToPath(new URL('../../../main/host/log.ts', import.meta.url));

function run(body: string): { status: number | null; stdout: string; stderr: string } {
  const script = `import { installProcessGuards } from ${JSON.stringify(guards)};
import { createLogger } from ${JSON.stringify(log)};
installProcessGuards(createLogger('kestrel', 'info'));
${body}`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, VITEST: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('process guards', () => {
  it('logs an unhandled rejection as a bug report and keeps the process running', () => {
    const r = run("Promise.reject(new Error('stray')); setTimeout(() => { console.log('still alive'); }, 200);");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('still alive');
    const report = r.stdout.split('\n').filter((l) => l.includes('bugReport')).map((l) => JSON.parse(l) as { level: number; msg: string; bugReport: { kind: string; version: string; error: { message: string; stack: string } } })[0];
    expect(report?.bugReport.kind).toBe('unhandledRejection');
    expect(report?.bugReport.error.message).toBe('stray');
    expect(report?.bugReport.error.stack).toMatch(/stray/);
    expect(report?.msg).toMatch(/^BUG: .*Please report/);
  });

  it('reports an uncaught exception before the process ends', () => {
    const r = run("setTimeout(() => { throw new Error('boom'); }, 10);");
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/"bugReport":\{"kind":"uncaughtException".*"message":"boom"/);
  });
});
