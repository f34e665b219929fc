/**
 * The lazy command table: each line loads the command it names, with the summary `kestrel --help` shows, and
 * `kestrel --help` itself runs without loading any command module (which is what keeps it fast).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliCommands } from '../../../main/cli/commands/index.ts';

const root = join(import.meta.dirname, '..', '..', '..');

describe('kestrel command table', () => {
  it('every line loads its command, same name and summary', async () => {
    for (const e of cliCommands) {
      const cmd = await e.load();
      expect([cmd.name, cmd.summary]).toEqual([e.name, e.summary]);
      expect(cmd.usage).toMatch(new RegExp(`^kestrel ${e.name}`));
    }
  });

  it('--help lists every command without loading one', () => {
    // A loader hook would be heavier than this: run the entry with a module that throws on import of any command file.
    const r = spawnSync(process.execPath, ['--import', 'data:text/javascript,' + encodeURIComponent(`
      import { registerHooks } from 'node:module';
      registerHooks({ resolve(s, c, next) { const r = next(s, c); if (/cli\\/commands\\/(?!index)[a-z-]+\\.ts$/.test(r.url)) throw new Error('loaded ' + r.url); return r; } });
    `), join(root, 'main/cli/kestrel.ts'), '--help'], { encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/loaded/);
    expect(r.status).toBe(0);
    for (const e of cliCommands) expect(r.stdout).toContain(`${e.name}  `);
  });
});
