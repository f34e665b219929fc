/**
 * `npm run bench [-- name ...]`: runs test/bench/<name>.bench.ts in its own process each (one process per
 * comparison), with --expose-gc. Without names it runs them all.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOST_V8_FLAGS } from '../../main/host/v8-flags.ts';

const here = dirname(fileURLToPath(import.meta.url));
const all = readdirSync(here).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace(/\.bench\.ts$/, '')).sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${all.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const name of wanted.length ? wanted : all) {
  console.log(`# ${name}`);
  // The streams bench measures the host path, so it runs with the host process's V8 flags.
  const flags = name === 'streams' ? HOST_V8_FLAGS : [];
  const r = spawnSync(process.execPath, ['--expose-gc', ...flags, join(here, `${name}.bench.ts`)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
