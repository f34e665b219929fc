/**
 * Canonical JSON: object keys sorted by UTF-16 code unit, no whitespace, integers and decimal strings only.
 * The same value always serialises to the same bytes, which is what hash chains, determinism hashes and
 * signed exports need. Non-finite numbers, undefined inside arrays, functions and symbols are refused
 * rather than silently rewritten (JSON.stringify would turn NaN into null).
 */
export class CanonicalJsonError extends Error {
  override name = 'CanonicalJsonError';
}

export function canonicalJson(value: unknown): string {
  try {
    return write(value, 0);
  } catch (e) {
    throw refused(e);
  }
}

/**
 * Exactly `canonicalJson({ data: extra ? { ...data, ...extra } : data, kind, seq, ts })` — the body of an
 * audit entry (chain.ts) — written in one pass: the wrapper's keys are written in their sorted place around
 * the data, and `extra` (a session's stamp) is merged into the data's sorted keys as it is written, so
 * neither the stamped copy of the event nor the wrapper object is built. Hashed bytes, so the property
 * tests hold it to the reference encoder over arbitrary data and stamps.
 */
export function canonicalEntryBody(kind: string, seq: number, ts: number, data: unknown, extra?: object): string {
  if (typeof kind !== 'string' || !Number.isFinite(seq) || !Number.isFinite(ts)) return canonicalJson({ data: extra ? spread(data, extra) : data, kind, seq, ts });
  let head: string;
  try {
    if (extra === undefined) head = data === undefined ? '{' : `{"data":${write(data, 1)},`;
    else if (typeof data === 'object' && data !== null && !Array.isArray(data) && !ArrayBuffer.isView(data)) head = `{"data":${writeMerged(data as Record<string, unknown>, extra as Record<string, unknown>, 1)},`;
    else return canonicalJson({ data: spread(data, extra), kind, seq, ts });
  } catch (e) {
    throw refused(at(e, '.data'));
  }
  return `${head}"kind":${quote(kind)},"seq":${seq},"ts":${ts}}`;
}

function spread(data: unknown, extra: object): Record<string, unknown> {
  return { ...(data as object), ...extra };
}

function refused(e: unknown): unknown {
  return e instanceof Refusal ? new CanonicalJsonError(`${e.what} at $${e.path.reverse().join('')}`) : e;
}

/**
 * A refused value, its path collected while the stack unwinds: the hot path (every audit entry and ledger
 * row goes through here) builds no path strings at all.
 */
class Refusal extends Error {
  readonly path: string[] = [];
  readonly what: string;
  constructor(what: string) {
    super(what);
    this.what = what;
  }
}

function at(e: unknown, segment: string): unknown {
  if (e instanceof Refusal) e.path.push(segment);
  return e;
}

/**
 * `"key":` for the keys seen so far. Audit entries and ledger rows use a few dozen field names over and
 * over; JSON-quoting each one per entry was a good part of the encoder's time. Bounded, so hostile input
 * with endless distinct keys only misses the cache.
 */
const MAX_KEY_CACHE = 4096;
const keyPrefix = new Map<string, string>();
function prefix(k: string): string {
  let p = keyPrefix.get(k);
  if (p === undefined) {
    p = `${JSON.stringify(k)}:`;
    if (k.length <= 64 && keyPrefix.size < MAX_KEY_CACHE) keyPrefix.set(k, p);
  }
  return p;
}

/**
 * JSON.stringify of a string, without calling it for the usual case (ids, symbols, enums) where nothing
 * needs escaping: about half the encoder's calls. Quotes, backslashes, control characters and surrogates
 * (JSON.stringify escapes lone ones) take the real thing.
 */
function quote(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(s);
  }
  return `"${s}"`;
}

function write(v: unknown, depth: number): string {
  if (depth > 100) throw new Refusal('too deep');
  switch (typeof v) {
    case 'string':
      return quote(v);
    case 'number':
      if (!Number.isFinite(v)) throw new Refusal('non-finite number');
      return `${v}`; // finite: the same digits as JSON.stringify, -0 prints as 0
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return `"${v.toString()}"`;
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) return writeArray(v, depth);
      if (ArrayBuffer.isView(v)) return write(Array.from(v as unknown as ArrayLike<number>), depth + 1);
      return writeObject(v as Record<string, unknown>, depth);
    }
    default:
      throw new Refusal(`cannot serialise ${typeof v}`);
  }
}

function writeArray(v: readonly unknown[], depth: number): string {
  let out = '[';
  for (let i = 0; i < v.length; i++) {
    if (i) out += ',';
    const x = v[i];
    try {
      if (x === undefined) throw new Refusal('undefined');
      out += write(x, depth + 1);
    } catch (e) {
      throw at(e, `[${i}]`);
    }
  }
  return `${out}]`;
}

