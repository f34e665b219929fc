/**
 * Binary framing for transports that cannot carry typed arrays natively (WebSocket). Typed arrays travel as
 * raw bytes next to a JSON header instead of as JSON number lists, so a million candles cost one memcpy,
 * not a million number parses.
 *
 * Frame: u32 LE header length | header JSON (utf-8) | pad to 8 | buffer 0 | pad to 8 | buffer 1 ...
 * In the header each typed array is replaced by {"$bin": index, "$t": type}.
 */
const MAGIC_KEY = '$bin';
export const MAX_DEPTH = 64;

const ctors = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  BigInt64Array,
  BigUint64Array,
} as const;
type CtorName = keyof typeof ctors;
type AnyTyped = InstanceType<(typeof ctors)[CtorName]>;

export class WireFormatError extends Error {
  override name = 'WireFormatError';
  /** The call id, when the header was readable enough to tell, so the sender still gets its reply. */
  callId: number | null = null;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const pad8 = (n: number) => (n + 7) & ~7;

/**
 * `v` with every typed array replaced by its {"$bin"} marker (pushed to `buffers`), copying only the objects
 * and arrays on the way to one: the header is then written by JSON.stringify without a replacer, which calls
 * no JavaScript per value (a result's 20k trade rows cost a third of the time a replacer made them cost).
 */
function markBinary(v: unknown, buffers: AnyTyped[]): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (ArrayBuffer.isView(v)) {
    if (v instanceof DataView) return v;
    const name = v.constructor.name as CtorName;
    if (!(name in ctors)) throw new WireFormatError(`cannot encode ${name}`);
    buffers.push(v as AnyTyped);
    return { [MAGIC_KEY]: buffers.length - 1, $t: name, $n: (v as AnyTyped).length };
  }
  // What JSON.stringify would serialise through toJSON (dates) is left to it.
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (x === null || typeof x !== 'object') continue;
      const y = markBinary(x, buffers);
      if (y !== x) (out ??= v.slice())[i] = y;
    }
    return out ?? v;
  }
  let out: Record<string, unknown> | undefined;
  for (const k of Object.keys(v)) {
    const x: unknown = (v as Record<string, unknown>)[k];
    if (x === null || typeof x !== 'object') continue;
    const y = markBinary(x, buffers);
    if (y !== x) (out ??= { ...(v as Record<string, unknown>) })[k] = y;
  }
  return out ?? v;
}

export function encodeFrame(message: unknown): Uint8Array {
  const buffers: AnyTyped[] = [];
  const header = JSON.stringify(markBinary(message, buffers));
  const headerBytes = encoder.encode(header ?? 'null');
  let size = pad8(4 + headerBytes.length);
  for (const b of buffers) size += pad8(b.byteLength);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, headerBytes.length, true);
  out.set(headerBytes, 4);
  let off = pad8(4 + headerBytes.length);
  for (const b of buffers) {
    out.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), off);
    off += pad8(b.byteLength);
  }
  return out;
}

/**
 * Whether JSON text (as UTF-8 bytes) nests arrays/objects deeper than `max`, found by one linear scan
 * before parsing: a 64 MB frame of "[[[[" must cost a scan, not a parse that builds millions of arrays.
 * Bytes of multi-byte UTF-8 characters are never ASCII, so scanning bytes is exact.
 */
export function jsonNestsDeeperThan(bytes: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * The JSON text with every value nested below the top-level object replaced by 0: small and shallow, so
 * the call id of a refused frame can still be read and its sender gets a reply.
 */
function topLevelOnly(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    const keep = depth <= 1;
    if (inString) {
      if (keep) out.push(c);
      if (c === 0x5c) {
        if (keep && i + 1 < bytes.length) out.push(bytes[i + 1]!);
        i++;
      } else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth === 2) out.push(0x30);
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
      if (depth >= 1) continue;
    }
    if (depth <= 1) out.push(c);
  }
  return Uint8Array.from(out);
}

function tooDeep(bytes: Uint8Array): WireFormatError {
  const e = new WireFormatError(`payload nested deeper than ${MAX_DEPTH}`);
  try {
    const id = (JSON.parse(decoder.decode(topLevelOnly(bytes))) as { id?: unknown } | null)?.id;
    if (typeof id === 'number' && Number.isSafeInteger(id)) e.callId = id;
  } catch {
    // not even the top level parses: the reply goes out without an id
  }
  return e;
}

/** Parses a JSON text frame under the same depth limit binary frames have. */
export function decodeJsonText(bytes: Uint8Array): unknown {
  if (jsonNestsDeeperThan(bytes, MAX_DEPTH + 1)) throw tooDeep(bytes);
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch (e) {
    throw new WireFormatError(`text frame is not valid JSON: ${(e as Error).message}`);
  }
}

export function decodeFrame(frame: Uint8Array): unknown {
  if (frame.byteLength < 4) throw new WireFormatError('frame too short');
  const headerLen = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0, true);
  if (4 + headerLen > frame.byteLength) throw new WireFormatError('header length exceeds frame');
  const headerBytes = frame.subarray(4, 4 + headerLen);
  if (jsonNestsDeeperThan(headerBytes, MAX_DEPTH + 1)) throw tooDeep(headerBytes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(headerBytes));
  } catch (e) {
    throw new WireFormatError(`header is not valid JSON: ${(e as Error).message}`);
  }
  // Copy the body once into an aligned buffer so every typed array view is zero-copy from there on.
  const bodyStart = pad8(4 + headerLen);
  const body = frame.byteLength > bodyStart ? frame.slice(bodyStart) : new Uint8Array(0);
  let cursor = 0;
  let expected = 0;
  const revive = (v: unknown, depth: number): unknown => {
    if (depth > MAX_DEPTH) throw new WireFormatError(`payload nested deeper than ${MAX_DEPTH}`);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = revive(v[i], depth + 1);
      return v;
    }
    if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (Object.hasOwn(o, MAGIC_KEY)) {
        const idx = o[MAGIC_KEY];
        const t = o.$t;
        const n = o.$n;
        if (idx !== expected || typeof t !== 'string' || !Object.hasOwn(ctors, t) || typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
          throw new WireFormatError('bad binary reference');
        }
        expected++;
        const C = ctors[t as CtorName];
        const bytes = n * C.BYTES_PER_ELEMENT;
        if (cursor + bytes > body.byteLength) throw new WireFormatError('binary reference past end of frame');
        const view = new C(body.buffer, body.byteOffset + cursor, n);
        cursor += pad8(bytes);
        return view;
      }
      for (const k of Object.keys(o)) o[k] = revive(o[k], depth + 1);
      return o;
    }
    return v;
  };
  try {
    return revive(parsed, 0);
  } catch (e) {
    if (e instanceof WireFormatError && parsed !== null && typeof parsed === 'object') {
      const id = (parsed as { id?: unknown }).id;
      if (typeof id === 'number' && Number.isSafeInteger(id)) e.callId = id;
    }
    throw e;
  }
}
