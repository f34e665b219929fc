/**
 * A cell's colour. When the values straddle or sit below zero (a Sharpe, a return) the scale diverges at zero:
 * a loss is red however it ranks, a gain green, the shade by size. All-positive values keep a red→green rank scale.
 */
export function heatColour(v: number | null, lo: number, hi: number): string {
  if (v === null) return 'transparent';
  if (lo < 0) {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    const t = Math.min(1, Math.abs(v) / m);
    return v < 0 ? `hsl(0 60% ${40 - t * 12}%)` : `hsl(140 60% ${28 + t * 12}%)`;
  }
  const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
  return `hsl(${t * 140} 60% ${28 + t * 12}%)`;
}