/**
 * Sorted key order by the insertion order it was computed for, found by the first key. The entries a
 * session writes come in a few dozen shapes (events, orders, fills, verdicts) whose keys are not in order,
 * and sorting them anew took most of the encoder's time; checking that an object's keys are exactly a
 * cached list is a pass of string compares. Bounded (shapes, key length, key count), so hostile input with
 * endless shapes only misses the cache.
 */
const MAX_SHAPES = 1024;
const MAX_SHAPES_PER_FIRST_KEY = 8;
const MAX_SHAPE_KEYS = 64;
interface Shape {
  readonly order: readonly string[];
  readonly sorted: readonly string[];
}
const shapes = new Map<string, Shape[]>();
let shapeCount = 0;

function sortedKeys(obj: Record<string, unknown>): readonly string[] {
  const keys = Object.keys(obj);
  const n = keys.length;
  if (n < 2) return keys;
  const first = keys[0]!;
  const known = shapes.get(first);
  if (known !== undefined) {
    for (const shape of known) {
      if (shape.order.length !== n) continue;
      let i = 1;
      while (i < n && shape.order[i] === keys[i]) i++;
      if (i === n) return shape.sorted;
    }
  }
  // `>` on strings compares UTF-16 code units, as the default sort does.
  let inOrder = true;
  for (let i = 1; i < n && inOrder; i++) inOrder = !(keys[i - 1]! > keys[i]!);
  if (inOrder) return keys;
  const sorted = [...keys].sort();
  if (n <= MAX_SHAPE_KEYS && first.length <= MAX_SHAPE_KEYS && shapeCount < MAX_SHAPES && (known?.length ?? 0) < MAX_SHAPES_PER_FIRST_KEY) {
    if (known) known.push({ order: keys, sorted });
    else shapes.set(first, [{ order: keys, sorted }]);
    shapeCount++;
  }
  return sorted;
}

function writeObject(obj: Record<string, unknown>, depth: number): string {
  const keys = sortedKeys(obj);
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const x = obj[k];
    if (x === undefined) continue;
    try {
      out += out.length === 1 ? prefix(k) + write(x, depth + 1) : `,${prefix(k)}${write(x, depth + 1)}`;
    } catch (e) {
      throw at(e, `.${k}`);
    }
  }
  return `${out}}`;
}

/** `writeObject({ ...obj, ...extra })` without the copy: both key lists sorted, merged; on a tie extra wins. */
function writeMerged(obj: Record<string, unknown>, extra: Readonly<Record<string, unknown>>, depth: number): string {
  if (depth > 100) throw new Refusal('too deep');
  const a = sortedKeys(obj);
  const b = sortedKeys(extra);
  let out = '{';
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let k: string;
    let x: unknown;
    if (j >= b.length || (i < a.length && a[i]! < b[j]!)) {
      k = a[i++]!;
      x = obj[k];
    } else {
      k = b[j++]!;
      if (i < a.length && a[i] === k) i++;
      x = extra[k];
    }
    if (x === undefined) continue;
    try {
      out += out.length === 1 ? prefix(k) + write(x, depth + 1) : `,${prefix(k)}${write(x, depth + 1)}`;
    } catch (e) {
      throw at(e, `.${k}`);
    }
  }
  return `${out}}`;
}

// ───────────── the same encoding, straight into UTF-8 bytes ─────────────

/**
 * A growable UTF-8 buffer the byte encoder writes into. The ledger keeps one and hashes and stores the
 * body from it: the body string, its UTF-8 copy for the hash and the one SQLite makes of it are not made.
 * `reset(at)` leaves `at` bytes in front for the caller (the ledger puts the previous link hash there, so
 * SHA-256(prev ‖ body) is one pass over one buffer).
 */
export class CanonicalBytes {
  bytes = new Uint8Array(16 * 1024);
  length = 0;

  reset(at = 0): void {
    this.length = at;
  }

