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

/**
 * A value nested `depth` levels deep, too deep for JSON.stringify (and structured clone) to build on the
 * sending side: toJsonText writes it out directly. Only JSON text carries it (text frames, rules sources).
 */
export class DeepText {
  readonly depth: number;
  readonly array: boolean;
  constructor(depth: number, array: boolean) {
    this.depth = depth;
    this.array = array;
  }
}

/** JSON.stringify, except that DeepText values are written as their deep text. */
export function toJsonText(value: unknown): string {
  const deep: DeepText[] = [];
  const text = JSON.stringify(value, (_k, v: unknown) => (v instanceof DeepText ? `\u0000deep${deep.push(v) - 1}\u0000` : v)) ?? 'null';
  return text.replace(/"\\u0000deep(\d+)\\u0000"/g, (_m, i: string) => {
    const d = deep[Number(i)]!;
    return d.array ? '['.repeat(d.depth) + '1' + ']'.repeat(d.depth) : '{"a":'.repeat(d.depth) + '1' + '}'.repeat(d.depth);
  });
}

/**
 * What a hostile client puts in one field of an otherwise well-formed request. With `text`, also values
 * nested 10,000–30,000 deep (the depth that overflowed a validation refine through a text frame).
 */
export function hostileField(opts: { text?: boolean } = {}): fc.Arbitrary<unknown> {
  const nested = (n: number, leaf: unknown, array: boolean): unknown => {
    let v = leaf;
    for (let i = 0; i < n; i++) v = array ? [v] : { a: v };
    return v;
  };
  return fc.oneof(
    fc.constantFrom(null, undefined, true, false, 0, -0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MAX_VALUE, -Number.MAX_SAFE_INTEGER - 2, 2 ** 53, ''),
    fc.constantFrom('__proto__', 'constructor', 'toString', '../../etc/passwd', 'NaN', 'Infinity', '-1', '1e400', '\u0000', '\uD800', '%00', "'; DROP TABLE audit_log; --", '$fast', '${process.exit()}', 'a'.repeat(300)),
    fc.string({ maxLength: 200 }),
    fc.double(),
    fc.bigInt().map((b) => b.toString()),
    fc.array(fc.anything(), { maxLength: 10 }),
    fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'polluted', 'then', 'valueOf', 'length'), fc.anything(), { maxKeys: 4 }),
    // Deep values that still pass the wire's depth limit reach the schemas (and their refine callbacks).
    fc.tuple(fc.integer({ min: 1, max: 55 }), fc.anything(), fc.boolean()).map(([n, leaf, array]) => nested(n, leaf, array)),
    fc.tuple(fc.integer({ min: 65, max: 1000 }), fc.boolean()).map(([n, array]) => nested(n, 1, array)),
    ...(opts.text ? [fc.tuple(fc.integer({ min: 10_000, max: 30_000 }), fc.boolean()).map(([n, array]) => new DeepText(n, array))] : []),
  );
}

/**
 * Replaces the value at one path of a JSON-like value with `replacement` (a copy; the original is kept).
 * `pick` chooses among the paths: leaves and containers alike.
 */
export function mutateAt(value: unknown, pick: number, replacement: unknown): unknown {
  const paths: (string | number)[][] = [];
  const visit = (v: unknown, path: (string | number)[]) => {
    paths.push(path);
    if (Array.isArray(v)) v.forEach((x, i) => visit(x, [...path, i]));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) visit(x, [...path, k]);
  };
  visit(value, []);
  const path = paths[pick % paths.length]!;
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = replacement;
  return copy;
}

/** Envelopes whose own fields have the wrong type, value or shape. */
export function hostileEnvelope(): fc.Arbitrary<unknown> {
  const anyId = fc.oneof(fc.constantFrom(-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 2, '1', null, [], {}), fc.anything());
  const anyCh = fc.oneof(fc.constantFrom('health', '', 'x'.repeat(129), 'health\u0000', '__proto__', 'hasOwnProperty', 'toString'), fc.anything());
  return fc.oneof(
    fc.record({ t: fc.constant('call'), id: anyId, ch: fc.constant('health'), p: fc.constant({}) }),
    fc.record({ t: fc.constant('call'), id: fc.nat(), ch: anyCh, p: fc.constant({}) }).filter((m) => m.ch !== 'health'),
    fc.record({ t: fc.oneof(fc.constantFrom('res', 'evt', 'CALL', 'undecodable', ''), fc.anything()), id: fc.nat(), ch: fc.constant('health'), p: fc.constant({}) }),
    fc.record({ t: fc.constant('cancel'), id: anyId }),
    fc.record({ t: fc.constant('call'), id: fc.nat(), ch: fc.constant('health'), p: fc.constant({}), extra: fc.anything() }),
    fc.record({ t: fc.constant('call'), id: fc.nat(), ch: fc.constant('health') }),
    fc.anything(),
  );
}

