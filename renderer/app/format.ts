/** Display formatting only: values arrive from the host already computed (decimal strings for money). */

/** The zone every date the workstation shows is written in (Settings → Appearance); UTC until the trader picks one. */
let zone = 'UTC';
const formatters = new Map<string, Intl.DateTimeFormat>();

/** True for a zone name this browser knows ("UTC", "Europe/Berlin"). */
export function isTimeZone(z: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: z });
    return true;
  } catch {
    return false;
  }
}

/** Sets the display zone; an unknown name is refused (the zone stays) and reported as false. */
export function setTimeZone(z: string): boolean {
  if (!isTimeZone(z)) return false;
  zone = z;
  return true;
}

export const timeZone = (): string => zone;

function partsIn(ms: number, z: string): Record<string, string> {
  let f = formatters.get(z);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: z, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(z, f);
  }
  return Object.fromEntries(f.formatToParts(ms).map((p) => [p.type, p.value]));
}

/** "2026-12-07 13:05:09" in the display zone. */
export function fmtTime(ms: number, withSeconds = true): string {
  if (!Number.isFinite(ms)) return '—';
  const p = (n: number) => String(n).padStart(2, '0');
  if (zone === 'UTC') {
    const d = new Date(ms);
    return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}${withSeconds ? `:${p(d.getUTCSeconds())}` : ''}`;
  }
  const x = partsIn(ms, zone);
  return `${x.year}-${x.month}-${x.day} ${x.hour}:${x.minute}${withSeconds ? `:${x.second}` : ''}`;
}

/**
 * A wall-clock time typed in the display zone ("2026-03-29T02:30", a datetime-local value, or "2026-03-29 02:30"
 * as fmtTime writes it) as epoch ms; NaN when empty or malformed. The zone's offset is found from a first guess
 * and checked once more across a DST change.
 */
export function parseZoned(typed: string): number {
  const local = typed.trim().replace(' ', 'T');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(local)) return NaN;
  const asUtc = Date.parse(`${local}Z`);
  if (zone === 'UTC' || !Number.isFinite(asUtc)) return asUtc;
  const offsetAt = (ms: number) => {
    const x = partsIn(ms, zone);
    return Date.UTC(Number(x.year), Number(x.month) - 1, Number(x.day), Number(x.hour), Number(x.minute), Number(x.second)) - Math.floor(ms / 1000) * 1000;
  };
  let t = asUtc - offsetAt(asUtc);
  t = asUtc - offsetAt(t);
  return t;
}

/** One part of a moment in the display zone, for chart axis labels. */
export function timePart(ms: number, part: 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second'): string {
  if (zone === 'UTC') {
    const d = new Date(ms);
    const v = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() }[part];
    return part === 'year' ? String(v) : String(v).padStart(2, '0');
  }
  return partsIn(ms, zone)[part]!;
}

export function fmtDate(ms: number): string {
  return fmtTime(ms).slice(0, 10);
}

/** A plain decimal string as an integer of 10^-18 units (display arithmetic only; the host does the real money). */
function toAtto(s: string): bigint | null {
  const m = /^([+-])?(\d+)(?:\.(\d{0,18}))?\d*$/.exec(s.trim());
  if (!m) return null;
  const v = BigInt(m[2]!) * 10n ** 18n + BigInt(((m[3] ?? '') + '0'.repeat(18)).slice(0, 18));
  return m[1] === '-' ? -v : v;
}

function fromAtto(v: bigint, dp: number): string {
  const neg = v < 0n;
  const a = neg ? -v : v;
  const unit = 10n ** BigInt(18 - dp);
  // Half away from zero: 7,491.948 shows as 7,491.95, never a truncated 7,491.94.
  const r = (a + unit / 2n) / unit;
  const digits = r.toString().padStart(dp + 1, '0');
  const int = digits.slice(0, digits.length - dp);
  const frac = dp ? `.${digits.slice(digits.length - dp)}` : '';
  return `${neg && r !== 0n ? '-' : ''}${int}${frac}`;
}

/** a − b on decimal strings, exactly (e.g. net = gross − fees). */
export function subDecimal(a: string, b: string): string {
  const x = toAtto(a);
  const y = toAtto(b);
  if (x === null || y === null) return '';
  return fromAtto(x - y, 18).replace(/\.?0+$/, '');
}

/**
 * Groups the integer part of a decimal string with separators. With `maxFraction` the value is ROUNDED (half away
 * from zero) to at most that many decimals; `minFraction` pads (prices at the tick's precision, money in cents).
 */
export function fmtDecimal(s: string | null | undefined, maxFraction?: number, minFraction = 0): string {
  if (s === null || s === undefined || s === '') return '—';
  let t = s;
  const frac0 = s.split('.')[1] ?? '';
  if (maxFraction !== undefined && frac0.length > maxFraction) {
    const v = toAtto(s);
    if (v !== null && maxFraction <= 18) t = fromAtto(v, maxFraction).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  }
  const neg = t.startsWith('-');
  const [int = '0', frac = ''] = (neg ? t.slice(1) : t).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const f = frac.padEnd(minFraction, '0');
  return `${neg ? '-' : ''}${grouped}${f ? `.${f}` : ''}`;
}

/** Decimals of a tick or lot size ("0.01" → 2). */
export function stepDecimals(step: string | undefined): number {
  return step?.includes('.') ? step.split('.')[1]!.replace(/0+$/, '').length : 0;
}

/** A price at its instrument's tick precision (49,500.00 on a 0.01 tick, not 49,500). */
export function fmtPrice(s: string | null | undefined, tick: string | undefined): string {
  const dp = stepDecimals(tick);
  return fmtDecimal(s, tick ? dp : undefined, dp);
}

const CENTS = new Set(['USD', 'USDT', 'USDC', 'BUSD', 'FDUSD', 'TUSD', 'DAI', 'EUR', 'GBP', 'CHF', 'AUD', 'CAD']);

/** Decimals money is shown with: cents for fiat and stablecoins, eight for coins. */
export function moneyDecimals(currency: string | undefined): number {
  return currency && !CENTS.has(currency.toUpperCase()) ? 8 : 2;
}

/** Money rounded (not truncated) to its currency's decimals, always with that many (7,491.95 USDT). */
export function fmtMoney(s: string | null | undefined, currency?: string): string {
  const dp = moneyDecimals(currency);
  return fmtDecimal(s, dp, dp);
}

/** A signed amount with its sign always shown, and the css class for its colour. */
export function signed(s: string | null | undefined, maxFraction = 2): { text: string; cls: string } {
  if (!s) return { text: '—', cls: '' };
  const text = fmtDecimal(s, maxFraction, maxFraction);
  // The colour follows what is shown: a loss that rounds to zero is not painted red.
  const n = Number(text.replace(/,/g, ''));
  const cls = n > 0 ? 'pos' : n < 0 ? 'neg' : '';
  return { text: n > 0 ? `+${text}` : text, cls };
}

export function fmtNum(n: number | null | undefined, digits = 2): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function fmtPct(n: number | null | undefined, digits = 2): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '—' : `${(n * 100).toFixed(digits)}%`;
}

export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}
