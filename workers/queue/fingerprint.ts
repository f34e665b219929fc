/**
 * The engine fingerprint: one hash over every source file that decides a sweep row (the core, the paper
 * venue, the backtest tasks, the pool), plus the V8 version that runs them. Two processes with the same
 * fingerprint compute byte-identical rows; a queue worker only takes tasks stamped with its own fingerprint,
 * so a worker on another version never returns a row the desktop would have computed differently.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOTS = ['../../main/core', '../../main/venues/paper', '../backtest', '../pool.ts', '../tasks.ts'];

function files(path: string, out: string[]): void {
  if (statSync(path).isFile()) {
    if (/\.(ts|js)$/.test(path) && !path.endsWith('.d.ts')) out.push(path);
    return;
  }
  for (const name of readdirSync(path).sort()) files(join(path, name), out);
}

let cached: string | undefined;

/** 64 hex digits; KESTREL_ENGINE_FINGERPRINT overrides it (tests of a version mismatch only). */
export function engineFingerprint(): string {
  if (process.env.KESTREL_ENGINE_FINGERPRINT) return process.env.KESTREL_ENGINE_FINGERPRINT;
  if (cached) return cached;
  const here = fileURLToPath(new URL('.', import.meta.url));
  const list: string[] = [];
  for (const r of ROOTS) files(join(here, r), list);
  const h = createHash('sha256');
  h.update(`v8 ${process.versions.v8}\n`);
  for (const f of list) {
    h.update(`${relative(here, f)}\n`);
    h.update(readFileSync(f));
  }
  cached = h.digest('hex');
  return cached;
}
