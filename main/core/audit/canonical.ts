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
    if (e instanceof Refusal) throw new CanonicalJsonError(`${e.what} at $${e.path.reverse().join('')}`);
    throw e;
  }
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

function write(v: unknown, depth: number): string {
  if (depth > 100) throw new Refusal('too deep');
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      if (!Number.isFinite(v)) throw new Refusal('non-finite number');
      return JSON.stringify(v); // -0 prints as 0
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return `"${v.toString()}"`;
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) {
          if (i) out += ',';
          try {
            if (v[i] === undefined) throw new Refusal('undefined');
            out += write(v[i], depth + 1);
          } catch (e) {
            throw at(e, `[${i}]`);
          }
        }
        return `${out}]`;
      }
      if (ArrayBuffer.isView(v)) return write(Array.from(v as unknown as ArrayLike<number>), depth + 1);
      const obj = v as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      let out = '{';
      let first = true;
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const x = obj[k];
        if (x === undefined) continue;
        if (!first) out += ',';
        first = false;
        try {
          out += `${JSON.stringify(k)}:${write(x, depth + 1)}`;
        } catch (e) {
          throw at(e, `.${k}`);
        }
      }
      return `${out}}`;
    }
    default:
      throw new Refusal(`cannot serialise ${typeof v}`);
  }
}
