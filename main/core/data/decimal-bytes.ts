/**
 * Decimal text → float64 straight from bytes, for the common case only, and bit-identical to `Number(text)`:
 * at most 15 significant digits and a power of ten within 10^±22 are exact doubles, so one IEEE multiply or
 * divide rounds the exact decimal value once, correctly (Clinger's fast path). Anything else returns NaN and
 * the caller falls back to the string path, which also owns the error messages.
 */

const POW10 = new Float64Array(23);
for (let i = 0, p = 1; i < 23; i++, p *= 10) POW10[i] = p;

/** The number spelled by bytes [s, e) of `b` (`[+-]digits[.digits][e[+-]digits]`), or NaN when not on the fast path. */
export function decimalFromBytes(b: Uint8Array, s: number, e: number): number {
  let i = s;
  let neg = false;
  let c = i < e ? b[i]! : 0;
  if (c === 45) {
    neg = true;
    i++;
  } else if (c === 43) i++;
  let m = 0;
  let sig = 0;
  let frac = 0;
  let digits = 0;
  let dot = false;
  for (; i < e; i++) {
    c = b[i]!;
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      digits++;
      if (dot) frac++;
      if (m !== 0 || d !== 0) {
        if (++sig > 15) return Number.NaN;
        m = m * 10 + d;
      }
    } else if (c === 46 && !dot) dot = true;
    else break;
  }
  if (digits === 0) return Number.NaN;
  let exp = 0;
  if (i < e) {
    if (c !== 101 && c !== 69) return Number.NaN;
    i++;
    let eneg = false;
    c = i < e ? b[i]! : 0;
    if (c === 45) {
      eneg = true;
      i++;
    } else if (c === 43) i++;
    const start = i;
    for (; i < e; i++) {
      const d = b[i]! - 48;
      if (d < 0 || d > 9 || i - start >= 4) return Number.NaN;
      exp = exp * 10 + d;
    }
    if (i === start) return Number.NaN;
    if (eneg) exp = -exp;
  }
  return scaled(m, exp - frac, neg);
}

/** Where numberAt stopped: the separator or line end after the number. */
export let stoppedAt = 0;

/** 2^53: below it every integer is an exact double, so the digits accumulated in `m` were exact all along. */
const EXACT = 9007199254740992;

/**
 * The number at b[i…] up to the next `sep`, `\n` or `\r` (not consumed; see stoppedAt), parsed as
 * decimalFromBytes does; NaN when the field is anything else (padding, quotes, too many digits) and the
 * caller takes its slower path. The caller guarantees a `\n` at or after i: it ends every loop here, so
 * no byte is compared against the buffer's end.
 */
export function numberAt(b: Uint8Array, i: number, sep: number): number {
  let neg = false;
  let c = b[i]!;
  if (c === 45) {
    neg = true;
    c = b[++i]!;
  } else if (c === 43) c = b[++i]!;
  let m = 0;
  const intStart = i;
  let d = c - 48;
  while (d >>> 0 < 10) {
    m = m * 10 + d;
    d = b[++i]! - 48;
  }
  let digits = i - intStart;
  let frac = 0;
  c = b[i]!;
  if (c === 46) {
    const fs = ++i;
    d = b[i]! - 48;
    while (d >>> 0 < 10) {
      m = m * 10 + d;
      d = b[++i]! - 48;
    }
    frac = i - fs;
    digits += frac;
    c = b[i]!;
  }
  let exp = 0;
  if ((c === 101 || c === 69) && digits > 0) {
    let eneg = false;
    c = b[++i]!;
    if (c === 45) {
      eneg = true;
      c = b[++i]!;
    } else if (c === 43) c = b[++i]!;
    const start = i;
    d = c - 48;
    while (d >>> 0 < 10) {
      exp = exp * 10 + d;
      d = b[++i]! - 48;
    }
    if (i === start || i - start > 4) return Number.NaN;
    if (eneg) exp = -exp;
    c = b[i]!;
  }
  if (digits === 0 || m >= EXACT || (c !== sep && c !== 10 && c !== 13)) return Number.NaN;
  stoppedAt = i;
  return scaled(m, exp - frac, neg);
}

/**
 * m × 10^p with one correctly rounded operation (m exact, |p| ≤ 22: 10^p is an exact double), which is what
 * Number() gives; NaN where that does not hold (the caller's string path decides).
 */
function scaled(m: number, p: number, neg: boolean): number {
  let v: number;
  if (p === 0 || m === 0) v = m;
  else if (p > 0 && p <= 22) v = m * POW10[p]!;
  else if (p < 0 && p >= -22) v = m / POW10[-p]!;
  else return Number.NaN;
  return neg ? -v : v;
}
