/**
 * Loads a code strategy (TS or JS source) into a node:vm context: no require, no import, no process, no
 * fetch, no timers, no eval/new Function on strings, no WebAssembly compilation; Math.random is seeded and
 * Date.now is the simulated clock, so runs are deterministic.
 *
 * The strategy never holds a host object. One host function (the bridge) is captured by a bootstrap
 * closure and removed from the global object before user code runs; it takes and returns only
 * primitives, and host errors come back as text and are re-thrown as the sandbox's own Error. Callbacks
 * go the other way the same way: the host calls one sandbox function with primitive arguments.
 *
 * CPU time and memory are limited by where this runs: a dedicated worker thread with resourceLimits and a
 * watchdog that terminates it when the strategy stops making progress (code-runner.ts). Module evaluation
 * itself also has a vm timeout.
 */
import vm from 'node:vm';
import { stripTypes } from './strip-types.ts';
import { StrategyError, ValidationError } from '../../main/core/errors.ts';
import type { CodeContext, CodeStrategyModule } from '../../main/core/strategy/code.ts';

const ERR = '\u0000kestrel-error:';

const BOOTSTRAP = `(function (bridge, ERR, seed, now) {
  'use strict';
  const call = (op, a, b, c) => {
    const r = bridge(op, a, b, c);
    if (typeof r === 'string' && r.startsWith(ERR)) throw new Error(r.slice(ERR.length));
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
  Date.now = function () { return call('now'); };
  let params;
  const ctx = Object.freeze({
    get symbol() { return call('symbol'); },
    get params() { return params || (params = Object.freeze(JSON.parse(call('params')))); },
    now: () => call('now'),
    bar: () => call('bar'),
    time: (a) => call('time', a), open: (a) => call('open', a), high: (a) => call('high', a), low: (a) => call('low', a),
    close: (a) => call('close', a), volume: (a) => call('volume', a),
    indicator: (spec, output, a) => call('indicator', String(spec), output === undefined ? undefined : String(output), a),
    position: () => call('position'), equity: () => call('equity'),
    buy: (q, tag) => call('buy', q, tag === undefined ? undefined : String(tag)),
    sell: (q, tag) => call('sell', q, tag === undefined ? undefined : String(tag)),
    target: (q, tag) => call('target', q, tag === undefined ? undefined : String(tag)),
    order: (o) => call('order', JSON.stringify(o === undefined ? null : o)),
    cancel: (id) => call('cancel', String(id)), cancelAll: () => call('cancelAll'),
    setTimer: (ms, name) => call('setTimer', ms, name === undefined ? undefined : String(name)),
    log: (m) => call('log', String(m)),
  });
  void RealDate; void now;
  const module = { exports: undefined };
  return {
    module,
    dispatch(name, a, b, c, d, e, f, g) {
      const m = module.exports;
      if (!m || typeof m[name] !== 'function') return;
      if (name === 'onCandle') m.onCandle(ctx, { ts: a, open: b, high: c, low: d, close: e, volume: f });
      else if (name === 'onFill') m.onFill(ctx, JSON.parse(a));
      else if (name === 'onTrade') m.onTrade(ctx, JSON.parse(a));
      else if (name === 'onTimer') m.onTimer(ctx, a);
      else if (name === 'onStart') m.onStart(ctx);
    },
    has(name) { const m = module.exports; return !!m && typeof m[name] === 'function'; },
    params() { const m = module.exports; return JSON.stringify(m && m.params && typeof m.params === 'object' ? m.params : {}); },
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
      js = stripTypes(source);
    } catch (e) {
      throw new ValidationError(`${fileName}: ${(e as Error).message}`, [{ path: fileName, message: 'not erasable TypeScript' }]);
    }
  }
  if (/^\s*import\s|\brequire\s*\(|\bimport\s*\(/m.test(js)) throw new ValidationError(`${fileName}: strategies cannot import modules (the context offers indicators, portfolio and orders)`, [{ path: fileName, message: 'import/require not allowed' }]);
  const n = (js.match(/^\s*export\s+default\s+/gm) ?? []).length;
  if (n !== 1) throw new ValidationError(`${fileName}: needs exactly one \`export default { onCandle(ctx, bar) {...}, ... }\``, [{ path: fileName, message: 'no default export' }]);
  if (/^\s*export\s+(?!default\s)/m.test(js)) throw new ValidationError(`${fileName}: only a default export is allowed`, [{ path: fileName, message: 'named export' }]);
  return js.replace(/^(\s*)export\s+default\s+/m, '$1__kestrelModule.exports = ');
}

interface Realm {
  dispatch(name: string, ...args: unknown[]): void;
  has(name: string): boolean;
  params(): string;
}

/** A fresh sandboxed instance of the strategy (one per symbol); `api` is bound on onStart. */
export function sandboxedModule(source: string, opts: LoadOptions = {}): CodeStrategyModule {
  const js = prepareSource(source, opts.fileName);
  const context = vm.createContext(Object.create(null), { name: 'kestrel-strategy', codeGeneration: { strings: false, wasm: false } });
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
  try {
    vm.runInContext(js, context, { filename: opts.fileName ?? 'strategy.js', timeout: opts.evalTimeoutMs ?? 2000 });
  } catch (e) {
    throw new StrategyError(`${opts.fileName ?? 'strategy'}: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    delete context.__kestrelModule;
  }
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
    try {
      dispatch(name, ...args);
    } catch (e) {
      if (e instanceof StrategyError) throw e;
      // A sandbox error object: read its message as text only.
      let msg = 'strategy error';
      try {
        msg = String((e as { message?: unknown })?.message ?? e);
      } catch {
        // message getter threw; keep the generic text
      }
      throw new StrategyError(msg);
    }
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
