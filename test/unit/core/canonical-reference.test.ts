/**
 * The fast canonicalJson (no path strings on the hot path) against the straightforward reference it
 * replaced: audit chains and ledger rows hash these bytes, so they must not move by one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CanonicalBytes, CanonicalJsonError, canonicalEntryBody, canonicalEntryBodyInto, canonicalJson } from '../../../main/core/audit/canonical.ts';

function reference(value: unknown): string {
  const out: string[] = [];
  const write = (v: unknown, depth: number, path: string): void => {
    if (depth > 100) throw new CanonicalJsonError(`too deep at ${path}`);
    switch (typeof v) {
      case 'string': return void out.push(JSON.stringify(v));
      case 'number':
        if (!Number.isFinite(v)) throw new CanonicalJsonError(`non-finite number at ${path}`);
        return void out.push(Object.is(v, -0) ? '0' : JSON.stringify(v));
      case 'boolean': return void out.push(v ? 'true' : 'false');
      case 'bigint': return void out.push(JSON.stringify(v.toString()));
      case 'object': {
        if (v === null) return void out.push('null');
        if (Array.isArray(v)) {
          out.push('[');
          v.forEach((x, i) => {
            if (i) out.push(',');
            if (x === undefined) throw new CanonicalJsonError(`undefined at ${path}[${i}]`);
            write(x, depth + 1, `${path}[${i}]`);
          });
          return void out.push(']');
        }
        if (ArrayBuffer.isView(v)) return write(Array.from(v as unknown as ArrayLike<number>), depth + 1, path);
        const obj = v as Record<string, unknown>;
        const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
        out.push('{');
        keys.forEach((k, i) => {
          if (i) out.push(',');
          out.push(JSON.stringify(k), ':');
          write(obj[k], depth + 1, `${path}.${k}`);
        });
        return void out.push('}');
      }
      default: throw new CanonicalJsonError(`cannot serialise ${typeof v} at ${path}`);
    }
  };
  write(value, 0, '$');
  return out.join('');
}

const outcome = (f: () => string): string => {
  try {
    return `ok ${f()}`;
  } catch (e) {
    return `${(e as Error).name} ${(e as Error).message}`;
  }
};

describe('canonicalJson against its reference', () => {
  it('gives the same bytes, or the same refusal, for any value', () => {
    const leaf = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('"', '\\', '\u0000', '\u001f', '\u007f', '\u2028', '\ud800x', 'a\udfff'), fc.double(), fc.integer(), fc.bigInt(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constant(-0), fc.constant(Number.NaN));
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value')), fc.dictionary(fc.string(), tie('value')), fc.constant(new Int32Array([1, -2, 3]))),
    }));
    fc.assert(fc.property(value, (v) => {
      expect(outcome(() => canonicalJson(v))).toBe(outcome(() => reference(v)));
    }), { numRuns: 2000 });
  });

  it('sorts keys the same whatever order they were inserted in (integer-like, astral and lone-surrogate keys too)', () => {
    const key = fc.oneof(fc.string({ maxLength: 3 }), fc.constantFrom('10', '9', '0', '01', 'a', 'B', 'é', '😀', '\ud800', '\uffff', ''));
    fc.assert(fc.property(fc.uniqueArray(key, { maxLength: 12 }), fc.array(fc.nat()), (keys, perm) => {
      const shuffled = [...keys];
      perm.forEach((p, i) => {
        const j = p % shuffled.length;
        [shuffled[i % shuffled.length], shuffled[j]] = [shuffled[j]!, shuffled[i % shuffled.length]!];
      });
      const a = Object.fromEntries(keys.map((k, i) => [k, i]));
      const b = Object.fromEntries(shuffled.map((k) => [k, keys.indexOf(k)]));
      expect(canonicalJson(b)).toBe(canonicalJson(a));
      expect(canonicalJson(a)).toBe(reference(a));
    }), { numRuns: 1000 });
  });

  it('names the path of a refused value as before', () => {
    const v = { a: [1, { b: [2, Number.POSITIVE_INFINITY] }] };
    expect(outcome(() => canonicalJson(v))).toBe('CanonicalJsonError non-finite number at $.a[1].b[1]');
    expect(outcome(() => canonicalJson(v))).toBe(outcome(() => reference(v)));
    let deep: unknown = 1;
    for (let i = 0; i < 120; i++) deep = [deep];
    expect(outcome(() => canonicalJson(deep))).toBe(outcome(() => reference(deep)));
  });
});

/**
 * The audit entry body written in one pass (canonicalEntryBody: wrapper keys around the data, a session
 * stamp merged into the data's keys) against the reference encoder of the object it stands for.
 */
