/**
 * JS references of the wasm kernels: the "fused JS path" each kernel must beat, and the fallback when wasm
 * SIMD is unavailable. They perform exactly the same IEEE operations in the same order as
 * native/assembly/kernels.ts, so both paths return identical bits (tests check this).
 */

/** max(period)-1, clamped to the data: the index up to which every lane runs its scalar warm-up. */
function warmEnd(periods: ArrayLike<number>, n: number): number {
  let m = 0;
  for (let k = 0; k < periods.length; k++) if (periods[k]! - 1 > m) m = periods[k]! - 1;
  return Math.min(m, n - 1);
}

function outputs(n: number, periods: readonly number[], outs?: readonly Float64Array[]): Float64Array[] {
  if (!outs) return periods.map(() => new Float64Array(n));
  if (outs.length !== periods.length || outs.some((o) => o.length !== n)) throw new RangeError(`outs must be ${periods.length} arrays of length ${n}`);
  return [...outs];
}

/** Several SMA-seeded EMAs of one series in one pass (one output per period), into `outs` when given. */
export function emaManyJs(src: Float64Array, periods: readonly number[], outs0?: readonly Float64Array[]): Float64Array[] {
  const n = src.length;
  const K = periods.length;
  const outs = outputs(n, periods, outs0);
  const end = warmEnd(periods, n);
  const e = new Float64Array(K);
  const a = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const p = periods[k]!;
    const ak = 2 / (p + 1);
    const o = outs[k]!;
    let sum = 0;
    let v = NaN;
    for (let i = 0; i <= end; i++) {
      const x = src[i]!;
      if (i < p) {
        sum += x;
        if (i === p - 1) v = sum / p;
      } else {
        v = (x - v) * ak + v;
      }
      o[i] = v;
    }
    e[k] = v;
    a[k] = ak;
  }
  if (K === 8) {
    // Unrolled: eight recurrences in registers, one read of the input per bar.
    const [o0, o1, o2, o3, o4, o5, o6, o7] = outs as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    let e0 = e[0]!, e1 = e[1]!, e2 = e[2]!, e3 = e[3]!, e4 = e[4]!, e5 = e[5]!, e6 = e[6]!, e7 = e[7]!;
    const a0 = a[0]!, a1 = a[1]!, a2 = a[2]!, a3 = a[3]!, a4 = a[4]!, a5 = a[5]!, a6 = a[6]!, a7 = a[7]!;
    for (let i = end + 1; i < n; i++) {
      const x = src[i]!;
      o0[i] = e0 = (x - e0) * a0 + e0;
      o1[i] = e1 = (x - e1) * a1 + e1;
      o2[i] = e2 = (x - e2) * a2 + e2;
      o3[i] = e3 = (x - e3) * a3 + e3;
      o4[i] = e4 = (x - e4) * a4 + e4;
      o5[i] = e5 = (x - e5) * a5 + e5;
      o6[i] = e6 = (x - e6) * a6 + e6;
      o7[i] = e7 = (x - e7) * a7 + e7;
    }
    return outs;
  }
  for (let i = end + 1; i < n; i++) {
    const x = src[i]!;
    for (let k = 0; k < K; k++) outs[k]![i] = e[k] = (x - e[k]!) * a[k]! + e[k]!;
  }
  return outs;
}

/** Several SMAs of one series in one pass (running sums), into `outs` when given. */
export function smaManyJs(src: Float64Array, periods: readonly number[], outs0?: readonly Float64Array[]): Float64Array[] {
  const n = src.length;
  const K = periods.length;
  const outs = outputs(n, periods, outs0);
  const end = warmEnd(periods, n);
  const s = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const p = periods[k]!;
    const o = outs[k]!;
    let sum = 0;
    for (let i = 0; i <= end; i++) {
      const x = src[i]!;
      if (i < p) sum += x;
      else sum += x - src[i - p]!;
      o[i] = i < p - 1 ? NaN : sum / p;
    }
    s[k] = sum;
  }
  if (K === 8) {
    const [o0, o1, o2, o3, o4, o5, o6, o7] = outs as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const [p0, p1, p2, p3, p4, p5, p6, p7] = periods as [number, number, number, number, number, number, number, number];
    let s0 = s[0]!, s1 = s[1]!, s2 = s[2]!, s3 = s[3]!, s4 = s[4]!, s5 = s[5]!, s6 = s[6]!, s7 = s[7]!;
    for (let i = end + 1; i < n; i++) {
      const x = src[i]!;
      o0[i] = (s0 += x - src[i - p0]!) / p0;
      o1[i] = (s1 += x - src[i - p1]!) / p1;
      o2[i] = (s2 += x - src[i - p2]!) / p2;
      o3[i] = (s3 += x - src[i - p3]!) / p3;
      o4[i] = (s4 += x - src[i - p4]!) / p4;
      o5[i] = (s5 += x - src[i - p5]!) / p5;
      o6[i] = (s6 += x - src[i - p6]!) / p6;
      o7[i] = (s7 += x - src[i - p7]!) / p7;
    }
    return outs;
  }
  for (let i = end + 1; i < n; i++) {
    const x = src[i]!;
    for (let k = 0; k < K; k++) {
      const p = periods[k]!;
      outs[k]![i] = (s[k] = s[k]! + (x - src[i - p]!)) / p;
    }
  }
  return outs;
}

/** Sample covariance matrix (k×k, row-major) of equally long series; even/odd partial sums as the wasm lanes. */
export function covMatrixJs(series: readonly Float64Array[]): Float64Array {
  const k = series.length;
  const t = k ? series[0]!.length : 0;
  const means = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    let s = 0;
    const x = series[a]!;
    for (let i = 0; i < t; i++) s += x[i]!;
    means[a] = s / t;
  }
  const out = new Float64Array(k * k);
  const pairs = t & ~1;
  for (let a = 0; a < k; a++) {
    const xa = series[a]!;
    const ma = means[a]!;
    for (let b = a; b < k; b++) {
      const xb = series[b]!;
      const mb = means[b]!;
      let s0 = 0;
      let s1 = 0;
      for (let i = 0; i < pairs; i += 2) {
        s0 += (xa[i]! - ma) * (xb[i]! - mb);
        s1 += (xa[i + 1]! - ma) * (xb[i + 1]! - mb);
      }
      let s = s0 + s1;
      if (pairs < t) s += (xa[pairs]! - ma) * (xb[pairs]! - mb);
      out[a * k + b] = out[b * k + a] = s / (t - 1);
    }
  }
  return out;
}

/** P&L of a weighted portfolio in each historical scenario: sum over assets (in order) of w[j] × r[j][i]. */
export function portfolioPnlJs(returns: readonly Float64Array[], weights: ArrayLike<number>): Float64Array {
  const t = returns.length ? returns[0]!.length : 0;
  const out = new Float64Array(t);
  for (let j = 0; j < returns.length; j++) {
    const r = returns[j]!;
    const w = weights[j]!;
    for (let i = 0; i < t; i++) out[i] += w * r[i]!;
  }
  return out;
}
