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
import { stripTypeScriptTypes } from 'node:module';
import { promiseHooks } from 'node:v8';
import { types } from 'node:util';
import { StrategyError, ValidationError } from '../../main/core/errors.ts';
import type { CodeContext, CodeStrategyModule } from '../../main/core/strategy/code.ts';

const ERR = '\u0000kestrel-error:';

const BOOTSTRAP = `(function (bridge, ERR, seed, now) {
  'use strict';
  const SError = Error, parse = JSON.parse, stringify = JSON.stringify, freeze = Object.freeze, proto = Object.getPrototypeOf;
  const call = (op, a, b, c) => {
    let r;
    // Whatever the bridge throws (a host-realm RangeError when the stack overflows on entry) stays here:
    // only an Error of this realm reaches strategy code.
    try { r = bridge(op, a, b, c); } catch (e) { r = undefined; throw new SError('the strategy context refused ' + op + ' (stack exhausted?)'); }
    if (typeof r === 'string' && r.length >= ERR.length && r.slice(0, ERR.length) === ERR) throw new SError(r.slice(ERR.length));
    return r;
  };
  let s = seed >>> 0;
  Math.random = function random() {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const RealDate = Date;
  // new Date() and Date() read the simulated clock too; dates built from values are unchanged.
  const SimDate = function Date(...args) {
    if (new.target === undefined) return new RealDate(call('now')).toString();
    return args.length ? new RealDate(...args) : new RealDate(call('now'));
  };
  SimDate.prototype = RealDate.prototype;
  RealDate.prototype.constructor = SimDate;
  SimDate.now = function now() { return call('now'); };
  SimDate.UTC = RealDate.UTC;
  SimDate.parse = RealDate.parse;
  globalThis.Date = SimDate;
  let params;
  const ctx = freeze({
    get symbol() { return call('symbol'); },
    get params() { return params || (params = freeze(parse(call('params')))); },
    now: () => call('now'),
    bar: () => call('bar'),
    time: (a) => call('time', a), open: (a) => call('open', a), high: (a) => call('high', a), low: (a) => call('low', a),
    close: (a) => call('close', a), volume: (a) => call('volume', a),
    indicator: (spec, output, a) => call('indicator', String(spec), output === undefined ? undefined : String(output), a),
    position: () => call('position'), equity: () => call('equity'),
    buy: (q, tag) => call('buy', q, tag === undefined ? undefined : String(tag)),
    sell: (q, tag) => call('sell', q, tag === undefined ? undefined : String(tag)),
    target: (q, tag) => call('target', q, tag === undefined ? undefined : String(tag)),
    order: (o) => call('order', stringify(o === undefined ? null : o)),
    cancel: (id) => call('cancel', String(id)), cancelAll: () => call('cancelAll'),
    setTimer: (ms, name) => call('setTimer', ms, name === undefined ? undefined : String(name)),
    log: (m) => call('log', String(m)),
  });
  void now;
  const module = { exports: undefined };
  const Generator = proto(function* () {}).prototype, AsyncGenerator = proto(async function* () {}).prototype;
  const synchronous = (name, r) => {
    if (r === null || (typeof r !== 'object' && typeof r !== 'function')) return;
    const p = proto(proto(r) || {});
    if (p === Generator || p === AsyncGenerator || typeof r.then === 'function') throw new SError(name + ' must be a plain synchronous function (it returned a promise or generator)');
  };
  return {
    module,
    dispatch(name, a, b, c, d, e, f, g) {
      const m = module.exports;
      if (!m || typeof m[name] !== 'function') return;
      let r;
      if (name === 'onCandle') r = m.onCandle(ctx, { ts: a, open: b, high: c, low: d, close: e, volume: f });
      else if (name === 'onFill') r = m.onFill(ctx, parse(a));
      else if (name === 'onTrade') r = m.onTrade(ctx, parse(a));
      else if (name === 'onTimer') r = m.onTimer(ctx, a);
      else if (name === 'onStart') r = m.onStart(ctx);
      synchronous(name, r);
    },
    has(name) { const m = module.exports; return !!m && typeof m[name] === 'function'; },
    params() { const m = module.exports; return stringify(m && m.params && typeof m.params === 'object' ? m.params : {}); },
  };
})`;

