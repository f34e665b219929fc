/**
 * Sandbox escape attempts and the tripwires that prove they touched nothing. Every attempt ends by handing
 * what it believes is the host's `process` to `pwn`, which writes a marker file, appends to the databases,
 * overwrites the key file and opens a socket to the tripwire server: if any of that happens, the escape
 * worked. Contained, each attempt fails on the way (no host object to be had) and must end in an error.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tripwire {
  readonly dir: string;
  readonly port: number;
  /** Files that must stay byte-identical. */
  readonly guarded: readonly string[];
  readonly live: readonly string[];
  readonly marker: string;
  connections(): number;
  /** What changed (empty when nothing did). */
  touched(): string[];
  close(): Promise<void>;
}

const TAMPER = 'tampered-by-strategy';
const digest = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

/**
 * `extra`: more files that must stay byte-identical. `live`: files their owner keeps writing (a running
 * host's databases): the attack appends to them too, and they must not end with what it appends.
 */
export async function tripwire(extra: readonly string[] = [], live: readonly string[] = []): Promise<Tripwire> {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-escape-'));
  const own = ['ledger.db', 'market.db', 'audit-key.pem'].map((n) => join(dir, n));
  for (const p of own) writeFileSync(p, `${p}\n${'x'.repeat(64)}\n`);
  const guarded = [...own, ...extra];
  const before = new Map(guarded.map((p) => [p, digest(p)]));
  const listing = readdirSync(dir).sort().join(',');
  let n = 0;
  const server: Server = createServer((s) => {
    n++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const marker = join(dir, 'escaped.txt');
  return {
    dir, port, guarded, live, marker,
    connections: () => n,
    touched: () => [
      ...guarded.filter((p) => !existsSync(p) || digest(p) !== before.get(p)),
      ...live.filter((p) => existsSync(p) && readFileSync(p).subarray(-TAMPER.length).toString() === TAMPER),
      ...(existsSync(marker) ? [marker] : []),
      ...(readdirSync(dir).sort().join(',') !== listing ? [`${dir} listing`] : []),
      ...(n > 0 ? [`${n} socket(s) to ${port}`] : []),
    ],
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** `pwn(p)`: what an attacker does with a host `process`. Placed in every attempt's source. */
export function pwnSource(t: Tripwire): string {
  const j = JSON.stringify;
  const files = [...t.guarded, ...t.live].map((p) => j(p)).join(', ');
  return `function pwn(p) {
  const fs = p.getBuiltinModule('fs');
  fs.writeFileSync(${j(t.marker)}, 'escaped');
  for (const f of [${files}]) fs.appendFileSync(f, '${TAMPER}');
  p.getBuiltinModule('net').connect(${t.port}, '127.0.0.1').on('error', () => {});
  p.env.KESTREL_ESCAPED = '1';
  throw new Error('ESCAPED');
}`;
}

export interface Attempt {
  readonly name: string;
  /**
   * Module source; `PWN` is replaced by the pwn function, `FIRST`/`LAST` by the bars to act on (a backtest
   * lets a few bars run normally first; a paper run starts at once).
   */
  readonly source: string;
  /** The error text the contained attempt ends with (checked against the run's error). */
  readonly expect: RegExp;
}

const onBar = (body: string): string => `PWN
export default {
  onCandle(ctx, bar) {
    if (ctx.bar() !== FIRST) return;
    ${body}
  },
};`;

/** Every known class of escape from a JS sandbox, each ending in an attempt to use the host. */
export const ATTEMPTS: readonly Attempt[] = [
  {
    name: 'stack overflow at the bridge: a host-realm RangeError, then its constructor chain',
    // Every frame on the way back up tries once more: one of them has just too little stack for the bridge.
    // Tried on many bars: as the code warms up (interpreter, baseline, optimised) frame sizes change.
    // equity() always crosses the bridge; position() is read inside the realm during onCandle.
    source: `PWN
export default {
  onCandle(ctx, bar) {
    if (ctx.bar() < FIRST) return;
    let host = null;
    const dive = () => { try { dive(); } catch (e) { if (!host) { try { ctx.equity(); ctx.position(); } catch (e2) { if (e2 && e2.constructor !== RangeError && e2.constructor !== Error) host = e2; } } throw e; } };
    try { dive(); } catch (e) {}
    if (host) pwn(host.constructor.constructor('return process')());
    if (ctx.bar() === LAST) throw new Error('no host-realm error');
  },
};`,
    expect: /no host-realm error|Code generation from strings disallowed/,
  },
  {
    name: 'errors thrown by host functions (bad indicator, NaN order, throwing toJSON), then their constructor chain',
    source: onBar(`const caught = [];
    try { ctx.indicator('no-such-indicator:3'); } catch (e) { caught.push(e); }
    try { ctx.buy(NaN); } catch (e) { caught.push(e); }
    try { ctx.order({ toJSON() { throw new TypeError('mine'); } }); } catch (e) { caught.push(e); }
    for (const e of caught) { try { pwn(e.constructor.constructor('return process')()); } catch (x) { if (String(x.message) === 'ESCAPED') throw x; } }
    pwn(caught[0].constructor.constructor('return process')());`),
    expect: /Code generation from strings disallowed/,
  },
  {
    name: 'constructor chains from ctx, its methods, the bar and the params',
    source: onBar(`const roots = [ctx, ctx.buy, ctx.now, bar, ctx.params, Object.getPrototypeOf(ctx.buy)];
    for (const r of roots) { try { pwn(r.constructor.constructor('return process')()); } catch (x) { if (String(x.message) === 'ESCAPED') throw x; } }
    pwn(ctx.constructor.constructor('return globalThis')().process);`),
    expect: /Code generation from strings disallowed/,
  },
  {
    name: '__proto__ and prototype pollution of what is passed in and out',
    source: onBar(`bar.__proto__.polluted = 'yes';
    Object.prototype.polluted = 'yes';
    Array.prototype.polluted = 'yes';
    try { Object.getPrototypeOf(ctx).polluted = 'yes'; } catch (e) {}
    ctx.order(JSON.parse('{"__proto__": {"polluted": "yes", "type": "limit"}, "constructor": {"prototype": {"polluted": "yes"}}, "side": "buy", "qty": 0.01}'));
    ctx.log({ toString() { return 'x'; }, __proto__: { polluted: 'yes' } });
    pwn(bar.__proto__.constructor.constructor('return process')());`),
    expect: /Code generation from strings disallowed/,
  },
  {
    name: 'builtins the context code uses patched (Array/Object prototypes, typed arrays, String, JSON), then constructor chains of all it returns',
    source: onBar(`const got = Object.create(null);
    let n = 0;
    const keep = (v) => { got[n++] = v; };
    Object.defineProperty(Array.prototype, '0', { get() { keep(this); return 'x'; }, set(v) { keep(v); }, configurable: true });
    Object.defineProperty(Object.prototype, '1', { get() { keep(this); return 'y'; }, set(v) { keep(v); }, configurable: true });
    for (const k of ['buffer', 'length', 'subarray']) Object.defineProperty(Float64Array.prototype, k, { get() { keep(this); return null; }, configurable: true });
    globalThis.String = function (x) { keep(x); return 'sma:3'; };
    JSON.parse = function (t) { keep(t); return {}; };
    keep(ctx.indicator('sma:7')); keep(ctx.indicator('sma:9')); keep(ctx.indicator('sma:9', undefined, 1));
    keep(ctx.position()); keep(ctx.close()); keep(ctx.equity()); keep(ctx.params); keep(bar); keep(new Date());
    for (let i = 0; i < n; i++) { const r = got[i]; if (r !== null && (typeof r === 'object' || typeof r === 'function')) { try { pwn(r.constructor.constructor('return process')()); } catch (x) { if (x && x.message === 'ESCAPED') throw x; } } }
    pwn((7).constructor.constructor('return process')());`),
    expect: /Code generation from strings disallowed/,
  },
  {
    name: 'async callback awaiting, then reaching for process',
    source: `PWN
export default { async onCandle(ctx) { if (ctx.bar() !== FIRST) return; await null; pwn(process); } };`,
    expect: /created a promise|plain synchronous function/,
  },
  {
    name: 'generator callback',
    source: `PWN
export default { *onCandle(ctx) { yield 1; pwn(process); } };`,
    expect: /must be a plain synchronous function/,
  },
  {
    name: 'microtask loop queued from a callback that returns in time',
    source: onBar(`Promise.resolve().then(function spin() { for (;;) {} });`),
    expect: /created a promise/,
  },
  {
    name: 'promise-job loop at the module top level',
    source: `PWN
Promise.resolve().then(() => { for (;;) {} });
export default { onCandle() {} };`,
    expect: /top level created a promise|Script execution timed out/,
  },
  {
    name: 'thenable chain and Array.fromAsync from a callback',
    source: onBar(`Array.fromAsync([1, 2]); ({ then(r) { r(); } });`),
    expect: /created a promise/,
  },
  {
    name: 'Proxy thrown as an error and passed as an order (traps fishing for host objects)',
    source: onBar(`let seen = [];
    const trap = new Proxy({}, { get(t, k, recv) { seen.push(recv); if (k === 'side') return 'buy'; if (k === 'qty') return 0.01; return undefined; }, ownKeys() { return ['side', 'qty']; }, getOwnPropertyDescriptor() { return { value: 1, enumerable: true, configurable: true }; } });
    ctx.order(trap);
    for (const r of seen.splice(0)) { try { pwn(r.constructor.constructor('return process')()); } catch (x) { if (String(x.message) === 'ESCAPED') throw x; } }
    throw new Proxy(new Error('proxy'), { getPrototypeOf() { for (;;) {} }, get() { for (;;) {} }, getOwnPropertyDescriptor() { for (;;) {} } });`),
    expect: /strategy error/,
  },
  {
    name: 'Error.prepareStackTrace collecting call sites of host frames',
    source: onBar(`const leaked = [];
    Error.prepareStackTrace = (e, sites) => { for (const s of sites) { try { const f = s.getFunction(); const t = s.getThis(); if (f) leaked.push(f); if (t) leaked.push(t); } catch (x) {} } return 'x'; };
    try { ctx.indicator('no-such-indicator:3'); } catch (e) { void e.stack; }
    void new Error('probe').stack;
    const dive = () => { try { dive(); } catch (e) { try { ctx.equity(); ctx.position(); } catch (e2) { void e2.stack; } throw e; } };
    try { dive(); } catch (e) {}
    for (const f of leaked) { try { pwn(f.constructor.constructor('return process')()); } catch (x) { if (String(x.message) === 'ESCAPED') throw x; } }
    pwn(process);`),
    expect: /process is not defined/,
  },
  {
    name: 'import() with comment tricks (refused before it runs)',
    source: `PWN
export default { onCandle(ctx) { import/* no */('node:fs').then((fs) => pwn({ getBuiltinModule: () => fs })); } };`,
    expect: /cannot import modules/,
  },
  {
    name: 'import() behind a line comment and newline (refused before it runs)',
    source: `PWN
export default { onCandle(ctx) { import // sneaky
  ('node:child_process'); } };`,
    expect: /cannot import modules/,
  },
  {
    name: 'import() spelled with an escape sequence',
    source: `PWN
export default { onCandle(ctx) { \\u0069mport('node:fs'); } };`,
    expect: /strategy|Keyword|escape|Invalid|Unexpected/i,
  },
  {
    name: 'WebAssembly compilation',
    source: onBar(`const m = new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    pwn(m);`),
    expect: /WebAssembly is not defined/,
  },
  {
    name: 'SharedArrayBuffer and Atomics.wait blocking the thread',
    source: onBar(`const a = new Int32Array(new SharedArrayBuffer(4));
    Atomics.wait(a, 0, 0);
    pwn(process);`),
    expect: /SharedArrayBuffer is not defined/,
  },
  {
    name: 'huge allocation on the heap',
    source: onBar(`const keep = []; for (;;) keep.push(new Array(1e6).fill(1.5));`),
    expect: /memory limit/,
  },
  {
    name: 'huge allocation off the heap (typed-array backing stores)',
    source: onBar(`const keep = []; for (;;) { const b = new Uint8Array(64 * 1024 * 1024); b.fill(7); keep.push(b); }`),
    expect: /memory limit|Array buffer allocation failed/,
  },
  {
    name: 'deep recursion',
    source: onBar(`const f = (n) => f(n + 1) + 1; f(0);`),
    expect: /Maximum call stack size exceeded/,
  },
  {
    name: 'reading process, require, module, Buffer and the host globalThis',
    source: onBar(`const seen = [typeof process, typeof require, typeof module, typeof Buffer, typeof setTimeout, typeof globalThis.process, typeof this];
    if (seen.slice(0, 6).some((t) => t !== 'undefined')) pwn(globalThis.process || process);
    const req = globalThis['req' + 'uire'];
    pwn(globalThis.process || (function () { return this; })().process || req('node:process'));`),
    expect: /is not a function|Cannot read properties of undefined/,
  },
  {
    name: 'Function and eval from strings in the sandbox realm',
    source: onBar(`let p; try { p = (0, eval)('process'); } catch (e) { p = Function('return process')(); } pwn(p);`),
    expect: /Code generation from strings disallowed|EvalError/,
  },
];

export function attemptSource(a: Attempt, t: Tripwire, bars: { first: number; last: number } = { first: 5, last: 40 }): string {
  return a.source.replace('PWN', pwnSource(t)).replaceAll('FIRST', String(bars.first)).replaceAll('LAST', String(bars.last));
}
