import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, decodeJsonText, encodeFrame, jsonNestsDeeperThan, MAX_DEPTH, WireFormatError } from '../../../main/contract/index.ts';

describe('binary wire frames', () => {
  it('round-trips JSON values with typed arrays, zero-copy and aligned', () => {
    const ts = new Float64Array([1, 2.5, Number.NaN, -0]);
    const ids = new Int32Array([7, -8]);
    const msg = { t: 'res', id: 3, ok: true, v: { ts, nested: [{ ids }], name: 'x' } };
    const back = decodeFrame(encodeFrame(msg)) as typeof msg;
    expect(back.v.name).toBe('x');
    expect(back.v.ts).toBeInstanceOf(Float64Array);
    expect(Array.from(back.v.ts)).toEqual([1, 2.5, Number.NaN, -0]);
    expect(back.v.ts.byteOffset % 8).toBe(0);
    expect(Array.from(back.v.nested[0]!.ids)).toEqual([7, -8]);
  });

  it('round-trips arbitrary JSON', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
      expect(decodeFrame(encodeFrame(v))).toEqual(JSON.parse(JSON.stringify(v)));
    }), { numRuns: 500 });
  });

  it('writes the header a JSON.stringify replacer would, and leaves the message untouched', () => {
    // The reference: every typed array replaced by its marker during stringify, in the order met.
    const reference = (m: unknown): string => {
      let k = 0;
      return JSON.stringify(m, (_key, v: unknown) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? { $bin: k++, $t: v.constructor.name, $n: (v as Float64Array).length } : v));
    };
    const header = (frame: Uint8Array): string => new TextDecoder().decode(frame.subarray(4, 4 + new DataView(frame.buffer, frame.byteOffset).getUint32(0, true)));
    const typed = fc.oneof(fc.float64Array({ maxLength: 4 }), fc.int32Array({ maxLength: 4 }), fc.uint8Array({ maxLength: 4 }));
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.jsonValue({ maxDepth: 1 }), typed, fc.date({ noInvalidDate: true }), fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 4 }), tie('node'), { maxKeys: 4 })),
    })).node;
    fc.assert(fc.property(tree, (m) => {
      const before = reference(m);
      expect(header(encodeFrame(m))).toBe(before);
      expect(reference(m)).toBe(before);
    }), { numRuns: 500 });
  });

  it('rejects truncated, forged and garbage frames with a WireFormatError', () => {
    const good = encodeFrame({ a: new Float64Array(10) });
    expect(() => decodeFrame(good.subarray(0, good.length - 8))).toThrow(WireFormatError);
    expect(() => decodeFrame(new Uint8Array([1, 0]))).toThrow(WireFormatError);
    const forged = encodeFrame({ a: { $bin: 0, $t: 'Float64Array', $n: 1e9 } });
    expect(() => decodeFrame(forged)).toThrow(/past end/);
    const badType = encodeFrame({ a: { $bin: 0, $t: 'constructor', $n: 1 } });
    expect(() => decodeFrame(badType)).toThrow(/bad binary reference/);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      try {
        decodeFrame(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(WireFormatError);
      }
    }), { numRuns: 1000 });
  });

  it('refuses nesting deeper than the limit instead of overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(() => decodeFrame(encodeFrame(deep))).toThrow(/nested deeper/);
  });
});

describe('JSON text frames', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);

  it('measures nesting by scan, ignoring brackets inside strings and after escapes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        // Reference depth: how deep the parsed value nests.
        const depth = (x: unknown): number => (x !== null && typeof x === 'object' ? 1 + Math.max(0, ...Object.values(x).map(depth)) : 0);
        const d = depth(v);
        expect(jsonNestsDeeperThan(bytes(text), d)).toBe(false);
        if (d > 0) expect(jsonNestsDeeperThan(bytes(text), d - 1)).toBe(true);
      }),
    );
    expect(jsonNestsDeeperThan(bytes('{"a":"[[[[\\"[[[["}'), 1)).toBe(false);
  });

  it('decodes what binary frames carry and refuses deeper text, keeping the call id', () => {
    const ok = { t: 'call', id: 3, ch: 'health', p: { a: [1, { b: 'x' }] } };
    expect(decodeJsonText(bytes(JSON.stringify(ok)))).toEqual(ok);
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const e = (() => {
      try {
        decodeJsonText(bytes(`{"t":"call","id":42,"ch":"backtest.run","p":{"config":${deep}},"z":"}"}`));
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(WireFormatError);
    expect((e as WireFormatError).message).toMatch(`nested deeper than ${MAX_DEPTH}`);
    expect((e as WireFormatError).callId).toBe(42);
    // Unterminated: refused without a parse, id still read from the top level.
    expect(() => decodeJsonText(bytes(`{"id":5,"p":${'['.repeat(1_000_000)}`))).toThrow(WireFormatError);
    expect(() => decodeJsonText(bytes('{"t":'))).toThrow(/not valid JSON/);
  });
});