  ensure(extra: number): Uint8Array {
    const need = this.length + extra;
    if (need > this.bytes.length) {
      const grown = new Uint8Array(Math.max(need, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    return this.bytes;
  }
}

const utf8 = new TextEncoder();

/**
 * UTF-8 of `canonicalEntryBody(kind, seq, ts, data, extra)`, appended to `out`; exactly those bytes (the
 * property tests hold it to the string encoder and so to the reference). Anything the fast writer does
 * not handle itself, and every refusal, goes through the string encoder, so errors are its errors.
 */
export function canonicalEntryBodyInto(out: CanonicalBytes, kind: string, seq: number, ts: number, data: unknown, extra?: object): void {
  const start = out.length;
  try {
    if (typeof kind === 'string' && Number.isSafeInteger(seq) && Number.isSafeInteger(ts) && typeof data === 'object' && data !== null && !Array.isArray(data) && !ArrayBuffer.isView(data)) {
      ascii(out, '{"data":');
      if (extra === undefined) bObject(out, data as Record<string, unknown>, undefined, 1);
      else bObject(out, data as Record<string, unknown>, extra as Record<string, unknown>, 1);
      ascii(out, ',"kind":');
      bString(out, kind);
      ascii(out, ',"seq":');
      bNumber(out, seq);
      ascii(out, ',"ts":');
      bNumber(out, ts);
      ascii(out, '}');
      return;
    }
  } catch (e) {
    if (!(e instanceof Refusal)) throw e;
  }
  out.length = start;
  text(out, canonicalEntryBody(kind, seq, ts, data, extra)); // the rare shapes, and the refusal with its path
}

function ascii(out: CanonicalBytes, s: string): void {
  const b = out.ensure(s.length);
  let n = out.length;
  for (let i = 0; i < s.length; i++) b[n++] = s.charCodeAt(i);
  out.length = n;
}

function text(out: CanonicalBytes, s: string): void {
  const b = out.ensure(s.length * 3);
  out.length += utf8.encodeInto(s, b.subarray(out.length)).written;
}

/** `"key":` as bytes, for the keys seen so far (bounded as the string cache is). */
const keyBytes = new Map<string, Uint8Array>();
function bKey(out: CanonicalBytes, k: string): void {
  let p = keyBytes.get(k);
  if (p === undefined) {
    p = utf8.encode(prefix(k));
    if (k.length <= 64 && keyBytes.size < MAX_KEY_CACHE) keyBytes.set(k, p);
  }
  const b = out.ensure(p.length);
  let n = out.length;
  for (let i = 0; i < p.length; i++) b[n++] = p[i]!;
  out.length = n;
}

/** Plain ASCII without escapes byte by byte; anything else as its JSON.stringify form (quote()). */
function bString(out: CanonicalBytes, s: string): void {
  const b = out.ensure(s.length + 2);
  let n = out.length;
  b[n++] = 0x22;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x80) {
      text(out, quote(s));
      return;
    }
    b[n++] = c;
  }
  b[n++] = 0x22;
  out.length = n;
}

/** Integers up to 2^31 (ticks, lots, counts: most numbers here) digit by digit, without a string. */
function bNumber(out: CanonicalBytes, v: number): void {
  if (!Number.isSafeInteger(v)) {
    if (!Number.isFinite(v)) throw new Refusal('non-finite number');
    return ascii(out, `${v}`);
  }
  const b = out.ensure(17);
  let n = out.length;
  let x = v < 0 ? -v : v;
  if (x > 0x7fffffff) return ascii(out, `${v}`); // beyond int32 arithmetic: let V8 print it
  if (v < 0) b[n++] = 0x2d;
  let len = 1;
  for (let t = x; t >= 10; t = (t / 10) | 0) len++;
  for (let i = n + len - 1; i >= n; i--) {
    b[i] = 0x30 + (x % 10);
    x = (x / 10) | 0;
  }
  out.length = n + len;
}

function bValue(out: CanonicalBytes, v: unknown, depth: number): void {
  if (depth > 100) throw new Refusal('too deep');
  switch (typeof v) {
    case 'string':
      return bString(out, v);
    case 'number':
      return bNumber(out, v);
    case 'boolean':
      return ascii(out, v ? 'true' : 'false');
    case 'object':
      if (v === null) return ascii(out, 'null');
      if (Array.isArray(v)) {
        ascii(out, '[');
        for (let i = 0; i < v.length; i++) {
          if (i) ascii(out, ',');
          const x: unknown = v[i];
          if (x === undefined) throw new Refusal('undefined');
          bValue(out, x, depth + 1);
        }
        return ascii(out, ']');
      }
      if (ArrayBuffer.isView(v)) throw new Refusal('typed array'); // rare: the string encoder writes it
      return bObject(out, v as Record<string, unknown>, undefined, depth);
    default:
      // bigint and what is refused: the string encoder (a bigint is a quoted decimal, never escaped)
      return text(out, write(v, depth));
  }
}

/** writeObject / writeMerged into bytes. */
function bObject(out: CanonicalBytes, obj: Record<string, unknown>, extra: Record<string, unknown> | undefined, depth: number): void {
  if (depth > 100) throw new Refusal('too deep');
  const a = sortedKeys(obj);
  const b = extra === undefined ? [] : sortedKeys(extra);
  ascii(out, '{');
  let first = true;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let k: string;
    let x: unknown;
    if (j >= b.length || (i < a.length && a[i]! < b[j]!)) {
      k = a[i++]!;
      x = obj[k];
    } else {
      k = b[j++]!;
      if (i < a.length && a[i] === k) i++;
      x = extra![k];
    }
    if (x === undefined) continue;
    if (!first) ascii(out, ',');
    first = false;
    bKey(out, k);
    bValue(out, x, depth + 1);
  }
  ascii(out, '}');
}
