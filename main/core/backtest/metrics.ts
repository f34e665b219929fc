/**
 * Performance statistics from an equity curve (one float valuation per bar close) and a trade list.
 * Every definition, and where it differs from other backtesters', is in docs/statistics.md:
 * - returns are per bar; annualised with the periods per year of the run's trading calendar (365 days ×
 *   bars per day around the clock, 252 trading days for weekday markets) or the configured figure;
 *   risk-free rate 0;
 * - Sharpe = mean / sample stdev × √periods; Sortino = mean / downside deviation (RMS of negative returns
 *   over all bars) × √periods; CAGR over the calendar span of the curve; Calmar = CAGR / max drawdown;
 * - max drawdown is the largest fall from a running peak as a fraction of the peak; its duration is the
 *   longest stretch below a previous peak (peak → last bar below it), in bars and, from the bar times, in ms;
 * - SQN = √N × mean(trade return) / stdev(trade return) (Van Tharp, on returns rather than R-multiples);
 * - exposure = share of the run's bars with at least one open position (fractions of bars for fills inside a bar).
 * Values that do not exist (no trades, no losses, flat curve) are null rather than NaN or Infinity.
 */
import type { TradeFigures } from './trades.ts';

export const YEAR_MS = 365 * 86_400_000;

export interface Stats {
  readonly bars: number;
  readonly initialEquity: number;
  readonly finalEquity: number;
  /** Exact decimal text when the ledger provides it, else the float difference. */
  readonly netProfit: string;
  readonly netProfitPct: number;
  readonly cagr: number | null;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  readonly calmar: number | null;
  readonly maxDrawdown: number;
  readonly maxDrawdownDurationBars: number;
  readonly maxDrawdownDurationMs: number;
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly winRate: number | null;
  readonly profitFactor: number | null;
  readonly expectancy: number | null;
  readonly sqn: number | null;
  readonly exposure: number;
  readonly avgTrade: number | null;
  readonly avgTradePct: number | null;
  readonly bestTrade: number | null;
  readonly worstTrade: number | null;
  readonly avgBarsHeld: number | null;
  readonly fees: string;
}

const fin = (x: number): number | null => (Number.isFinite(x) ? x : null);

export interface DrawdownInfo {
  readonly curve: Float64Array;
  readonly max: number;
  readonly durationBars: number;
  /** Longest time below a peak, from the bar times (a weekend inside it counts as time); bars × 0 without times. */
  readonly durationMs: number;
}

/**
 * Drawdown per bar (≥ 0, fraction of the running peak) and the worst depth and duration. `ts`: the time of each
 * equity point, for the duration in ms (the longest in bars and the longest in time may be different stretches).
 */
export function drawdown(equity: Float64Array, withCurve = true, ts?: Float64Array): DrawdownInfo {
  const n = equity.length;
  const curve = new Float64Array(withCurve ? n : 0);
  let peak = -Infinity;
  let peakAt = 0;
  let max = 0;
  let longest = 0;
  let longestMs = 0;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    if (e >= peak) {
      peak = e;
      peakAt = i;
    }
    const d = peak > 0 ? (peak - e) / peak : 0;
    if (withCurve) curve[i] = d;
    if (d > max) max = d;
    if (i - peakAt > longest) longest = i - peakAt;
    if (ts && ts[i]! - ts[peakAt]! > longestMs) longestMs = ts[i]! - ts[peakAt]!;
  }
  return { curve, max, durationBars: longest, durationMs: longestMs };
}

export interface StatsInput {
  readonly equity: Float64Array;
  readonly initialEquity: number;
  readonly intervalMs: number;
  /** Return periods in a year (Sharpe, Sortino); default: around the clock, 365 days / intervalMs. */
  readonly periodsPerYear?: number;
  readonly trades: TradeFigures;
  /** Time of each equity point (bar close), for the drawdown duration in ms; without it, bars × interval. */
  readonly ts?: Float64Array;
  /** Drawdown of `equity` when the caller has it already (computed with `ts`), otherwise computed here. */
  readonly drawdown?: DrawdownInfo;
  /** Exact net profit / fees (decimal text) from the ledger. */
  readonly netProfit?: string;
  readonly fees?: string;
  /** Span of the period in ms (defaults to bars × interval). */
  readonly spanMs?: number;
}

