// AssemblyScript SIMD kernels (compiled by native/build.ts to native/build/kernels.wasm).
// Memory is imported: the JS side gives each call a fresh memory, copies inputs in and hands out the outputs
// as views of that memory, so results are never copied out. All pointers are byte offsets; f64 everywhere.
// Each kernel performs, per lane, exactly the IEEE operations of its JS reference in native/reference.ts
// (f64x2 add/sub/mul/div round like scalar ops, and no fused multiply-add is used), so results are identical.

const LANES: i32 = 8;

/** 8 EMAs (SMA-seeded, TA-Lib style) of one series in one pass. periods: 8 f64; out: 8 series of n f64. */
export function ema8(src: usize, n: i32, periods: usize, out: usize): void {
  let maxReady: i32 = 0;
  for (let k: i32 = 0; k < LANES; k++) {
    const p = <i32>load<f64>(periods + (<usize>k << 3));
    if (p - 1 > maxReady) maxReady = p - 1;
  }
  if (maxReady >= n) maxReady = n - 1;
  const state = memory.data(64);
  const alpha = memory.data(64);
  // Scalar warm-up per lane: SMA seed, then EMA updates up to the slowest lane's seed.
  for (let k: i32 = 0; k < LANES; k++) {
    const pf = load<f64>(periods + (<usize>k << 3));
    const p = <i32>pf;
    const a = 2.0 / (pf + 1.0);
    const o = out + (<usize>k * <usize>n << 3);
    let sum: f64 = 0;
    let e: f64 = NaN;
    for (let i: i32 = 0; i <= maxReady; i++) {
      const x = load<f64>(src + (<usize>i << 3));
      if (i < p) {
        sum += x;
        if (i == p - 1) e = sum / pf;
      } else {
        e = (x - e) * a + e;
      }
      store<f64>(o + (<usize>i << 3), e);
    }
    store<f64>(state + (<usize>k << 3), e);
    store<f64>(alpha + (<usize>k << 3), a);
  }
  let e0 = v128.load(state);
  let e1 = v128.load(state, 16);
  let e2 = v128.load(state, 32);
  let e3 = v128.load(state, 48);
  const a0 = v128.load(alpha);
  const a1 = v128.load(alpha, 16);
  const a2 = v128.load(alpha, 32);
  const a3 = v128.load(alpha, 48);
  const stride = <usize>n << 3;
  for (let i: i32 = maxReady + 1; i < n; i++) {
    const xv = f64x2.splat(load<f64>(src + (<usize>i << 3)));
    e0 = f64x2.add(f64x2.mul(f64x2.sub(xv, e0), a0), e0);
    e1 = f64x2.add(f64x2.mul(f64x2.sub(xv, e1), a1), e1);
    e2 = f64x2.add(f64x2.mul(f64x2.sub(xv, e2), a2), e2);
    e3 = f64x2.add(f64x2.mul(f64x2.sub(xv, e3), a3), e3);
    const o = out + (<usize>i << 3);
    v128.store64_lane(o, e0, 0);
    v128.store64_lane(o + stride, e0, 1);
    v128.store64_lane(o + 2 * stride, e1, 0);
    v128.store64_lane(o + 3 * stride, e1, 1);
    v128.store64_lane(o + 4 * stride, e2, 0);
    v128.store64_lane(o + 5 * stride, e2, 1);
    v128.store64_lane(o + 6 * stride, e3, 0);
    v128.store64_lane(o + 7 * stride, e3, 1);
  }
}

