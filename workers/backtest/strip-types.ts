/**
 * TypeScript → JavaScript by type stripping (node:module's stripTypeScriptTypes). Node marks that function
 * experimental and prints an ExperimentalWarning on its first call in every process and worker, so every
 * code-strategy run printed one. We use the API knowingly; exactly that warning is dropped, during the call
 * only. Every other warning, other experimental features' included, still prints.
 */
import { stripTypeScriptTypes } from 'node:module';

const OURS = 'stripTypeScriptTypes is an experimental feature';

export function stripTypes(source: string): string {
  const emit = process.emitWarning;
  process.emitWarning = function (warning: string | Error, ...rest: unknown[]): void {
    if ((typeof warning === 'string' ? warning : warning.message).startsWith(OURS)) return;
    (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return stripTypeScriptTypes(source, { mode: 'strip' });
  } finally {
    process.emitWarning = emit;
  }
}
