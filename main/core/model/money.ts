/**
 * Exact money. The ledger (cash, fees, realized P&L, funding) is a bigint of atto-units (10^-18 of one unit
 * of the currency), so sums never drift and every rounding is an explicit, named step. 18 decimals cover
 * any tick × lot × contract product real venues use (1e-8 × 1e-8 = 1e-16) with room for fee rates.
 * Hot-path prices and quantities are NOT Money: they are integer ticks and lots in plain numbers
 * (see instrument.ts); they become Money only when a fill or a valuation touches the ledger.
 */
import { ValidationError } from '../errors.ts';

export type Money = bigint;
export const MONEY_DECIMALS = 18;
export const MONEY_SCALE = 10n ** 18n;
export const ZERO: Money = 0n;

/**
 * How a division that does not come out even is resolved. Fees round 'ceil' against the trader by
 * convention here (venues do the same); valuations use 'half-even' so reports are unbiased.
 */
export type Rounding = 'floor' | 'ceil' | 'trunc' | 'half-up' | 'half-even' | 'exact';

const DECIMAL_RE = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** Parses a plain decimal string ("-12.5", "0.0001") into atto-units; more than 18 decimals is refused. */
export function money(text: string | number | bigint): Money {
  if (typeof text === 'bigint') return text * MONEY_SCALE;
  const s = typeof text === 'number' ? numberToDecimal(text) : text.trim();
  const m = DECIMAL_RE.exec(s);
  if (!m) throw new ValidationError(`not a decimal number: ${JSON.stringify(text)}`, [{ path: '', message: 'expected a plain decimal string' }]);
  const frac = m[3] ?? '';
  if (frac.length > MONEY_DECIMALS) throw new ValidationError(`more than ${MONEY_DECIMALS} decimals: ${s}`);
  const v = BigInt(m[2]!) * MONEY_SCALE + BigInt((frac + '0'.repeat(MONEY_DECIMALS)).slice(0, MONEY_DECIMALS) || '0');
  return m[1] === '-' ? -v : v;
}

/** 10^k as bigint for k = 0..18: `10n ** BigInt(k)` on every call was a measurable share of building a trade list. */
const POW10: readonly bigint[] = Array.from({ length: MONEY_DECIMALS + 1 }, (_, k) => 10n ** BigInt(k));

/** Formats atto-units as a decimal string with trailing zeros trimmed (or fixed `decimals`, rounded half-even). */
export function moneyToString(m: Money, decimals?: number): string {
  let v = m;
  let d = MONEY_DECIMALS;
  if (decimals !== undefined && decimals < MONEY_DECIMALS) {
    d = Math.max(0, decimals);
    v = divRound(m, POW10[MONEY_DECIMALS - d]!, 'half-even');
  }
  const neg = v < 0n;
  // One bigint → text conversion, then the decimal point is placed by slicing (no bigint division).
  let digits = (neg ? -v : v).toString();
  if (digits.length <= d) digits = digits.padStart(d + 1, '0');
  const int = digits.slice(0, digits.length - d);
  let end = digits.length;
  if (decimals === undefined) while (end > int.length && digits.charCodeAt(end - 1) === 48) end--;
  const frac = digits.slice(int.length, end);
  return `${neg ? '-' : ''}${int}${frac ? '.' + frac : ''}`;
}

/** Float view for charts, equity curves and indicators (nearest double, ~1e-16 relative). Never fed back into the ledger. */
export function moneyToNumber(m: Money): number {
  return Number(m) / 1e18;
}

/** a / b with an explicit rounding mode; 'exact' throws when there is a remainder. */
export function divRound(a: bigint, b: bigint, mode: Rounding): bigint {
  if (b === 0n) throw new ValidationError('division by zero');
  if (b < 0n) { a = -a; b = -b; }
  const q = a / b; // truncates toward zero
  const r = a - q * b;
  if (r === 0n) return q;
  const neg = a < 0n;
  switch (mode) {
    case 'trunc': return q;
    case 'floor': return neg ? q - 1n : q;
    case 'ceil': return neg ? q : q + 1n;
    case 'exact': throw new ValidationError(`inexact division ${a}/${b}`);
    case 'half-up':
    case 'half-even': {
      const twice = (neg ? -r : r) * 2n;
      const away = twice > b || (twice === b && (mode === 'half-up' || (q & 1n) !== 0n));
      return away ? (neg ? q - 1n : q + 1n) : q;
    }
  }
}

/** m × rate where rate is itself a Money-scaled fraction (e.g. money('0.001') = 10 bps). */
export function mulRate(m: Money, rate: Money, mode: Rounding): Money {
  return divRound(m * rate, MONEY_SCALE, mode);
}

function numberToDecimal(x: number): string {
  if (!Number.isFinite(x)) throw new ValidationError(`not a finite number: ${x}`);
  // toPrecision(15) drops binary noise (0.1+0.2 → 0.3); values needing more digits must be passed as text.
  const s = Number(x.toPrecision(15)).toString();
  if (!/e/i.test(s)) return s;
  return Number(x.toPrecision(15)).toFixed(MONEY_DECIMALS).replace(/\.?0+$/, '');
}
