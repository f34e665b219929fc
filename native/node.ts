/**
 * Node-side loading of the wasm kernels (reads native/build/kernels.wasm with node:fs). Returns null with a
 * reason instead of throwing when the file is missing, SIMD is unsupported or KESTREL_NATIVE=0 asks for the
 * JS path, so callers fall back to the JS references.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { kernelsFromBytes, type NativeKernels, simdSupported } from './loader.ts';

export const WASM_PATH = fileURLToPath(new URL('./build/kernels.wasm', import.meta.url));

export function loadNodeKernels(): { kernels: NativeKernels | null; reason: string } {
  if (process.env.KESTREL_NATIVE === '0') return { kernels: null, reason: 'disabled by KESTREL_NATIVE=0' };
  if (!simdSupported()) return { kernels: null, reason: 'WebAssembly SIMD not supported by this runtime' };
  let bytes: Buffer;
  try {
    bytes = readFileSync(WASM_PATH);
  } catch {
    return { kernels: null, reason: `${WASM_PATH} not built (npm run build:native)` };
  }
  return { kernels: kernelsFromBytes(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)), reason: 'wasm' };
}
