import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CanonicalJsonError, canonicalJson } from '../../../main/core/audit/canonical.ts';

describe('canonicalJson', () => {
  it('orders keys so that equal values give equal bytes whatever the insertion order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.integer(), fc.string(), fc.boolean())), (d) => {
        const reversed = Object.fromEntries(Object.entries(d).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(d));
        expect(JSON.parse(canonicalJson(d))).toEqual(d);
      }),
    );
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 1, y: 2 } })).toBe('{"a":[true,null,"x"],"b":1,"c":{"y":2,"z":1}}');
  });

  it('refuses values JSON would silently rewrite', () => {
    expect(() => canonicalJson({ p: Number.NaN })).toThrow(CanonicalJsonError);
    expect(() => canonicalJson([undefined])).toThrow(/undefined at \$\[0\]/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(CanonicalJsonError);
  });

  it('writes bigints as decimal strings and drops undefined fields', () => {
    expect(canonicalJson({ n: 10n ** 20n, u: undefined })).toBe('{"n":"100000000000000000000"}');
  });
});
