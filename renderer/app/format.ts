/** Display formatting only: values arrive from the host already computed (decimal strings for money). */

export function fmtTime(ms: number, withSeconds = true): string {
  if (!Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}${withSeconds ? `:${p(d.getUTCSeconds())}` : ''}`;
}

export function fmtDate(ms: number): string {
  return fmtTime(ms).slice(0, 10);
}

/** Groups the integer part of a decimal string with thin separators, keeping every digit the host sent. */
export function fmtDecimal(s: string | null | undefined, maxFraction?: number): string {
  if (s === null || s === undefined || s === '') return '—';
  const neg = s.startsWith('-');
  const [int = '0', frac = ''] = (neg ? s.slice(1) : s).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  let f = frac;
  if (maxFraction !== undefined && f.length > maxFraction) f = f.slice(0, maxFraction);
  return `${neg ? '-' : ''}${grouped}${f ? `.${f}` : ''}`;
}

/** A signed amount with its sign always shown, and the css class for its colour. */
export function signed(s: string | null | undefined, maxFraction = 2): { text: string; cls: string } {
  if (!s) return { text: '—', cls: '' };
  const n = Number(s);
  const cls = n > 0 ? 'pos' : n < 0 ? 'neg' : '';
  const text = fmtDecimal(s, maxFraction);
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