export interface LoadOptions {
  readonly fileName?: string;
  readonly seed?: number;
  /** Budget for evaluating the module's top level. */
  readonly evalTimeoutMs?: number;
  /**
   * CPU budget for EACH callback (onCandle, onFill, ...). For strategies running in-process (paper mode),
   * where no worker watchdog can stop an endless loop. Off in backtest workers: a vm timeout per call costs
   * a watchdog per bar there, and the worker's own watchdog covers it.
   */
  readonly callTimeoutMs?: number;
}

/** TS → JS (type stripping only) and `export default` → the sandbox's module slot; imports are refused. */
export function prepareSource(source: string, fileName = 'strategy.ts'): string {
  let js = source;
  if (/\.(ts|mts|cts)$/.test(fileName)) {
    try {
      js = stripTypeScriptTypes(source, { mode: 'strip' });
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
  dispatch(name: string, ...args: unknown[]): void;
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
  const bridge = (op: string, a: unknown, b: unknown, c: unknown): unknown => {
    try {
      if (op === 'params') return paramsJson;
      if (!api) throw new StrategyError('the strategy context is not available during module evaluation');
      let r: unknown;
      switch (op) {
        case 'symbol': r = api.symbol; break;
        case 'order': r = api.order(JSON.parse(String(a))); break;
        default: {
          const f = (api as unknown as Record<string, unknown>)[op];
          if (typeof f !== 'function') throw new StrategyError(`unknown context method ${op}`);
          r = (f as (x: unknown, y: unknown, z: unknown) => unknown)(a, b, c);
        }
      }
      if (r === undefined || r === null || typeof r === 'number' || typeof r === 'string' || typeof r === 'boolean') return r;
      return undefined;
    } catch (e) {
      return ERR + (e instanceof Error ? e.message : String(e));
    }
  };
  const boot = vm.runInContext(BOOTSTRAP, context, { timeout: 1000 }) as (br: unknown, err: string, seed: number, now: number) => Realm & { module: unknown };
  const realm = boot(bridge, ERR, opts.seed ?? 1, 0);
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
  const budget = opts.callTimeoutMs;
  // With a budget, the call enters through runInContext so V8 can interrupt it; only primitives (a name
  // and a JSON string) cross into the sandbox, which parses them with its own JSON.
  const dispatch = budget
    ? (name: string, ...args: unknown[]) => {
        context.__kestrelRealm = realm;
        context.__kestrelCall = name;
        context.__kestrelArgs = JSON.stringify(args);
        try {
          vm.runInContext('__kestrelRealm.dispatch.apply(null, [__kestrelCall].concat(JSON.parse(__kestrelArgs)))', context, { timeout: budget });
        } catch (e) {
          // The timeout error may come from another realm: recognise it by its code, not instanceof.
          if ((e as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new StrategyError(`${name} ran longer than its ${budget} ms budget (endless loop?); the strategy was stopped`);
          throw e;
        } finally {
          delete context.__kestrelRealm;
          delete context.__kestrelCall;
          delete context.__kestrelArgs;
        }
      }
    : (name: string, ...args: unknown[]) => realm.dispatch(name, ...args);
  const run = (name: string, ...args: unknown[]): void => {
    let failed: StrategyError | undefined;
    const created = watchPromises(() => {
      try {
        dispatch(name, ...args);
      } catch (e) {
        failed = asStrategyError(e);
      }
    });
    if (failed) throw failed;
    if (created) throw new StrategyError(`${name} created a promise (async function, await, Promise or import()): strategy callbacks are synchronous; the strategy was stopped`);
  };
  return {
    params: declared,
    onStart(ctx) {
      api = ctx;
      paramsJson = JSON.stringify(ctx.params);
      run('onStart');
    },
    onCandle: realm.has('onCandle') ? (_ctx, b) => run('onCandle', b.ts, b.open, b.high, b.low, b.close, b.volume) : undefined,
    onFill: realm.has('onFill') ? (_ctx, f) => run('onFill', JSON.stringify(f)) : undefined,
    onTrade: realm.has('onTrade') ? (_ctx, t) => run('onTrade', JSON.stringify(t)) : undefined,
    onTimer: realm.has('onTimer') ? (_ctx, n) => run('onTimer', n) : undefined,
  };
}