/** 8 SMAs of one series in one pass (running sums). periods: 8 f64; out: 8 series of n f64. */
export function sma8(src: usize, n: i32, periods: usize, out: usize): void {
  let maxReady: i32 = 0;
  for (let k: i32 = 0; k < LANES; k++) {
    const p = <i32>load<f64>(periods + (<usize>k << 3));
    if (p - 1 > maxReady) maxReady = p - 1;
  }
  if (maxReady >= n) maxReady = n - 1;
  const state = memory.data(64);
  for (let k: i32 = 0; k < LANES; k++) {
    const pf = load<f64>(periods + (<usize>k << 3));
    const p = <i32>pf;
    const o = out + (<usize>k * <usize>n << 3);
    let sum: f64 = 0;
    for (let i: i32 = 0; i <= maxReady; i++) {
      const x = load<f64>(src + (<usize>i << 3));
      if (i < p) sum += x;
      else sum += x - load<f64>(src + (<usize>(i - p) << 3));
      store<f64>(o + (<usize>i << 3), i < p - 1 ? NaN : sum / pf);
    }
    store<f64>(state + (<usize>k << 3), sum);
  }
  let s0 = v128.load(state);
  let s1 = v128.load(state, 16);
  let s2 = v128.load(state, 32);
  let s3 = v128.load(state, 48);
  const p0 = v128.load(periods);
  const p1 = v128.load(periods, 16);
  const p2 = v128.load(periods, 32);
  const p3 = v128.load(periods, 48);
  const q0 = <usize>load<f64>(periods) << 3;
  const q1 = <usize>load<f64>(periods, 8) << 3;
  const q2 = <usize>load<f64>(periods, 16) << 3;
  const q3 = <usize>load<f64>(periods, 24) << 3;
  const q4 = <usize>load<f64>(periods, 32) << 3;
  const q5 = <usize>load<f64>(periods, 40) << 3;
  const q6 = <usize>load<f64>(periods, 48) << 3;
  const q7 = <usize>load<f64>(periods, 56) << 3;
  const stride = <usize>n << 3;
  for (let i: i32 = maxReady + 1; i < n; i++) {
    const at = src + (<usize>i << 3);
    const xv = f64x2.splat(load<f64>(at));
    const o0 = f64x2.replace_lane(f64x2.splat(load<f64>(at - q0)), 1, load<f64>(at - q1));
    const o1 = f64x2.replace_lane(f64x2.splat(load<f64>(at - q2)), 1, load<f64>(at - q3));
    const o2 = f64x2.replace_lane(f64x2.splat(load<f64>(at - q4)), 1, load<f64>(at - q5));
    const o3 = f64x2.replace_lane(f64x2.splat(load<f64>(at - q6)), 1, load<f64>(at - q7));
    s0 = f64x2.add(s0, f64x2.sub(xv, o0));
    s1 = f64x2.add(s1, f64x2.sub(xv, o1));
    s2 = f64x2.add(s2, f64x2.sub(xv, o2));
    s3 = f64x2.add(s3, f64x2.sub(xv, o3));
    const m0 = f64x2.div(s0, p0);
    const m1 = f64x2.div(s1, p1);
    const m2 = f64x2.div(s2, p2);
    const m3 = f64x2.div(s3, p3);
    const o = out + (<usize>i << 3);
    v128.store64_lane(o, m0, 0);
    v128.store64_lane(o + stride, m0, 1);
    v128.store64_lane(o + 2 * stride, m1, 0);
    v128.store64_lane(o + 3 * stride, m1, 1);
    v128.store64_lane(o + 4 * stride, m2, 0);
    v128.store64_lane(o + 5 * stride, m2, 1);
    v128.store64_lane(o + 6 * stride, m3, 0);
    v128.store64_lane(o + 7 * stride, m3, 1);
  }
}

/**
 * Sample covariance matrix of k series of length t (series-major at x). means: k f64 (written); out: k×k.
 * Products are accumulated in two interleaved partial sums (even / odd time index), then even + odd + tail.
 */
export function covMatrix(x: usize, k: i32, t: i32, means: usize, out: usize): void {
  const tf = <f64>t;
  for (let a: i32 = 0; a < k; a++) {
    const xa = x + (<usize>a * <usize>t << 3);
    let s: f64 = 0;
    for (let i: i32 = 0; i < t; i++) s += load<f64>(xa + (<usize>i << 3));
    store<f64>(means + (<usize>a << 3), s / tf);
  }
  const pairs = t & ~1;
  for (let a: i32 = 0; a < k; a++) {
    const xa = x + (<usize>a * <usize>t << 3);
    const ma = load<f64>(means + (<usize>a << 3));
    const mav = f64x2.splat(ma);
    for (let b: i32 = a; b < k; b++) {
      const xb = x + (<usize>b * <usize>t << 3);
      const mb = load<f64>(means + (<usize>b << 3));
      const mbv = f64x2.splat(mb);
      let acc = f64x2.splat(0);
      for (let i: i32 = 0; i < pairs; i += 2) {
        const va = f64x2.sub(v128.load(xa + (<usize>i << 3)), mav);
        const vb = f64x2.sub(v128.load(xb + (<usize>i << 3)), mbv);
        acc = f64x2.add(acc, f64x2.mul(va, vb));
      }
      let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
      if (pairs < t) s += (load<f64>(xa + (<usize>pairs << 3)) - ma) * (load<f64>(xb + (<usize>pairs << 3)) - mb);
      const c = s / (tf - 1);
      store<f64>(out + ((<usize>a * <usize>k + <usize>b) << 3), c);
      store<f64>(out + ((<usize>b * <usize>k + <usize>a) << 3), c);
    }
  }
}

/** Portfolio P&L per scenario: out[i] = sum over assets j (in order) of w[j] × r[j][i]; r is asset-major, t rows. */
export function portfolioPnl(r: usize, w: usize, k: i32, t: i32, out: usize): void {
  const pairs = t & ~1;
  memory.fill(out, 0, <usize>t << 3);
  for (let j: i32 = 0; j < k; j++) {
    const rj = r + (<usize>j * <usize>t << 3);
    const wj = load<f64>(w + (<usize>j << 3));
    const wv = f64x2.splat(wj);
    for (let i: i32 = 0; i < pairs; i += 2) {
      const o = out + (<usize>i << 3);
      v128.store(o, f64x2.add(v128.load(o), f64x2.mul(wv, v128.load(rj + (<usize>i << 3)))));
    }
    if (pairs < t) {
      const o = out + (<usize>pairs << 3);
      store<f64>(o, load<f64>(o) + wj * load<f64>(rj + (<usize>pairs << 3)));
    }
  }
}
