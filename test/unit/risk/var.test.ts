/** Correlation buckets and VaR: the sliding window against a from-scratch computation, hand-worked VaR, gate boundaries. */
import { describe, expect, it } from 'vitest';
import { defineInstrument } from '../../../main/core/model/index.ts';
import { emptyRiskBook, type RiskInput } from '../../../main/core/ports.ts';
import { LimitsRiskGate } from '../../../main/core/risk/gate.ts';
import { correlation, historicalLoss, RollingReturns, snapshot, varAfter } from '../../../main/core/risk/var.ts';
import { correlationMatrix, historicalVar } from '../../../native/kernels.ts';
import { covMatrixJs } from '../../../native/reference.ts';
import { SPEC } from '../core/engine-fixtures.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
}

describe('rolling returns and VaR', () => {
  it('the sliding window’s covariance equals a from-scratch one (the SIMD kernel’s JS reference) after it wrapped', () => {
    const r = rng(7);
    const k = 5, w = 40;
    const roll = new RollingReturns(k, w);
    const rows: number[][] = [];
    for (let t = 0; t < 137; t++) {
      const common = r() * 0.02;
      const row = Array.from({ length: k }, (_, a) => common * (a < 3 ? 1 : -0.5) + r() * 0.01);
      rows.push(row);
      roll.push(row);
    }
    const win = rows.slice(-w);
    const series = Array.from({ length: k }, (_, a) => Float64Array.from(win, (row) => row[a]!));
    const want = covMatrixJs(series);
    const got = roll.covariance();
    for (let x = 0; x < k * k; x++) expect(got[x]).toBeCloseTo(want[x]!, 12);
    expect(roll.series().map((s) => Array.from(s))).toEqual(series.map((s) => Array.from(s)));
    const corr = correlation(got, k);
    const ref = correlationMatrix(series);
    for (let x = 0; x < k * k; x++) expect(corr[x]).toBeCloseTo(ref[x]!, 10);
    expect(corr[0 * k + 1]).toBeGreaterThan(0.7); // the first three move together
  });

  it('parametric VaR by hand: σ 2 % on 1,000 is 20; 99 % → 46.53; adding 1,000 of an uncorrelated σ 1 % asset → √500 × 2.326', () => {
    const cov = Float64Array.from([0.0004, 0, 0, 0.0001]);
    const s = snapshot(['A', 'B'], cov, [new Float64Array(0), new Float64Array(0)], Float64Array.from([1000, 0]), 'parametric', 0.99);
    expect(s.var).toBeCloseTo(2.3263478740408408 * 20, 10);
    expect(varAfter(s, 1, 1000)).toBeCloseTo(2.3263478740408408 * Math.sqrt(500), 10);
    expect(varAfter(s, 0, -1000)).toBe(0);
    const s95 = snapshot(['A', 'B'], cov, [new Float64Array(0), new Float64Array(0)], Float64Array.from([1000, 0]), 'parametric', 0.95);
    expect(s95.var).toBeCloseTo(1.6448536269514722 * 20, 10);
  });

  it('historical VaR by hand: returns −5 %…+4.9 % in 0.1 % steps on 1,000 → 95 % VaR is 45, as the native reference says', () => {
    const r = Float64Array.from({ length: 100 }, (_, t) => (t - 50) / 1000);
    const shuffled = Float64Array.from(r).sort(() => 0).reverse();
    const s = snapshot(['A'], Float64Array.from([0]), [shuffled], Float64Array.from([1000]), 'historical', 0.95);
    expect(s.var).toBeCloseTo(45, 9);
    expect(s.var).toBeCloseTo(historicalVar([shuffled], [1000], 0.95), 9);
    expect(historicalLoss(s.scenarios, 0.99)).toBeCloseTo(49, 9);
    expect(varAfter(s, 0, 1000)).toBeCloseTo(90, 9); // twice the weight, twice the loss
  });
});

const inst = defineInstrument(SPEC);
function input(o: { qty: number; exposure: number[]; equity?: number; side?: 'buy' | 'sell'; positionQty?: number }): RiskInput {
  const book = { ...emptyRiskBook(), symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'], exposure: Float64Array.from(o.exposure) };
  return {
    request: { symbol: inst.symbol, side: o.side ?? 'buy', type: 'limit', qty: o.qty, price: 10_000 },
    source: 'ticket', instrument: inst, tradingState: 'active', positionQty: o.positionQty ?? 0, workingQty: 0, openOrders: 0, lastPrice: 10_000, equity: o.equity ?? 10_000, ts: 0, book,
  };
}

describe('correlation and VaR rules in the gate', () => {
  // BTC and ETH correlate 0.8, SOL is independent. 1 BTC = 100 USDT at 100.00.
  const cov = Float64Array.from([1e-4, 0.8e-4, 0, 0.8e-4, 1e-4, 0, 0, 0, 1e-4]);
  const none = [new Float64Array(0), new Float64Array(0), new Float64Array(0)];

  it('correlation bucket (10 % of 10,000): ETH 900 held + BTC 100 is at the cap; 100.1 is over; SOL does not count', () => {
    const g = new LimitsRiskGate({ correlation: { threshold: 0.7, maxBucketPctEquity: 0.1 } });
    g.setSnapshot(snapshot(['BTC/USDT', 'ETH/USDT', 'SOL/USDT'], cov, none, Float64Array.from([0, 900, 5000]), 'parametric', 0.99));
    expect(g.check(input({ qty: 999, exposure: [0, 900, 5000] })).ok).toBe(true);
    expect(g.check(input({ qty: 1000, exposure: [0, 900, 5000] })).ok).toBe(true);
    expect(g.check(input({ qty: 1001, exposure: [0, 900, 5000] })).reasons).toMatchObject([{ rule: 'correlation_bucket', limit: 0.1, actual: 0.1 }]);
    // Alone (no correlated position held) the bucket rule does not apply.
    expect(g.check(input({ qty: 5000, exposure: [0, 0, 5000] })).ok).toBe(true);
    // A short ETH counts by its size: correlation is a bucket of risk, whatever the sign.
    expect(g.check(input({ qty: 1001, exposure: [0, -900, 0] })).ok).toBe(false);
  });

  it('VaR limit (99 % parametric, 1 % of equity 10,000 = 100): at, below and above', () => {
    // σ(BTC) 1 %: VaR of a BTC position v alone = 2.326·0.01·v; the cap 100 is reached at v = 4,298.6.
    const g = new LimitsRiskGate({ var: { maxPctEquity: 0.01 } });
    g.setSnapshot(snapshot(['BTC/USDT', 'ETH/USDT', 'SOL/USDT'], cov, none, Float64Array.from([0, 0, 0]), 'parametric', 0.99));
    const atCap = 100 / (2.3263478740408408 * 0.01); // 4,298.6 USDT
    const lots = Math.floor(atCap); // 1 lot = 0.1 USDT at 100.00 → qty in lots = value × 10
    expect(g.check(input({ qty: Math.floor(atCap * 10), exposure: [0, 0, 0] })).ok).toBe(true);
    expect(g.check(input({ qty: Math.floor(atCap * 10) + 1, exposure: [0, 0, 0] })).reasons).toMatchObject([{ rule: 'max_var', limit: 0.01 }]);
    expect(g.check(input({ qty: lots, exposure: [0, 0, 0] })).ok).toBe(true);
    // A reducing order never meets the VaR rule.
    expect(g.check(input({ qty: 1000, side: 'sell', positionQty: 60_000, exposure: [6000, 0, 0] })).ok).toBe(true);
  });
});
