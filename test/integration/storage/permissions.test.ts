/**
 * The data directory is the owner's only: 0700, and 0600 for every file in it (databases with their
 * -wal/-shm, logs, the sealed key, the heads file), both for a fresh directory written by the app's own
 * process and for one an older version left world-readable.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'kestrel-perms-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const src = (p: string) => JSON.stringify(fileURLToPath(new URL(`../../../main/${p}`, import.meta.url)));

function modes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    out[rel || '.'] = (statSync(d).mode & 0o777).toString(8);
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p, rel ? `${rel}/${n}` : n);
      else out[rel ? `${rel}/${n}` : n] = (statSync(p).mode & 0o777).toString(8);
    }
  };
  walk(dir, '');
  return out;
}

/** Runs a headless host in its own process, the way `kestrel serve` sets it up, writes to every store, stops. */
function runHost(dataDir: string): void {
  const script = `process.umask(0o022);
import { privateUmask, tightenDataDir } from ${src('host/private-files.ts')};
import { createHost } from ${src('host/host.ts')};
privateUmask();
tightenDataDir(${JSON.stringify(dataDir)});
const host = await createHost({ mode: 'headless', dataDir: ${JSON.stringify(dataDir)} });
host.ctx.log.warn('a line for the log file');
host.services.audit.log.record('test.event', { n: 1 });
host.services.audit.checkpoint();
await host.close();
host.ctx.log.flush?.();`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, KESTREL_PAPER: '0', KESTREL_DEMO: '0', KESTREL_LOG: 'info' } });
  expect(r.status, r.stderr).toBe(0);
}

describe('data directory permissions', () => {
  it('a fresh data directory: 0700 and 0600 for everything in it', () => {
    const d = join(root, 'fresh');
    runHost(d);
    const m = modes(d);
    expect(Object.keys(m)).toEqual(expect.arrayContaining(['ledger.db', 'audit-signing-key.sealed', 'audit-heads.jsonl', 'logs/kestrel.log']));
    for (const [name, mode] of Object.entries(m)) expect(`${name} ${mode}`).toBe(`${name} ${statSync(join(d, name)).isDirectory() ? '700' : '600'}`);
  });

  it('tightens what an older version left world-readable', () => {
    const d = join(root, 'old');
    mkdirSync(join(d, 'logs'), { recursive: true, mode: 0o755 });
    chmodSync(d, 0o755);
    writeFileSync(join(d, 'logs', 'kestrel.log'), '{}\n', { mode: 0o644 });
    runHost(d);
    for (const [name, mode] of Object.entries(modes(d))) expect(`${name} ${mode}`).toBe(`${name} ${statSync(join(d, name)).isDirectory() ? '700' : '600'}`);
  });
});
