/**
 * `npm run bench -- risk`. Method: ../shared/PERFORMANCE.md via harness.ts. Ratio lines last.
 *
 * 1. The full pre-trade check, every rule on (per-order, daily loss, drawdown, open positions, gross/net,
 *    leverage, buying power, correlation bucket, parametric VaR), 100 open positions: per-call latency
 *    (p50/p99 over 20,000 checks, hrtime per call) of Engine.checkRisk vs a straightforward JS check that
 *    values the same account from position objects and recomputes wᵀΣw and the bucket per order.
 * 2. VaR + correlation for 100 positions × 1,000 returns: the SIMD `cov` kernel (wasm when built) →
 *    correlation → snapshot (parametric and historical VaR), and one slide of the incremental window, vs
 *    straightforward JS (number[][], two-pass covariance, sort for the quantile). Results checked equal.
 */
import { Engine, SimClock } from '../../main/core/engine/index.ts';
import { defineInstrument, type OrderRequest } from '../../main/core/model/index.ts';
import { LimitsRiskGate } from '../../main/core/risk/gate.ts';
import { toRiskLimits, STANDARD_PROFILE } from '../../main/core/risk/profile.ts';
import { correlation, RollingReturns, snapshot, Z } from '../../main/core/risk/var.ts';
import { PaperVenue } from '../../main/venues/paper/paper-venue.ts';
import { buildNative, nativeIsStale } from '../../native/build.ts';
import { covarianceMatrix, useNativeKernels } from '../../native/kernels.ts';
import { loadNodeKernels } from '../../native/node.ts';
import { figure, interleaved, ratio } from './harness.ts';

const K = 100;
const T = 1000;
let seed = 42;
const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;

// ---- returns with a common factor (so buckets exist) ------------------------------------------------------
const returns = Array.from({ length: K }, () => new Float64Array(T));
for (let t = 0; t < T; t++) {
  const f = rnd() * 0.02;
  for (let a = 0; a < K; a++) returns[a]![t] = (a % 4 === 0 ? f : 0) + rnd() * 0.01;
}
const symbols = Array.from({ length: K }, (_, a) => `S${a}/USDT`);

// ---- 1. the pre-trade check ------------------------------------------------------------------------------
const insts = symbols.map((s) => defineInstrument({ symbol: s, venue: 'paper', base: s.split('/')[0]!, quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '0.001', makerFee: '0', takerFee: '0' }));
const clock = new SimClock();
const limits = { ...toRiskLimits({ ...STANDARD_PROFILE, maxOpenPositions: 200, maxPositionPctEquity: 5, maxLeverage: 3 }), maxOrderNotional: '1000000', maxOpenOrders: 500, priceBandBps: 500, maxGrossExposure: 1e9, maxNetExposure: 1e9, correlation: { threshold: 0.7, maxBucketPctEquity: 5 }, var: { maxPctEquity: 1 } };
const gate = new LimitsRiskGate(limits);
const engine = new Engine({ instruments: insts, venue: new PaperVenue({ instruments: insts, clock }), clock, risk: gate, sessionId: 'B', portfolio: { baseCurrency: 'USDT', cash: { USDT: '1000000' } } });
const bar = (t: number) => insts.forEach((i, a) => engine.onCandle(i.symbol, { ts: t, open: 100 + a, high: 100 + a, low: 100 + a, close: 100 + a, volume: 1e9 }, 60_000));
bar(0);
for (const i of insts) engine.submit({ symbol: i.symbol, side: 'buy', type: 'market', qty: 50_000 }); // 50 units ≈ 5,000 each
bar(60_000);
const weights = Float64Array.from(insts, (i) => engine.portfolio.positionQty(i.symbol) / 1000 * engine.lastPrice(i.symbol));
if (weights.some((w) => w <= 0)) throw new Error('positions did not open');
const cov = covarianceMatrix(returns);
gate.setSnapshot(snapshot(symbols, cov, returns, weights, 'parametric', 0.99));
const req: OrderRequest = { symbol: symbols[7]!, side: 'buy', type: 'limit', qty: 1000, price: 10_700 };

/** The straightforward check: account valued from position objects, bucket and wᵀΣw recomputed per order. */
interface Pos { symbol: string; qty: number; price: number; value: number }
const corrJs = correlation(cov, K);
function naiveCheck(positions: Pos[], order: { symbol: string; qty: number; price: number }, equity: number, dayStart: number, peak: number): string[] {
  const reasons: string[] = [];
  const after = positions.map((p) => (p.symbol === order.symbol ? { ...p, qty: p.qty + order.qty, value: (p.qty + order.qty) * order.price } : p));
  const gross = after.reduce((s, p) => s + Math.abs(p.value), 0);
  const net = after.reduce((s, p) => s + p.value, 0);
  const open = after.filter((p) => p.qty !== 0).length;
  const mine = after.find((p) => p.symbol === order.symbol)!;
  if (order.qty * order.price > 1_000_000) reasons.push('max_order_notional');
  if (Math.abs(mine.value) > 0.05 * equity) reasons.push('max_position_pct_equity');
  if (open > 200) reasons.push('max_open_positions');
  if (gross > 1e9) reasons.push('max_gross_exposure');
  if (Math.abs(net) > 1e9) reasons.push('max_net_exposure');
  if (gross > 3 * equity) reasons.push('max_leverage');
  if (gross > equity) reasons.push('buying_power');
  if (dayStart - equity >= 0.05 * dayStart) reasons.push('max_daily_loss_pct');
  if ((peak - equity) / peak >= 0.15) reasons.push('drawdown_halt');
  const i = symbols.indexOf(order.symbol);
  const bucket = after.filter((p) => Math.abs(corrJs[i * K + symbols.indexOf(p.symbol)]!) > 0.7);
  if (bucket.reduce((s, p) => s + Math.abs(p.value), 0) > 5 * equity) reasons.push('correlation_bucket');
  const w = symbols.map((s) => after.find((p) => p.symbol === s)?.value ?? 0);
  let v = 0;
  for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) v += w[a]! * cov[a * K + b]! * w[b]!;
  if (Z[0.99]! * Math.sqrt(v) > equity) reasons.push('max_var');
  return reasons;
}
const positions: Pos[] = insts.map((i) => ({ symbol: i.symbol, qty: engine.portfolio.positionQty(i.symbol) / 1000, price: engine.lastPrice(i.symbol), value: engine.portfolio.positionQty(i.symbol) / 1000 * engine.lastPrice(i.symbol) }));
const equity = engine.portfolio.equity();
const oursV = engine.checkRisk(req);
const peerV = naiveCheck(positions, { symbol: req.symbol, qty: 1, price: 107 }, equity, equity, equity);
if (oursV.reasons.map((r) => r.rule).join() !== peerV.join()) throw new Error(`verdicts differ: ours ${oursV.reasons.map((r) => r.rule).join()} peer ${peerV.join()}`);

