import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cwd = fileURLToPath(new URL('../../..', import.meta.url));
const eslint = new ESLint({ cwd });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [res] = await eslint.lintText(code, { filePath });
  return res!.messages.filter((m) => m.ruleId === 'kestrel/layers').map((m) => m.message);
}

describe('dependency rules are enforced by lint', () => {
  it.each([
    ['main/core/bad.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;", /Node module node:fs/],
    ['main/core/bad.ts', "import { app } from 'electron';\nexport const x = app;", /electron/],
    ['main/core/bad.ts', "import { openStores } from '../storage/index.ts';\nexport const x = openStores;", /main\/storage/],
    ['main/host/bad.ts', "import ccxt from 'ccxt';\nexport const x = ccxt;", /ccxt \(reserved to main\/venues\/ccxt\)/],
    ['main/storage/bad.ts', "import { app } from 'electron';\nexport const x = app;", /electron \(reserved/],
    ['renderer/features/bad.ts', "import { createHost } from '../../main/host/host.ts';\nexport const x = createHost;", /main\/host\/host\.ts/],
    ['renderer/features/bad.ts', "import Database from 'better-sqlite3';\nexport const x = Database;", /better-sqlite3/],
    ['main/contract/bad.ts', "import { pino } from 'pino';\nexport const x = pino;", /package pino/],
    ['workers/bad.ts', "import { createHost } from '../main/host/host.ts';\nexport const x = createHost;", /main\/host/],
  ])('%s: %s is refused', async (file, code, why) => {
    const found = await problems(file, code);
    expect(found.length).toBe(1);
    expect(found[0]).toMatch(why);
  });

  it('allows what the architecture allows', async () => {
    expect(await problems('main/core/ok.ts', "import { z } from 'zod';\nimport { canonicalJson } from './audit/canonical.ts';\nexport const x = [z, canonicalJson];")).toEqual([]);
    expect(await problems('renderer/features/ok.ts', "import { commands } from '../../main/contract/index.ts';\nexport const x = commands;")).toEqual([]);
    expect(await problems('main/app/ok.ts', "import { app } from 'electron';\nexport const x = app;")).toEqual([]);
  });
});

describe('import cycles are refused by lint', () => {
  it('reports a two-module cycle', async () => {
    const { mkdirSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const dir = join(cwd, 'main', 'core', `cycle-probe-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(join(dir, 'a.ts'), "import { b } from './b.ts';\nexport const a = () => b();\n");
      writeFileSync(join(dir, 'b.ts'), "import { a } from './a.ts';\nexport const b = () => a;\n");
      const results = await eslint.lintFiles([join(dir, 'a.ts')]);
      const rules = results.flatMap((r) => r.messages.map((m) => m.ruleId));
      expect(rules).toContain('import-x/no-cycle');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
