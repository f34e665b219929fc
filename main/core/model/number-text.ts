/**
 * Numbers that arrive from outside (exchange replies, request parameters) as a number or as decimal text.
 * `Number(x)` is the wrong tool there: `Number('')`, `Number(' ')` and `Number(null)` are all 0, so a
 * blank price or quantity would pass as a real zero (a flat position, a free fill). These refuse blanks,
 * padding, hex and the words `Infinity`/`NaN`.
 */
import { ValidationError } from '../errors.ts';

/** Plain decimal text with an optional sign and exponent; nothing around it. */
export const DECIMAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** `x` as a finite number when it is one or spells one in decimal text; NaN for anything else, blanks included. */
export function numberFromText(x: unknown): number {
  if (typeof x === 'number') return Number.isFinite(x) ? x : Number.NaN;
  if (typeof x !== 'string' || !DECIMAL_TEXT.test(x)) return Number.NaN;
  const n = Number(x);
  return Number.isFinite(n) ? n : Number.NaN;
}

/** numberFromText, or a ValidationError naming `what` (with the text as received) when there is no number. */
export function requireNumber(x: unknown, what: string): number {
  const n = numberFromText(x);
  if (Number.isNaN(n)) throw new ValidationError(`${what} is not a number: ${JSON.stringify(x ?? null).slice(0, 40)}`, [{ path: what, message: 'expected a number or decimal text' }]);
  return n;
}
