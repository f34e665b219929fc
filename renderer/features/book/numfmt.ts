/**
 * Fixed-decimal number formatters, made once per precision: `toLocaleString` with options builds a formatter on
 * every call, which at a ladder's 60 cells a frame costs more than the rest of its render.
 */
const cache = new Map<number, Intl.NumberFormat>();

export function fixed(dp: number): (n: number) => string {
  const d = Math.max(0, Math.min(20, Math.floor(dp)));
  let f = cache.get(d);
  if (!f) cache.set(d, (f = new Intl.NumberFormat('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })));
  return (n) => f.format(n);
}
