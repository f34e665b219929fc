/**
 * Curves for display: at most ~`maxPoints` of a long equity curve, picked so that the picture keeps its
 * extremes — per bucket of consecutive bars, the bar of lowest and of highest equity and the bar of deepest
 * drawdown, in time order, always with the first and last bar. Picked points are exact values of the full
 * curve (no averaging), so every shown point is a real bar.
 */

export interface Curves {
  readonly ts: Float64Array;
  readonly value: Float64Array;
  readonly drawdown: Float64Array;
}

/** Indices of the bars kept (ascending); all of them when the curve is short enough. */
export function displayIndices(value: Float64Array, drawdown: Float64Array, maxPoints: number): Uint32Array {
  const n = value.length;
  if (n <= maxPoints) return Uint32Array.from({ length: n }, (_, i) => i);
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / 3));
  const out = new Uint32Array(buckets * 3 + 2);
  let m = 0;
  out[m++] = 0;
  for (let b = 0; b < buckets; b++) {
    const from = Math.max(1, Math.floor((b * n) / buckets));
    const to = Math.min(n - 1, Math.floor(((b + 1) * n) / buckets));
    if (from >= to) continue;
    let lo = from;
    let hi = from;
    let deep = from;
    for (let i = from + 1; i < to; i++) {
      const v = value[i]!;
      if (v < value[lo]!) lo = i;
      if (v > value[hi]!) hi = i;
      if (drawdown[i]! > drawdown[deep]!) deep = i;
    }
    // Three picks in time order, each once.
    const picks = [lo, hi, deep].sort((a, c) => a - c);
    for (let k = 0; k < 3; k++) if (k === 0 || picks[k] !== picks[k - 1]) out[m++] = picks[k]!;
  }
  out[m++] = n - 1;
  return out.slice(0, m);
}

/** Curves in fresh buffers of their own. */
export interface OwnCurves extends Curves {
  readonly ts: Float64Array<ArrayBuffer>;
  readonly value: Float64Array<ArrayBuffer>;
  readonly drawdown: Float64Array<ArrayBuffer>;
}

export function pick(c: Curves, idx: Uint32Array): OwnCurves {
  const ts = new Float64Array(idx.length);
  const value = new Float64Array(idx.length);
  const drawdown = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    ts[k] = c.ts[i]!;
    value[k] = c.value[i]!;
    drawdown[k] = c.drawdown[i]!;
  }
  return { ts, value, drawdown };
}
