/** Seeded synthetic candles for indicator tests (no real market data is committed). */
export interface TestCandles {
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  ref: Float64Array;
}

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** A random walk around `base` with occasional flat stretches (equal closes, flat ranges exercise edge rules). */
export function candles(n: number, seed = 1, base = 100): TestCandles {
  const r = rng(seed);
  const c: TestCandles = { ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n), ref: new Float64Array(n) };
  let p = base;
  let q = base / 2;
  for (let i = 0; i < n; i++) {
    const o = p;
    const flat = r() < 0.05;
    if (!flat) p *= 1 + (r() - 0.5) * 0.02;
    q += r() - 0.5 + (p - o) * 0.3;
    c.ts[i] = 1_700_000_000_000 + i * 3_600_000;
    c.open[i] = o;
    c.close[i] = p;
    c.high[i] = flat ? p : Math.max(o, p) * (1 + r() * 0.004);
    c.low[i] = flat ? p : Math.min(o, p) * (1 - r() * 0.004);
    c.volume[i] = flat ? 0 : 100 + r() * 900;
    c.ref[i] = q;
  }
  return c;
}