describe('canonicalEntryBody against the reference of { data: { ...data, ...extra }, kind, seq, ts }', () => {
  const leaf = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('"', '\\', '\u0000', '\ud800x', 'é😀'), fc.double(), fc.integer(), fc.maxSafeInteger(), fc.constantFrom(-0, 9, 10, -10, 2 ** 53 - 1, -(2 ** 53) + 1, 2 ** 53, 1e21, 1_700_000_000_000), fc.bigInt(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constant(-0), fc.constant(Number.NaN));
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value')), fc.dictionary(fc.string(), tie('value'))),
  }));
  // Stamp-like and event-like keys collide on purpose: the stamp must win a tie, and an undefined one must drop the key.
  const key = fc.oneof(fc.constantFrom('account', 'session', 'sessionSeq', 'strategyVersion', 'utc', 'type', 'ts', 'payload', 'symbol', 'data', 'seq', '', 'Z', '😀', '\ud800', '10', '9'), fc.string({ maxLength: 3 }));
  const record = fc.dictionary(key, value, { maxKeys: 10 });
  const reference = (kind: unknown, seq: unknown, ts: unknown, data: unknown, extra?: object): string =>
    outcome(() => canonicalJson({ data: extra ? { ...(data as object), ...extra } : data, kind, seq, ts }));

  // The byte writer (what the ledger hashes and stores) as UTF-8 of the string one, after `front` bytes kept for the caller.
  const out = new CanonicalBytes();
  const intoBytes = (front: number, kind: string, seq: number, ts: number, data: unknown, extra?: object): string => {
    out.reset(front);
    out.ensure(front).fill(7, 0, front);
    try {
      canonicalEntryBodyInto(out, kind, seq, ts, data, extra);
    } catch (e) {
      return `${(e as Error).name} ${(e as Error).message}`;
    }
    expect(out.bytes.subarray(0, front).every((b) => b === 7)).toBe(true);
    const bytes = Buffer.from(out.bytes.subarray(front, out.length));
    const text = canonicalEntryBody(kind, seq, ts, data, extra);
    expect(bytes.equals(Buffer.from(new TextEncoder().encode(text)))).toBe(true);
    return `ok ${text}`;
  };

  it('gives the same bytes, or the same refusal, for any data and stamp (string and UTF-8 writers)', () => {
    fc.assert(fc.property(fc.string(), fc.integer(), fc.oneof(fc.integer(), fc.double()), fc.oneof(record, value), fc.option(record, { nil: undefined }), fc.constantFrom(0, 32), (kind, seq, ts, data, extra, front) => {
      const expected = reference(kind, seq, ts, data, extra);
      expect(outcome(() => canonicalEntryBody(kind, seq, ts, data, extra))).toBe(expected);
      expect(intoBytes(front, kind, seq, ts, data, extra)).toBe(expected);
    }), { numRuns: 2000 });
  });

  it('the UTF-8 writer grows past its buffer and keeps what came before', () => {
    for (const n of [10, 20_000, 70_000, 5]) {
      const data = { note: 'é😀x"\\'.repeat(n), list: Array.from({ length: n % 1000 }, (_, i) => ({ i, s: `s${i}` })), big: 10n ** 30n, t: new Int32Array([1, -2]) };
      expect(intoBytes(32, 'fill', n, 1, data, { session: 'S', utc: 'é' })).toBe(reference('fill', n, 1, data, { session: 'S', utc: 'é' }));
    }
  });

  it('for stamped kernel-shaped events, whatever order their keys came in, and names refused paths as before', () => {
    const event = { type: 'order', ts: 5, symbol: 'BTC/USDT', payload: { event: 'filled', order: { qty: 1, price: 3n, id: 'é' } } };
    const stamp = { session: 'S', sessionSeq: 7, account: 'acc', utc: '1970-01-01T00:00:00.005Z', strategyVersion: 'f'.repeat(64) };
    for (const e of [event, { payload: event.payload, symbol: 'BTC/USDT', ts: 5, type: 'order' }, { ...event, session: 'old', account: undefined, utc: 1 }]) {
      expect(canonicalEntryBody('order', 3, 5, e, stamp)).toBe(reference('order', 3, 5, e, stamp).slice(3));
      expect(canonicalEntryBody('order', 3, 5, e)).toBe(reference('order', 3, 5, e).slice(3));
      expect(intoBytes(32, 'order', 3, 5, e, stamp)).toBe(reference('order', 3, 5, e, stamp));
    }
    const bad = { ...event, payload: { order: { qty: Number.NaN } } };
    expect(outcome(() => canonicalEntryBody('order', 3, 5, bad, stamp))).toBe('CanonicalJsonError non-finite number at $.data.payload.order.qty');
    expect(outcome(() => canonicalEntryBody('order', 3, 5, bad, stamp))).toBe(reference('order', 3, 5, bad, stamp));
    expect(intoBytes(32, 'order', 3, 5, bad, stamp)).toBe(reference('order', 3, 5, bad, stamp));
    let deep: unknown = 1;
    for (let i = 0; i < 120; i++) deep = { d: deep };
    expect(intoBytes(0, 'x', 1, 2, { deep })).toBe(reference('x', 1, 2, { deep }));
    expect(outcome(() => canonicalEntryBody('order', 3, 5, event, { utc: () => 1 }))).toBe(reference('order', 3, 5, event, { utc: () => 1 }));
    expect(canonicalEntryBody('x', 1, 2, undefined)).toBe('{"kind":"x","seq":1,"ts":2}');
  });
});
