/**
 * `npm run build:native`: compiles native/assembly/kernels.ts (AssemblyScript) to native/build/kernels.wasm
 * (gitignored). SIMD is required; memory is imported so the loader can give each call a fresh memory.
 * Also usable as a function: `await buildNative()` (tests call it when the .wasm is missing or stale).
 */
import { mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const NATIVE_SOURCE = fileURLToPath(new URL('./assembly/kernels.ts', import.meta.url));
export const NATIVE_WASM = fileURLToPath(new URL('./build/kernels.wasm', import.meta.url));

export function nativeIsStale(): boolean {
  try {
    return statSync(NATIVE_WASM).mtimeMs < statSync(NATIVE_SOURCE).mtimeMs;
  } catch {
    return true;
  }
}

export async function buildNative(): Promise<void> {
  mkdirSync(fileURLToPath(new URL('./build/', import.meta.url)), { recursive: true });
  const asc = (await import('assemblyscript/asc')).default;
  const errors: string[] = [];
  const { error } = await asc.main(
    [NATIVE_SOURCE, '--outFile', NATIVE_WASM, '--textFile', NATIVE_WASM.replace(/\.wasm$/, '.wat'), '-O3', '--runtime', 'stub', '--noAssert', '--importMemory', '--enable', 'simd', '--use', 'abort='],
    { stderr: { write: (s: string | Uint8Array) => void errors.push(String(s)) }, stdout: { write: () => {} } } as never,
  );
  if (error) throw new Error(`native build failed: ${error.message}\n${errors.join('')}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildNative();
  console.log(`built ${NATIVE_WASM}`);
}
