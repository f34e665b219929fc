import fc from 'fast-check';

/**
 * Payloads a hostile or buggy renderer might send. None of them is a valid request for any command of the
 * contract (request schemas are strict objects), so each must come back as a typed error.
 */
export function hostilePayload(): fc.Arbitrary<unknown> {
  // Huge payloads are added separately (hugePayloads): a few prove the point, hundreds only slow the run.
  const protoKey = fc.constantFrom('__proto__', 'constructor', 'prototype');
  const deep = fc.integer({ min: 50, max: 2000 }).map((n) => {
    let v: unknown = { x: 1 };
    for (let i = 0; i < n; i++) v = { nest: v };
    return v;
  });
  const deepArray = fc.integer({ min: 50, max: 2000 }).map((n) => {
    let v: unknown = [1];
    for (let i = 0; i < n; i++) v = [v];
    return v;
  });
  return fc.oneof(
    fc.constantFrom(null, undefined, 0, -1, Number.NaN, true, '', []),
    fc.string({ maxLength: 2000 }),
    fc.double(),
    fc.array(fc.anything(), { maxLength: 20 }),
    fc.record({ key: protoKey, inner: fc.anything() }).map(({ key, inner }) => JSON.parse(`{${JSON.stringify(key)}: ${JSON.stringify(inner ?? null) ?? 'null'}, "polluted": true}`) as unknown),
    fc.record({ constructor: fc.record({ prototype: fc.record({ polluted: fc.constant(true) }) }) }),
    fc.dictionary(fc.string({ minLength: 1, maxLength: 30 }).filter((k) => !['symbol'].includes(k)), fc.anything(), { minKeys: 1, maxKeys: 8 }).map((d) => ({ ...d, ['unexpected-' + Object.keys(d).length]: 1 })),
    { weight: 2, arbitrary: deep },
    { weight: 2, arbitrary: deepArray },
  );
}

/** Megabyte-sized payloads: as a whole, as a field, and as a key. */
export function hugePayloads(): unknown[] {
  const mb = 'x'.repeat(1_000_000);
  return [mb, { hugeString: mb }, { symbol: mb }, { [mb.slice(0, 100_000)]: 1 }, [mb, mb]];
}
