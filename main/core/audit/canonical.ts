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
  const out: string[] = [];
  write(value, out, 0, '$');
  return out.join('');
}

function write(v: unknown, out: string[], depth: number, path: string): void {
  if (depth > 100) throw new CanonicalJsonError(`too deep at ${path}`);
  switch (typeof v) {
    case 'string':
      out.push(JSON.stringify(v));
      return;
    case 'number':
      if (!Number.isFinite(v)) throw new CanonicalJsonError(`non-finite number at ${path}`);
      out.push(Object.is(v, -0) ? '0' : JSON.stringify(v));
      return;
    case 'boolean':
      out.push(v ? 'true' : 'false');
      return;
    case 'bigint':
      out.push(JSON.stringify(v.toString()));
      return;
    case 'object': {
      if (v === null) {
        out.push('null');
        return;
      }
      if (Array.isArray(v)) {
        out.push('[');
        for (let i = 0; i < v.length; i++) {
          if (i) out.push(',');
          if (v[i] === undefined) throw new CanonicalJsonError(`undefined at ${path}[${i}]`);
          write(v[i], out, depth + 1, `${path}[${i}]`);
        }
        out.push(']');
        return;
      }
      if (ArrayBuffer.isView(v)) {
        write(Array.from(v as unknown as ArrayLike<number>), out, depth + 1, path);
        return;
      }
      const obj = v as Record<string, unknown>;
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
      out.push('{');
      keys.forEach((k, i) => {
        if (i) out.push(',');
        out.push(JSON.stringify(k), ':');
        write(obj[k], out, depth + 1, `${path}.${k}`);
      });
      out.push('}');
      return;
    }
    default:
      throw new CanonicalJsonError(`cannot serialise ${typeof v} at ${path}`);
  }
}