/** Raw HTTP upgrade requests: malformed targets, wrong or missing headers, junk bytes, truncated heads. */
export function hostileUpgrade(port: number, token: string): fc.Arbitrary<{ bytes: Buffer; cut: boolean }> {
  const target = fc.oneof(
    fc.constantFrom('//[', 'http://[', '/ws?token=', `/ws?token=${token}x`, '/ws?token=%', '/ws?token=%zz', `//ws?token=${token}`, `http://127.0.0.1:${port}/ws?token=${token}`, '*', '/ws#', '/\u00ff', `/ws/../ws?token=${token}`, '/%2e%2e/', ''),
    fc.string({ maxLength: 100 }).map((s) => s.replace(/[\r\n ]/g, '')),
    fc.string({ maxLength: 40 }).map((s) => `/ws?token=${encodeURIComponent(s)}`),
  );
  const host = fc.constantFrom(`127.0.0.1:${port}`, `localhost:${port}`, 'evil.example', `evil.example:${port}`, '', '[', `127.0.0.1:${port + 1}`);
  const origin = fc.option(fc.constantFrom(`http://127.0.0.1:${port}`, 'http://evil.example', 'null', 'file://', '['), { nil: undefined });
  const key = fc.constantFrom('dGhlIHNhbXBsZSBub25jZQ==', '', 'x', 'a'.repeat(200));
  const version = fc.constantFrom('13', '8', '', 'x');
  const junk = fc.uint8Array({ maxLength: 300 });
  return fc.oneof(
    { weight: 8, arbitrary: fc.record({ target, host, origin, key, version, cut: fc.boolean() }).map(({ target, host, origin, key, version, cut }) => ({
      bytes: Buffer.from(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\n${origin ? `Origin: ${origin}\r\n` : ''}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: ${version}\r\n\r\n`, 'latin1'),
      cut,
    })) },
    { weight: 1, arbitrary: fc.record({ junk, cut: fc.boolean() }).map(({ junk, cut }) => ({ bytes: Buffer.concat([Buffer.from('GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'), Buffer.from(junk)]), cut })) },
    { weight: 1, arbitrary: junk.map((j) => ({ bytes: Buffer.from(j), cut: true })) },
  );
}

/** A valid CSV of `n` one-minute candles starting at `t0`, one row per line. */
export function candleCsvRows(n: number, t0 = Date.UTC(2024, 0, 1)): string[] {
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const o = 100 + i;
    rows.push(`${t0 + i * 60_000},${o},${o + 2},${o - 1},${o + 1},${10 + i}`);
  }
  return rows;
}

/** One row of a valid CSV made bad: a non-number, NaN, Infinity, negative price, high < low, wrong column count, junk. */
export function hostileCsv(): fc.Arbitrary<string> {
  const bad = fc.constantFrom('NaN', 'Infinity', '-Infinity', '-5', 'abc', '', '1e400', '0x10', '1,2', '"', '\u0000', '١٢٣');
  return fc.record({ n: fc.integer({ min: 2, max: 30 }), row: fc.nat(), col: fc.integer({ min: 1, max: 4 }), value: bad, kind: fc.integer({ min: 0, max: 4 }) }).map(({ n, row, col, value, kind }) => {
    const rows = candleCsvRows(n);
    const i = row % n;
    const cells = rows[i]!.split(',');
    if (kind === 0) cells[col] = value;
    else if (kind === 1) [cells[2], cells[3]] = [cells[3]!, cells[2]!]; // high < low
    else if (kind === 2) cells.pop();
    else if (kind === 3) cells.push('1', '2');
    else cells[0] = value || 'yesterday';
    rows[i] = cells.join(',');
    return `time,open,high,low,close,volume\n${rows.join('\n')}\n`;
  });
}