function latencies(fn: () => unknown, n: number): { p50: number; p99: number } {
  const ns = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const t0 = process.hrtime.bigint();
    fn();
    ns[k] = Number(process.hrtime.bigint() - t0);
  }
  ns.sort();
  return { p50: ns[Math.floor(n * 0.5)]! / 1000, p99: ns[Math.floor(n * 0.99)]! / 1000 };
}
const N = 20_000;
const ours: { p50: number; p99: number }[] = [], peer: { p50: number; p99: number }[] = [];
for (let round = 0; round < 9; round++) {
  (globalThis as { gc?: () => void }).gc?.();
  const a = latencies(() => engine.checkRisk(req), N);
  (globalThis as { gc?: () => void }).gc?.();
  const b = latencies(() => naiveCheck(positions, { symbol: req.symbol, qty: 1, price: 107 }, equity, equity, equity), N);
  if (round >= 2) {
    ours.push(a);
    peer.push(b);
  }
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ourP99 = med(ours.map((x) => x.p99)), peerP99 = med(peer.map((x) => x.p99));
figure('risk pre-trade check p50 (100 positions, every rule)', med(ours.map((x) => x.p50)), 'µs');
figure('risk pre-trade check p50, straightforward JS', med(peer.map((x) => x.p50)), 'µs');

// ---- 2. VaR + correlation for 100 × 1,000 ----------------------------------------------------------------
if (nativeIsStale()) await buildNative();
const { kernels, reason } = loadNodeKernels();
if (kernels) useNativeKernels(kernels);
else console.log(`# wasm kernels unavailable (${reason}): the JS reference runs`);

function naiveAnalytics(series: number[][], w: number[]): { corr: number[][]; pvar: number; hvar: number } {
  const k = series.length, t = series[0]!.length;
  const means = series.map((s) => s.reduce((a, b) => a + b, 0) / t);
  const c: number[][] = series.map((sa, a) => series.map((sb, b) => sa.reduce((s, x, i) => s + (x - means[a]!) * (sb[i]! - means[b]!), 0) / (t - 1)));
  const corr = c.map((row, a) => row.map((v, b) => (a === b ? 1 : v / Math.sqrt(c[a]![a]! * c[b]![b]!))));
  let v = 0;
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) v += w[a]! * c[a]![b]! * w[b]!;
  const pnl = Array.from({ length: t }, (_, i) => series.reduce((s, r, a) => s + w[a]! * r[i]!, 0)).sort((a, b) => a - b);
  return { corr, pvar: Z[0.99]! * Math.sqrt(v), hvar: -pnl[Math.floor(0.01 * t)]! };
}
const seriesArr = returns.map((r) => Array.from(r));
const wArr = Array.from(weights);
function oursAnalytics() {
  const c = covarianceMatrix(returns);
  const p = snapshot(symbols, c, returns, weights, 'parametric', 0.99);
  const h = snapshot(symbols, c, returns, weights, 'historical', 0.99);
  return { corr: p.corr, pvar: p.var, hvar: h.var };
}
const o = oursAnalytics(), n = naiveAnalytics(seriesArr, wArr);
if (Math.abs(o.pvar - n.pvar) > 1e-6 * n.pvar || Math.abs(o.hvar - n.hvar) > 1e-6 * Math.abs(n.hvar) || Math.abs(o.corr[3]! - n.corr[0]![3]!) > 1e-9) throw new Error(`analytics differ: ${o.pvar} vs ${n.pvar}, ${o.hvar} vs ${n.hvar}`);
const roll = new RollingReturns(K, T);
for (let t = 0; t < T; t++) roll.push(returns.map((r) => r[t]!));
const row = Float64Array.from({ length: K }, () => rnd() * 0.01);
const res = await interleaved([
  { name: 'ours', run: oursAnalytics },
  { name: 'slide', run: () => {
    for (let x = 0; x < 100; x++) roll.push(row);
    return roll.covariance();
  } },
  { name: 'naive', run: () => naiveAnalytics(seriesArr, wArr) },
]);
figure('risk incremental window slide (100 symbols, one new row + covariance)', res.get('slide')!.medianMs * 10, 'µs');
figure(`risk VaR + correlation (${kernels ? 'wasm SIMD cov' : 'JS cov'}) 100 × 1,000`, res.get('ours')!.medianMs, 'ms');
ratio('risk pre-trade check p99 (100 positions, every rule)', 'straightforward JS', ourP99, peerP99, 'µs', false);
ratio('risk VaR + correlation 100 positions × 1,000 returns', 'straightforward JS', res.get('ours')!.medianMs, res.get('naive')!.medianMs, 'ms', false);
