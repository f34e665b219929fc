/**
 * Instantiates native/build/kernels.wasm from bytes or a URL, without Node APIs (usable in browsers and
 * workers; Node's file loading is in native/node.ts). One instance per loaded kernel set works in one
 * WebAssembly.Memory that grows as needed and is reused across calls: a fresh memory per call spent most of
 * its time in page faults (measured: 8 EMAs over 1M values take ~3 ms of compute in warm memory and ~100 ms in
 * fresh memory on the loaded CI box). Results are copied out into the caller's arrays (`outs`) or fresh ones.
 */

export interface NativeKernels {
  /** Exactly 8 periods → 8 EMA series, written into `outs` when given (reused buffers), else fresh arrays. */
  ema8(src: Float64Array, periods: readonly number[], outs?: readonly Float64Array[]): Float64Array[];
  /**
   * Zero-copy variant for sweeps: the 8 EMA series as views of the kernel memory, valid only until the next
   * call into this kernel set (copy what must be kept). Saves writing and copying 64 bytes per input value.
   */
  ema8Scratch(src: Float64Array, periods: readonly number[]): Float64Array[];
  /**
   * The kernel memory's input slot for n values: fill it once and pass it as `src` to the 8-period kernels
   * to skip the input copy on every call (sweeps over many period groups). Valid until a call with a larger n.
   */
  input(n: number): Float64Array;
  sma8Scratch(src: Float64Array, periods: readonly number[]): Float64Array[];
  /** Exactly 8 periods → 8 SMA series (same output rules as ema8). */
  sma8(src: Float64Array, periods: readonly number[], outs?: readonly Float64Array[]): Float64Array[];
  covMatrix(series: readonly Float64Array[]): Float64Array;
  portfolioPnl(returns: readonly Float64Array[], weights: ArrayLike<number>): Float64Array;
}

interface Exports {
  ema8(src: number, n: number, periods: number, out: number): void;
  sma8(src: number, n: number, periods: number, out: number): void;
  covMatrix(x: number, k: number, t: number, means: number, out: number): void;
  portfolioPnl(r: number, w: number, k: number, t: number, out: number): void;
}

/** The slice of the WebAssembly JS API used here (the node-side tsconfig has no DOM lib, which declares it). */
interface WasmModule {
  readonly __brand?: 'WebAssembly.Module';
}
interface WasmApi {
  Module: new (bytes: ArrayBufferView | ArrayBuffer) => WasmModule;
  Instance: new (m: WasmModule, imports: object) => { exports: Record<string, unknown> };
  Memory: new (d: { initial: number }) => { buffer: ArrayBuffer; grow(pages: number): number };
  validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
  compile(bytes: ArrayBuffer): Promise<WasmModule>;
  compileStreaming(r: Response): Promise<WasmModule>;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** User data starts at 64 KiB, above the module's own static data (which lives near 1 KiB). */
const BASE = 65536;
const PAGE = 65536;

/** True when this engine validates a module using f64x2 (WebAssembly SIMD). */
export function simdSupported(): boolean {
  // (module (func (result v128) f64x2.splat (f64.const 0))) — hand-assembled, 30 bytes.
  const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 68, 0, 0, 0, 0, 0, 0, 0, 0, 253, 20, 11]);
  try {
    return WA.validate(bytes);
  } catch {
    return false;
  }
}

function checkPeriods(periods: readonly number[]): void {
  if (periods.length !== 8 || periods.some((p) => !Number.isInteger(p) || p < 1)) throw new RangeError('ema8/sma8 need exactly 8 integer periods >= 1');
}

export function kernelsFromModule(module: WasmModule): NativeKernels {
  const memory = new WA.Memory({ initial: 2 });
  const x = new WA.Instance(module, { env: { memory } }).exports as unknown as Exports;
  let pages = 2;
  /** The memory's buffer with at least `bytes` bytes past BASE (grown as needed; never shrinks). */
  const instance = (bytes: number): { x: Exports; buf: ArrayBuffer } => {
    const need = Math.ceil((BASE + bytes) / PAGE);
    if (need > pages) {
      memory.grow(need - pages);
      pages = need;
    }
    return { x, buf: memory.buffer };
  };
  const multi = (fn: 'ema8' | 'sma8') => (src: Float64Array, periods: readonly number[], outs?: readonly Float64Array[] | 'scratch'): Float64Array[] => {
    checkPeriods(periods);
    const n = src.length;
    if (outs && outs !== 'scratch' && (outs.length !== 8 || outs.some((o) => o.length !== n))) throw new RangeError(`${fn}: outs must be 8 arrays of length ${n}`);
    const { buf } = instance(64 + 8 * n + 64 * n);
    const pp = BASE;
    const sp = pp + 64;
    const op = sp + 8 * n;
    new Float64Array(buf, pp, 8).set(periods);
    if (src.buffer !== buf || src.byteOffset !== sp) new Float64Array(buf, sp, n).set(src);
    x[fn](sp, n, pp, op);
    return periods.map((_, k) => {
      const view = new Float64Array(buf, op + 8 * n * k, n);
      if (outs === 'scratch') return view;
      if (!outs) return view.slice();
      outs[k]!.set(view);
      return outs[k]!;
    });
  };
  return {
    ema8: multi('ema8'),
    sma8: multi('sma8'),
    ema8Scratch: (src, periods) => multi('ema8')(src, periods, 'scratch'),
    input: (n) => new Float64Array(instance(64 + 8 * n + 64 * n).buf, BASE + 64, n),
    sma8Scratch: (src, periods) => multi('sma8')(src, periods, 'scratch'),
    covMatrix(series) {
      const k = series.length;
      const t = k ? series[0]!.length : 0;
      const { buf } = instance(8 * (k * t + k + k * k));
      const xp = BASE;
      series.forEach((s, a) => new Float64Array(buf, xp + 8 * t * a, t).set(s));
      const mp = xp + 8 * k * t;
      const op = mp + 8 * k;
      x.covMatrix(xp, k, t, mp, op);
      return new Float64Array(buf, op, k * k).slice();
    },
    portfolioPnl(returns, weights) {
      const k = returns.length;
      const t = k ? returns[0]!.length : 0;
      const { buf } = instance(8 * (k * t + k + t));
      const rp = BASE;
      returns.forEach((s, j) => new Float64Array(buf, rp + 8 * t * j, t).set(s));
      const wp = rp + 8 * k * t;
      new Float64Array(buf, wp, k).set(Array.from({ length: k }, (_, j) => weights[j]!));
      const op = wp + 8 * k;
      x.portfolioPnl(rp, wp, k, t, op);
      return new Float64Array(buf, op, t).slice();
    },
  };
}

/** Synchronous compile: fine in Node and in workers (browsers limit sync compiles on their main thread). */
export function kernelsFromBytes(bytes: ArrayBufferView | ArrayBuffer): NativeKernels {
  return kernelsFromModule(new WA.Module(bytes));
}

/** Browser (and any fetch-capable runtime): fetch and compile, streaming when the server sends application/wasm. */
export async function kernelsFromUrl(url: string | URL): Promise<NativeKernels> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot load ${String(url)}: HTTP ${res.status}`);
  const module = res.headers.get('content-type')?.startsWith('application/wasm') ? await WA.compileStreaming(res) : await WA.compile(await res.arrayBuffer());
  return kernelsFromModule(module);
}

/** Where the built module sits relative to this file, for bundlers and browsers: `kernelsFromUrl(KERNELS_URL)`. */
export const KERNELS_URL = new URL('./build/kernels.wasm', import.meta.url);
