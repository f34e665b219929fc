/**
 * Loads a code strategy (TS or JS source) into a node:vm context. This is NOT the security boundary: it
 * runs only inside a sandbox process (workers/sandbox/, SANDBOX.md) that holds no key, no database, no file
 * access and no environment. The vm context is the first of two layers: it keeps the strategy away from
 * the sandbox process's own objects and makes runs deterministic (Math.random seeded, Date on the
 * simulated clock); no require, no import, no process, no fetch, no timers, no eval/new Function on
 * strings, no WebAssembly, no SharedArrayBuffer/Atomics.
 *
 * The strategy never holds an object of the outer realm. One outer function (the bridge) is captured by a
 * bootstrap closure and never exposed; it takes and returns only primitives, and anything it throws (even
 * a RangeError raised when the stack overflows on entry to it) is caught by the bootstrap and replaced by
 * an Error of the strategy's own realm. Callbacks go the other way the same way: one sandbox function,
 * primitive arguments. Callbacks are synchronous: a callback that creates a promise (async function,
 * await, Promise, thenable) or returns a generator is stopped with a StrategyError, and promise jobs it
 * queued never run (the context has its own microtask queue, never drained after loading).
 */
import vm from 'node:vm';
import { promiseHooks } from 'node:v8';
import { types } from 'node:util';
import { stripTypes } from './strip-types.ts';
import { StrategyError, ValidationError } from '../../main/core/errors.ts';
import type { CandleView, CodeContext, CodeStrategyModule } from '../../main/core/strategy/code.ts';

const ERR = '\u0000kestrel-error:';

/**
 * Values handed in for onCandle, in one Float64Array the bootstrap creates in the strategy's realm (the
 * outer code writes through its own view on the buffer; the strategy never sees either). Reads of them in
 * onCandle are realm-local: no crossing per ctx call.
 */
const IO = { valid: 0, now: 1, bar: 2, position: 3, candle: 4, args: 10, slots: 16 } as const;
/** Indicator outputs handed in per bar; more than this and the others are read through the bridge. */
const SLOTS = 64;

