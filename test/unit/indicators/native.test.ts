/**
 * wasm SIMD kernels vs their JS references: identical bits, loaded both the Node way (fs) and the browser way
 * (fetch from a URL over HTTP), and the run-time selection falls back to JS with the same results.
 */
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { ema, sma } from '../../../main/core/indicators/index.ts';
import { buildNative, nativeIsStale } from '../../../native/build.ts';
import { correlationMatrix, covarianceMatrix, historicalVar, multiEma, multiSma, useNativeKernels, visitMultiEma } from '../../../native/kernels.ts';
import { kernelsFromUrl, type NativeKernels, simdSupported } from '../../../native/loader.ts';
import { loadNodeKernels, WASM_PATH } from '../../../native/node.ts';
import { covMatrixJs, emaManyJs, portfolioPnlJs, smaManyJs } from '../../../native/reference.ts';
import { candles, rng } from './fixtures.ts';

const same = (a: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[]) => {
  expect(a.length).toBe(b.length);
  a.forEach((x, k) => {
    expect(x.length).toBe(b[k]!.length);
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], b[k]![i])) expect.fail(`series ${k} [${i}]: ${x[i]} vs ${b[k]![i]}`);
  });
};

let kernels: NativeKernels;
beforeAll(async () => {
  if (nativeIsStale()) await buildNative();
  const loaded = loadNodeKernels();
  if (!loaded.kernels) throw new Error(`wasm kernels did not load: ${loaded.reason}`);
  kernels = loaded.kernels;
}, 120_000);

describe('wasm SIMD kernels', () => {
  it('the runtime supports SIMD and the module loads', () => {
    expect(simdSupported()).toBe(true);
  });

  it('ema8 / sma8 equal the JS references bit for bit, which equal core ema()/sma()', () => {
    const c = candles(5000, 3, 60_000).close;
    for (const periods of [[5, 8, 13, 21, 34, 55, 89, 144], [1, 2, 3, 4, 5, 6, 7, 8], [30, 1, 30, 2, 7, 7, 200, 9]]) {
      same(kernels.ema8(c, periods), emaManyJs(c, periods));
      same(kernels.ema8Scratch(c, periods), emaManyJs(c, periods));
      same(emaManyJs(c, periods), periods.map((p) => ema(c, p)));
      same(kernels.sma8(c, periods), smaManyJs(c, periods));
      same(smaManyJs(c, periods), periods.map((p) => sma(c, p)));
    }
    // Shorter than the longest period: the slow lanes stay NaN.
    const short = c.subarray(0, 50);
    same(kernels.ema8(short, [5, 8, 13, 21, 34, 55, 89, 144]), emaManyJs(short, [5, 8, 13, 21, 34, 55, 89, 144]));
    expect(kernels.ema8(short, [5, 8, 13, 21, 34, 55, 89, 144])[7]!.every(Number.isNaN)).toBe(true);
  });

  it('writes into caller buffers and grows its memory across calls of different sizes', () => {
    const r = rng(4);
    for (const n of [10, 100_000, 7, 300_000]) {
      const src = Float64Array.from({ length: n }, () => 100 + r());
      const outs = Array.from({ length: 8 }, () => new Float64Array(n));
      const got = kernels.ema8(src, [2, 3, 4, 5, 6, 7, 8, 9], outs);
      expect(got[3]).toBe(outs[3]);
      same(outs, emaManyJs(src, [2, 3, 4, 5, 6, 7, 8, 9]));
    }
  });

  it('covariance matrix and portfolio P&L equal the JS references (odd and even lengths)', () => {
    const r = rng(5);
    for (const t of [101, 2000]) {
      const series = Array.from({ length: 7 }, () => Float64Array.from({ length: t }, () => r() - 0.5));
      const w = series.map(() => r());
      same([kernels.covMatrix(series)], [covMatrixJs(series)]);
      same([kernels.portfolioPnl(series, w)], [portfolioPnlJs(series, w)]);
      // The covariance itself, from the definition.
      const m = series.map((s) => s.reduce((a, b) => a + b, 0) / t);
      let c01 = 0;
      for (let i = 0; i < t; i++) c01 += (series[0]![i]! - m[0]!) * (series[1]![i]! - m[1]!);
      expect(covMatrixJs(series)[1]).toBeCloseTo(c01 / (t - 1), 12);
    }
  });

  it('loads from a URL the way a browser does (fetch + compile), with the same results', async () => {
    const bytes = readFileSync(WASM_PATH);
    const server = createServer((_, res) => {
      res.writeHead(200, { 'content-type': 'application/wasm' });
      res.end(bytes);
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const k = await kernelsFromUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/kernels.wasm`);
      const src = candles(1000, 8).close;
      same(k.ema8(src, [3, 5, 8, 13, 21, 34, 55, 89]), emaManyJs(src, [3, 5, 8, 13, 21, 34, 55, 89]));
    } finally {
      server.close();
    }
  });
});

describe('run-time selection', () => {
  it('gives identical results with wasm installed and with the JS path', () => {
    const c = candles(3000, 6);
    const periods = [3, 5, 8, 13, 21, 34, 55, 89, 144, 10, 20];
    const series = [c.close, c.high, c.low, c.ref];
    const r = rng(9);
    const returns = Array.from({ length: 5 }, () => Float64Array.from({ length: 500 }, () => (r() - 0.5) * 0.04));
    const run = () => {
      const visited: number[] = [];
      visitMultiEma(c.close, periods, (k, s) => visited.push(k, s[s.length - 1]!));
      return { e: multiEma(c.close, periods), s: multiSma(c.close, periods), cov: covarianceMatrix(series), corr: correlationMatrix(series), v: historicalVar(returns, [0.2, 0.2, 0.2, 0.2, 0.2], 0.95), visited };
    };
    useNativeKernels(kernels);
    const a = run();
    useNativeKernels(null);
    const b = run();
    same(a.e, b.e);
    same(a.s, b.s);
    same([a.cov, a.corr, [a.v], a.visited], [b.cov, b.corr, [b.v], b.visited]);
    same(a.e, periods.map((p) => ema(c.close, p)));
    expect(a.corr[0]).toBe(1);
    expect(a.v).toBeGreaterThan(0);
  });

  it('historical VaR is the lower empirical quantile of portfolio P&L', () => {
    const pnl = Float64Array.from({ length: 100 }, (_, i) => i - 50); // -50..49
    expect(historicalVar([pnl], [1], 0.95)).toBe(45);
    expect(historicalVar([pnl], [2], 0.99)).toBe(98);
    expect(() => historicalVar([pnl], [1, 2])).toThrow(RangeError);
  });
});
