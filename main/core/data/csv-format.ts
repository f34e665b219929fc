/**
 * What a candle CSV may look like, and how its layout is recognised: column names, numbers, ISO-8601 dates,
 * separators, timestamp units. Shared by the streaming parser (csv-parser.ts) for its first lines and for any
 * line its byte fast path does not take.
 */
import { ValidationError } from '../errors.ts';

/** `auto` detects from the first data row: ISO-8601, or an epoch number by its magnitude (s, ms, µs, ns). */
export type TimestampFormat = 'auto' | 'ms' | 's' | 'iso' | 'us' | 'ns';
export type TimestampUnit = Exclude<TimestampFormat, 'auto'>;

export const COLUMNS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;
export type Column = (typeof COLUMNS)[number];

const ALIASES: Readonly<Record<string, Column>> = {
  ts: 'ts', timestamp: 'ts', time: 'ts', date: 'ts', datetime: 'ts', open_time: 'ts', opentime: 'ts', unix: 'ts', 'date/time': 'ts',
  open: 'open', o: 'open', high: 'high', h: 'high', low: 'low', l: 'low', close: 'close', c: 'close',
  volume: 'volume', vol: 'volume', v: 'volume',
};

/** Looser spellings seen in exports ("Open Time", "Date (UTC)", "Volume BTC"), tried only when no exact name matches. */
const LOOSE: readonly [RegExp, Column][] = [
  [/^(open ?time|date ?time|timestamp|date|time)\b/, 'ts'],
  [/^open\b/, 'open'], [/^high\b/, 'high'], [/^low\b/, 'low'], [/^close\b/, 'close'], [/^(volume|vol)\b/, 'volume'],
];

export const NUM = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
/** Day and month in an order nobody can tell from the text: 01/02/2024, 1.2.24. */
const AMBIGUOUS_DATE = /^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?:[ T].*)?$/;

export function fail(line: number, message: string): never {
  throw new ValidationError(`CSV line ${line}: ${message}`, [{ path: `line ${line}`, message }]);
}

export function parseIso(s: string): number {
  const m = ISO.exec(s);
  if (!m) return Number.NaN;
  const [, y, mo, d, h = '00', mi = '00', se = '00', frac = '', zone] = m;
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se), ms);
  // Date.UTC silently rolls 2021-02-30 into March; a calendar-invalid date is an error, not a shift.
  const back = new Date(t);
  if (back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(se) > 59) return Number.NaN;
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return t;
}

export function detectDelimiter(line: string): string {
  const counts = [',', ';', '\t'].map((d) => [d, line.split(d).length] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 1 ? counts[0]![0] : ',';
}

/** A line's fields as the format defines them: split, trimmed, one pair of surrounding quotes removed. */
export function splitFields(raw: string, delimiter: string): string[] {
  return raw.split(delimiter).map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
}

/** A field that can only be a column name (neither a number nor a date) makes its line a header. */
export function looksLikeHeader(fields: readonly string[]): boolean {
  return fields.some((f) => f !== '' && !NUM.test(f) && Number.isNaN(parseIso(f)));
}

export function isAmbiguousDate(f: string): boolean {
  return AMBIGUOUS_DATE.test(f);
}

export function ambiguousDate(f: string): string {
  return `timestamp "${f.slice(0, 40)}" could be day/month or month/day; write dates as ISO-8601 (YYYY-MM-DD) or epoch numbers`;
}

/** The column a header name spells exactly (any case), as every version of the parser read it. */
export function exactColumn(name: string): Column | undefined {
  const n = name.toLowerCase();
  return Object.hasOwn(ALIASES, n) ? ALIASES[n] : undefined;
}

/**
 * Field index of each column from a header. Exact names first (case-insensitive), then the loose spellings;
 * an unnamed first column (pandas writes its index that way) holds the timestamps when no column is named so.
 */
export function columnsFromHeader(fields: readonly string[], line: number, delimiter: string): number[] {
  const names = fields.map((f) => f.toLowerCase());
  const taken = new Set<number>();
  const idx = COLUMNS.map((want) => {
    const k = names.findIndex((n) => exactColumn(n) === want);
    if (k >= 0) taken.add(k);
    return k;
  });
  for (let c = 0; c < COLUMNS.length; c++) {
    if (idx[c] !== -1) continue;
    const k = names.findIndex((n, i) => !taken.has(i) && LOOSE.some(([re, col]) => col === COLUMNS[c] && re.test(n)));
    if (k >= 0) {
      idx[c] = k;
      taken.add(k);
    }
  }
  if (idx[0] === -1 && names[0] === '' && !taken.has(0)) idx[0] = 0;
  const missing = ['timestamp', 'open', 'high', 'low', 'close', 'volume'].filter((_, k) => idx[k] === -1);
  const date = fields.find((f) => AMBIGUOUS_DATE.test(f));
  if (missing.length && date !== undefined && fields.filter((f) => NUM.test(f)).length >= 4) fail(line, ambiguousDate(date));
  if (missing.length) fail(line, `header lacks column(s) ${missing.join(', ')} (got: ${fields.join(delimiter)})`);
  return idx;
}

/** The unit of an epoch timestamp by its magnitude (years 1973–2286 are unambiguous in each unit). */
export function epochUnit(n: number): Exclude<TimestampUnit, 'iso'> {
  const a = Math.abs(n);
  return a >= 1e17 ? 'ns' : a >= 1e14 ? 'us' : a >= 1e11 ? 'ms' : 's';
}

/**
 * A leading row counter before the timestamps (`0,2024-01-02,…` or `1,1704153600,…`, what pandas and
 * spreadsheets write without a header): the first field a small integer, the second a date or a plausible epoch.
 */
export function hasIndexColumn(fields: readonly string[]): boolean {
  if (fields.length < 7 || !/^\d{1,8}$/.test(fields[0]!)) return false;
  const second = fields[1]!;
  if (!Number.isNaN(parseIso(second))) return true;
  return NUM.test(second) && Number(second) >= 1e9;
}

export const UNIT_NAMES: Readonly<Record<TimestampUnit, string>> = { ms: 'epoch milliseconds', s: 'epoch seconds', us: 'epoch microseconds', ns: 'epoch nanoseconds', iso: 'ISO-8601 dates' };