const BOOTSTRAP = `(function (bridge, ERR, seed, IO_LEN, SLOTS) {
  'use strict';
  // Globals are captured once: a lookup on a vm context's global object goes through Node's interceptors
  // (C++ callbacks, ~0.5 µs each), which would be most of the cost of a ctx call.
  const SError = Error, Str = String, imul = Math.imul, create = Object.create, parse = JSON.parse, stringify = JSON.stringify, freeze = Object.freeze, proto = Object.getPrototypeOf;
  // [valid, now, bar, position, ts, open, high, low, close, volume, 6 numbers of a fill or trade, indicator
  // slots...]: filled by the outer code before onCandle (valid = 1 while it runs), kept current after every
  // call that crosses; a fill's or trade's numbers before its callback.
  const io = new Float64Array(IO_LEN);
  const call = (op, a, b, c) => {
    let r;
    // Whatever the bridge throws (a host-realm RangeError when the stack overflows on entry) stays here:
    // only an Error of this realm reaches strategy code.
    try { r = bridge(op, a, b, c); } catch (e) { r = undefined; throw new SError('the strategy context refused ' + op + ' (stack exhausted?)'); }
    if (typeof r === 'string' && r.length >= ERR.length && r.slice(0, ERR.length) === ERR) throw new SError(r.slice(ERR.length));
    return r;
  };
  // Indicators read at bar 0-ago: (spec, output) -> slot, registered once through the bridge, then read here.
  // Objects without a prototype, compared with ===: no setter or getter the strategy's code could have
  // put on Array.prototype or Object.prototype is ever run by them.
  const slotSpec = create(null), slotOut = create(null), slotAt = create(null);
  let slots = 0, full = false;
  const slot = (spec, output) => {
    for (let j = 0; j < slots; j++) if (slotSpec[j] === spec && slotOut[j] === output) return slotAt[j];
    if (full) return -1;
    const k = call('slot', spec, output);
    if (typeof k !== 'number' || k < 0) { full = true; return -1; }
    slotSpec[slots] = spec; slotOut[slots] = output; slotAt[slots] = k; slots++;
    return k;
  };
  const now0 = (a) => a === undefined || a === 0;
  // As JSON would carry it (what strategies always received): non-finite as null, -0 as 0.
  const num = (x) => (x - x === 0 ? x + 0 : null);
  let s = seed >>> 0;
  Math.random = function random() {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const clock = () => (io[0] === 1 ? io[1] : call('now'));
  const RealDate = Date;
  // new Date() and Date() read the simulated clock too; dates built from values are unchanged.
  const SimDate = function Date(...args) {
    if (new.target === undefined) return new RealDate(clock()).toStr();
    return args.length ? new RealDate(...args) : new RealDate(clock());
  };
  SimDate.prototype = RealDate.prototype;
  RealDate.prototype.constructor = SimDate;
  SimDate.now = function now() { return clock(); };
  SimDate.UTC = RealDate.UTC;
  SimDate.parse = RealDate.parse;
  globalThis.Date = SimDate;
  let params, symbol;
  const ctx = freeze({
    get symbol() { return symbol === undefined ? (symbol = call('symbol')) : symbol; },
    get params() { return params || (params = freeze(parse(call('params')))); },
    now: () => clock(),
    bar: () => (io[0] === 1 ? io[2] : call('bar')),
    time: (a) => (io[0] === 1 && now0(a) ? io[4] : call('time', a)),
    open: (a) => (io[0] === 1 && now0(a) ? io[5] : call('open', a)),
    high: (a) => (io[0] === 1 && now0(a) ? io[6] : call('high', a)),
    low: (a) => (io[0] === 1 && now0(a) ? io[7] : call('low', a)),
    close: (a) => (io[0] === 1 && now0(a) ? io[8] : call('close', a)),
    volume: (a) => (io[0] === 1 && now0(a) ? io[9] : call('volume', a)),
    indicator: (spec, output, a) => {
      spec = Str(spec);
      output = output === undefined ? undefined : Str(output);
      if (io[0] === 1 && now0(a)) {
        const k = slot(spec, output);
        if (k >= 0) return io[SLOT0 + k];
      }
      return call('indicator', spec, output, a);
    },
    position: () => (io[0] === 1 ? io[3] : call('position')), equity: () => call('equity'),
    buy: (q, tag) => call('buy', q, tag === undefined ? undefined : Str(tag)),
    sell: (q, tag) => call('sell', q, tag === undefined ? undefined : Str(tag)),
    target: (q, tag) => call('target', q, tag === undefined ? undefined : Str(tag)),
    order: (o) => call('order', stringify(o === undefined ? null : o)),
    cancel: (id) => call('cancel', Str(id)), cancelAll: () => call('cancelAll'),
    setTimer: (ms, name) => call('setTimer', ms, name === undefined ? undefined : Str(name)),
    log: (m) => call('log', Str(m)),
  });
  const module = { exports: undefined };
  const Generator = proto(function* () {}).prototype, AsyncGenerator = proto(async function* () {}).prototype;
  const synchronous = (name, r) => {
    if (r === null || (typeof r !== 'object' && typeof r !== 'function')) return;
    const p = proto(proto(r) || {});
    if (p === Generator || p === AsyncGenerator || typeof r.then === 'function') throw new SError(name + ' must be a plain synchronous function (it returned a promise or generator)');
  };
  return {
    module,
    io: io.buffer,
    // onCandle in one crossing: everything it reads by default was written into io beforehand.
    candle() {
      const m = module.exports;
      if (!m || typeof m.onCandle !== 'function') return;
      synchronous('onCandle', m.onCandle(ctx, { ts: io[4], open: io[5], high: io[6], low: io[7], close: io[8], volume: io[9] }));
    },
    dispatch(name, a, b, c) {
      const m = module.exports;
      if (!m || typeof m[name] !== 'function') return;
      let r;
      if (name === 'onFill') r = m.onFill(ctx, { orderId: a, side: b, qty: num(io[ARGS]), price: num(io[ARGS + 1]), fee: num(io[ARGS + 2]), ts: num(io[ARGS + 3]), tag: c });
      else if (name === 'onTrade') r = m.onTrade(ctx, { side: a, qty: num(io[ARGS]), entryPrice: num(io[ARGS + 1]), exitPrice: num(io[ARGS + 2]), pnl: num(io[ARGS + 3]), entryTs: num(io[ARGS + 4]), exitTs: num(io[ARGS + 5]) });
      else if (name === 'onTimer') r = m.onTimer(ctx, a);
      else if (name === 'onStart') r = m.onStart(ctx);
      synchronous(name, r);
    },
    has(name) { const m = module.exports; return !!m && typeof m[name] === 'function'; },
    params() { const m = module.exports; return stringify(m && m.params && typeof m.params === 'object' ? m.params : {}); },
  };
})`.replace('SLOT0', String(IO.slots)).replaceAll('ARGS', String(IO.args));