export function computeStats(x: StatsInput): Stats {
  const eq = x.equity;
  const n = eq.length;
  const init = x.initialEquity;
  const final = n ? eq[n - 1]! : init;
  const ppy = x.periodsPerYear ?? YEAR_MS / x.intervalMs;
  let sum = 0;
  let sumSq = 0;
  let down = 0;
  let prev = init;
  for (let i = 0; i < n; i++) {
    const e = eq[i]!;
    const r = prev !== 0 ? e / prev - 1 : 0;
    sum += r;
    sumSq += r * r;
    if (r < 0) down += r * r;
    prev = e;
  }
  const mean = n ? sum / n : 0;
  const variance = n > 1 ? (sumSq - n * mean * mean) / (n - 1) : 0;
  const sd = Math.sqrt(Math.max(0, variance));
  const dd = Math.sqrt(n ? down / n : 0);
  const dds = x.drawdown ?? drawdown(eq, false, x.ts);
  const span = x.spanMs ?? n * x.intervalMs;
  const years = span / YEAR_MS;
  const growth = final / init;
  const cagr = years > 0 && growth > 0 ? growth ** (1 / years) - 1 : null;
  const t = x.trades;
  const k = t.n;
  const pv = t.pnlValue;
  const rv = t.returnPct;
  // One pass over the columns (a sweep computes this thousands of times); sums run in trade order.
  let sumP = 0, sumR = 0, grossWin = 0, lossSum = 0, wins = 0, losses = 0, best = -Infinity, worst = Infinity, barsSum = 0;
  for (let j = 0; j < k; j++) {
    const p = pv[j]!;
    sumP += p;
    sumR += rv[j]!;
    barsSum += t.bars[j]!;
    if (p > 0) {
      wins++;
      grossWin += p;
    } else if (p < 0) {
      losses++;
      lossSum += p;
    }
    if (p > best) best = p;
    if (p < worst) worst = p;
  }
  const grossLoss = -lossSum;
  const m = k ? sumP / k : NaN;
  const mr = k ? sumR / k : NaN;
  let dev = 0;
  for (let j = 0; j < k; j++) dev += (rv[j]! - mr) ** 2;
  const sr = k > 1 ? Math.sqrt(dev / (k - 1)) : NaN;
  return {
    bars: n,
    initialEquity: init,
    finalEquity: final,
    netProfit: x.netProfit ?? String(final - init),
    netProfitPct: init ? final / init - 1 : 0,
    cagr: cagr === null ? null : fin(cagr),
    sharpe: sd > 0 ? fin((mean / sd) * Math.sqrt(ppy)) : null,
    sortino: dd > 0 ? fin((mean / dd) * Math.sqrt(ppy)) : null,
    calmar: cagr !== null && dds.max > 0 ? fin(cagr / dds.max) : null,
    maxDrawdown: dds.max,
    maxDrawdownDurationBars: dds.durationBars,
    maxDrawdownDurationMs: x.ts ? dds.durationMs : dds.durationBars * x.intervalMs,
    trades: k,
    wins,
    losses,
    winRate: k ? wins / k : null,
    profitFactor: grossLoss > 0 ? grossWin / grossLoss : null,
    expectancy: fin(m),
    sqn: sr > 0 ? fin((Math.sqrt(k) * mr) / sr) : null,
    exposure: exposure(t, n),
    avgTrade: fin(m),
    avgTradePct: fin(mr),
    bestTrade: k ? best : null,
    worstTrade: k ? worst : null,
    avgBarsHeld: k ? barsSum / k : null,
    fees: x.fees ?? '0',
  };
}

/** Share of the run's bars covered by the union of trade intervals on the bar axis (any symbol). */
function exposure(t: TradeFigures, bars: number): number {
  const n = t.n;
  if (!n || bars <= 0) return 0;
  const entry = t.entryAt;
  const exit = t.exitAt;
  let sorted = true;
  for (let j = 1; j < n && sorted; j++) sorted = entry[j - 1]! <= entry[j]!;
  // One symbol's trades come in entry order already; only interleaved symbols need the (stable) sort.
  let order: ArrayLike<number> | undefined;
  if (!sorted) order = Array.from({ length: n }, (_, j) => j).sort((a, b) => entry[a]! - entry[b]!);
  const at = (j: number): number => (order ? order[j]! : j);
  let covered = 0;
  let s = entry[at(0)]!;
  let e = Math.max(exit[at(0)]!, s);
  for (let j = 1; j < n; j++) {
    const a = entry[at(j)]!;
    const b = Math.max(exit[at(j)]!, a);
    if (a <= e) e = Math.max(e, b);
    else {
      covered += e - s;
      s = a;
      e = b;
    }
  }
  covered += e - s;
  return Math.min(1, covered / bars);
}
