/**
 * What a studio run is asked for, made explicit before it is sent: a window the clock cannot move and a fee
 * in the units the trader typed.
 */

/** A UTC date (YYYY-MM-DD) of an epoch-ms instant. */
export const utcDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * Empty From/To resolved to fixed dates: From = the first day of the data, To = today (UTC midnight, a past
 * instant). Left empty, "all data" grew with every live bar, so two runs of the same strategy differed.
 * Filled dates are kept as typed. `note` tells the trader what was filled in (null when nothing was).
 */
export function resolveWindow(c: { from: string; to: string }, firstTs: number | null, now: number): { from: string; to: string; note: string | null } {
  const from = c.from || (firstTs !== null ? utcDate(firstTs) : '');
  const to = c.to || utcDate(now);
  const filled = [!c.from && from && 'From', !c.to && 'To'].filter(Boolean);
  return { from, to, note: filled.length ? `${filled.join(' and ')} ${filled.length > 1 ? 'were' : 'was'} empty: the run uses ${from || 'the first bar'} → ${to} (UTC), fixed so a re-run reads the same bars` : null };
}

/** "0.1" (percent) → "0.001" (fraction), exactly, by moving the decimal point; null when not a plain decimal. */
export function percentToFraction(s: string): string | null {
  const t = s.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  const [int, frac = ''] = t.split('.') as [string, string?];
  const digits = `${int.padStart(3, '0')}${frac}`;
  const at = digits.length - frac.length - 2;
  const out = `${digits.slice(0, at).replace(/^0+(?=\d)/, '')}.${digits.slice(at)}`.replace(/\.?0+$/, '');
  return out === '' ? '0' : out;
}