export interface LoadOptions {
  readonly fileName?: string;
  readonly seed?: number;
  /** Budget for evaluating the module's top level. */
  readonly evalTimeoutMs?: number;
}

/** TS → JS (type stripping only) and `export default` → the sandbox's module slot; imports are refused. */
export function prepareSource(source: string, fileName = 'strategy.ts'): string {
  let js = source;
  if (/\.(ts|mts|cts)$/.test(fileName)) {
    try {
      js = stripTypes(source);
    } catch (e) {
      throw new ValidationError(`${fileName}: ${(e as Error).message}`, [{ path: fileName, message: 'not erasable TypeScript' }]);
    }
  }
  if (/^\s*import\s|\brequire\s*\(|\bimport\s*(?:\/\*[\s\S]*?\*\/\s*|\/\/[^\n]*\n\s*)*[(.]/m.test(js)) throw new ValidationError(`${fileName}: strategies cannot import modules (the context offers indicators, portfolio and orders)`, [{ path: fileName, message: 'import/require not allowed' }]);
  const n = (js.match(/^\s*export\s+default\s+/gm) ?? []).length;
  if (n !== 1) throw new ValidationError(`${fileName}: needs exactly one \`export default { onCandle(ctx, bar) {...}, ... }\``, [{ path: fileName, message: 'no default export' }]);
  if (/^\s*export\s+(?!default\s)/m.test(js)) throw new ValidationError(`${fileName}: only a default export is allowed`, [{ path: fileName, message: 'named export' }]);
  return js.replace(/^(\s*)export\s+default\s+/m, '$1__kestrelModule.exports = ');
}

let watching = false;
let promises = 0;
let hooked = false;

/** Runs `fn` and says whether any promise was created meanwhile (in any realm: V8's promise hook). */
function watchPromises(fn: () => void): boolean {
  if (!hooked) {
    hooked = true;
    promiseHooks.onInit(() => {
      if (watching) promises++;
    });
  }
  const outer = watching;
  const before = promises;
  watching = true;
  try {
    fn();
  } finally {
    watching = outer;
  }
  return promises !== before;
}

/**
 * An error thrown by strategy code as a StrategyError, reading nothing but a string `message`: the value
 * may be a Proxy, have throwing getters or come from any realm, and none of it is kept.
 */
function asStrategyError(e: unknown): StrategyError {
  if (!types.isProxy(e) && e instanceof StrategyError) return e;
  let msg = 'strategy error';
  if (typeof e === 'string') msg = e;
  else if (e !== null && typeof e === 'object' && !types.isProxy(e)) {
    // An own data property only: no getter, no prototype lookup, no strategy code runs here.
    const d = Reflect.getOwnPropertyDescriptor(e, 'message');
    if (d && typeof d.value === 'string') msg = d.value;
  }
  return new StrategyError(msg.slice(0, 2000));
}

interface Realm {
  readonly io: ArrayBuffer;
  candle(): void;
  dispatch(name: string, a?: unknown, b?: unknown, c?: unknown): void;
  has(name: string): boolean;
  params(): string;
}

/** A fresh sandboxed instance of the strategy (one per symbol); `api` is bound on onStart. */
export function sandboxedModule(source: string, opts: LoadOptions = {}): CodeStrategyModule {
  const js = prepareSource(source, opts.fileName);
  // Its own microtask queue: promise jobs queued by strategy code never run on the process's queue.
  const context = vm.createContext(Object.create(null), { name: 'kestrel-strategy', codeGeneration: { strings: false, wasm: false }, microtaskMode: 'afterEvaluate' });
  // Node puts nothing of its own into a fresh context; remove what V8 offers that could reach out or block.
  vm.runInContext('delete globalThis.WebAssembly; delete globalThis.SharedArrayBuffer; delete globalThis.Atomics;', context);
  let api: CodeContext | undefined;
  let paramsJson = '{}';
  // The indicator outputs handed in with each bar (registered by the strategy's first read of each).
  const slots: { spec: string; output: string | undefined }[] = [];
  /** Keeps what a crossing call may have changed (an order that filled) current for the realm-local reads. */
  const refresh = (): void => {
    if (view[IO.valid] === 1 && api) {
      view[IO.now] = api.now();
      view[IO.position] = api.position();
    }
  };
  const bridge = (op: string, a: unknown, b: unknown, c: unknown): unknown => {
    try {
      if (op === 'params') return paramsJson;
      if (!api) throw new StrategyError('the strategy context is not available during module evaluation');
      let r: unknown;
      switch (op) {
        case 'symbol': r = api.symbol; break;
        case 'order': r = api.order(JSON.parse(String(a))); break;
        case 'slot': {
          const spec = String(a), output = b === undefined ? undefined : String(b);
          // Checked (and its value computed) exactly as a read through the bridge would be.
          const v = api.indicator(spec, output, 0);
          let k = slots.findIndex((x) => x.spec === spec && x.output === output);
          if (k < 0 && slots.length < SLOTS) k = slots.push({ spec, output }) - 1;
          if (k >= 0) view[IO.slots + k] = v;
          r = k;
          break;
        }
        default: {
          const f = (api as unknown as Record<string, unknown>)[op];
          if (typeof f !== 'function') throw new StrategyError(`unknown context method ${op}`);
          r = (f as (x: unknown, y: unknown, z: unknown) => unknown)(a, b, c);
        }
      }
      refresh();
      if (r === undefined || r === null || typeof r === 'number' || typeof r === 'string' || typeof r === 'boolean') return r;
      return undefined;
    } catch (e) {
      return ERR + (e instanceof Error ? e.message : String(e));
    }
  };
  const boot = vm.runInContext(BOOTSTRAP, context, { timeout: 1000 }) as (br: unknown, err: string, seed: number, ioLength: number, slots: number) => Realm & { module: unknown };
  const realm = boot(bridge, ERR, opts.seed ?? 1, IO.slots + SLOTS, SLOTS);
  // Our own view on the realm's buffer, taken before any strategy code has run; the realm never sees it.
  // (The bridge above writes through it too: it is first called by strategy code, after this line.)
  const view = new Float64Array(realm.io);
  context.__kestrelModule = realm.module;
  let loadError: StrategyError | undefined;
  const created = watchPromises(() => {
    try {
      vm.runInContext(js, context, { filename: opts.fileName ?? 'strategy.js', timeout: opts.evalTimeoutMs ?? 2000 });
    } catch (e) {
      loadError = asStrategyError(e);
    } finally {
      delete context.__kestrelModule;
    }
  });
  if (loadError) throw new StrategyError(`${opts.fileName ?? 'strategy'}: ${loadError.message}`);
  if (created) throw new StrategyError(`${opts.fileName ?? 'strategy'}: the module's top level created a promise (async code or import()); strategies are synchronous`);
  if (!realm.has('onCandle') && !realm.has('onTimer')) throw new ValidationError(`${opts.fileName ?? 'strategy'}: the default export needs an onCandle (or onTimer) function`, [{ path: 'onCandle', message: 'missing' }]);
  let declared: Record<string, number> = {};
  try {
    declared = JSON.parse(realm.params()) as Record<string, number>;
  } catch {
    throw new ValidationError('strategy params must be plain numbers', [{ path: 'params', message: 'not serialisable' }]);
  }
  const run = (name: string, a?: unknown, b?: unknown, c?: unknown): void => {
    let failed: StrategyError | undefined;
    // A fill can arrive inside onCandle (an order that fills as it is placed): what io holds is onCandle's
    // start of bar, so the nested callback reads through the bridge; the bridge's refresh follows it.
    const outer = view[IO.valid]!;
    view[IO.valid] = 0;
    const created = watchPromises(() => {
      try {
        realm.dispatch(name, a, b, c);
      } catch (e) {
        failed = asStrategyError(e);
      } finally {
        view[IO.valid] = outer;
      }
    });
    if (failed) throw failed;
    if (created) throw new StrategyError(`${name} created a promise (async function, await, Promise or import()): strategy callbacks are synchronous; the strategy was stopped`);
  };
  /** Everything onCandle reads by default, written before the one crossing that calls it. */
  const fill = (ctx: CodeContext, b: CandleView): boolean => {
    try {
      view[IO.now] = ctx.now();
      view[IO.bar] = ctx.bar();
      view[IO.position] = ctx.position();
      view[IO.candle] = b.ts; view[IO.candle + 1] = b.open; view[IO.candle + 2] = b.high;
      view[IO.candle + 3] = b.low; view[IO.candle + 4] = b.close; view[IO.candle + 5] = b.volume;
      for (let k = 0; k < slots.length; k++) view[IO.slots + k] = ctx.indicator(slots[k]!.spec, slots[k]!.output, 0);
      return true;
    } catch {
      return false; // the reads cross instead, and fail there with their own message
    }
  };
  const candle = (): void => {
    let failed: StrategyError | undefined;
    const created = watchPromises(() => {
      try {
        realm.candle();
      } catch (e) {
        failed = asStrategyError(e);
      }
    });
    if (failed) throw failed;
    if (created) throw new StrategyError('onCandle created a promise (async function, await, Promise or import()): strategy callbacks are synchronous; the strategy was stopped');
  };
  return {
    params: declared,
    onStart(ctx) {
      api = ctx;
      paramsJson = JSON.stringify(ctx.params);
      run('onStart');
    },
    onCandle: realm.has('onCandle') ? (ctx, b) => {
      view[IO.valid] = fill(ctx, b) ? 1 : 0;
      try {
        candle();
      } finally {
        view[IO.valid] = 0;
      }
    } : undefined,
    // Numbers through io, strings as arguments: no JSON text per fill.
    onFill: realm.has('onFill') ? (_ctx, f) => {
      view[IO.args] = f.qty; view[IO.args + 1] = f.price; view[IO.args + 2] = f.fee; view[IO.args + 3] = f.ts;
      run('onFill', String(f.orderId), String(f.side), String(f.tag));
    } : undefined,
    onTrade: realm.has('onTrade') ? (_ctx, t) => {
      view[IO.args] = t.qty; view[IO.args + 1] = t.entryPrice; view[IO.args + 2] = t.exitPrice;
      view[IO.args + 3] = t.pnl; view[IO.args + 4] = t.entryTs; view[IO.args + 5] = t.exitTs;
      run('onTrade', String(t.side));
    } : undefined,
    onTimer: realm.has('onTimer') ? (_ctx, n) => run('onTimer', n) : undefined,
  };
}
