/**
 * The correlation and VaR rules' inputs, built from the prices the gate already watches between orders, so
 * the rules work the same in backtest, paper and live without anyone feeding them. Prices are sampled at a
 * fixed interval (the last print of each symbol in each interval): one row of simple returns per closed
 * interval goes into a RollingReturns window. A snapshot (risk/var.ts) is rebuilt when a row arrives and when
 * the account's weights have moved materially since the last one, never on every check (the O(k²) rebuild
 * would cost more than the rest of the check).
 *
 * VaR is a 1-day figure: the window's per-interval VaR is scaled by √(intervals per day) (square-root-of-time,
 * which assumes independent returns; with 1-day sampling there is no scaling). The rules stay silent until
 * the window holds MIN_ROWS rows (or is full when it is shorter), since a correlation over a handful of
 * returns refuses orders on noise.
 */
import type { StatsSeed } from './seed.ts';
import { RollingReturns, snapshot, type RiskSnapshot } from './var.ts';

export const MIN_ROWS = 20;
const DAY_MS = 86_400_000;

export interface StatsConfig {
  /** Sampling interval of the returns, ms. */
  readonly intervalMs: number;
  /** Rows in the rolling window. */
  readonly window: number;
  readonly method: 'historical' | 'parametric';
  readonly confidence: 0.95 | 0.99;
}

export class PortfolioStats {
  readonly cfg: StatsConfig;
  private readonly index = new Map<string, number>();
  private symbols: string[] = [];
  private last = new Float64Array(0);
  private prev = new Float64Array(0);
  private returns: RollingReturns;
  private bucket = Number.NaN;
  private row = new Float64Array(0);
  private snap: RiskSnapshot | undefined;
  private stale = true;
  private map = new Int32Array(0);
  private mapFor: readonly string[] | undefined;
  private mapSymbols: readonly string[] | undefined;
  /** Rows pushed since the window (re)started. */
  rows = 0;

  constructor(cfg: StatsConfig) {
    this.cfg = cfg;
    this.returns = new RollingReturns(0, cfg.window);
  }

  /** Whether the config matches (limits changed mid-session keep the window when it does). */
  sameAs(cfg: StatsConfig): boolean {
    const c = this.cfg;
    return c.intervalMs === cfg.intervalMs && c.window === cfg.window && c.method === cfg.method && c.confidence === cfg.confidence;
  }

  /** A print. Returns true when it closed an interval (a new row of returns). */
  observe(symbol: string, ts: number, price: number): boolean {
    if (!(price > 0) || !Number.isFinite(price)) return false;
    let i = this.index.get(symbol);
    if (i === undefined) i = this.add(symbol);
    const b = Math.floor(ts / this.cfg.intervalMs);
    let closed = false;
    if (!(b <= this.bucket)) {
      if (this.bucket === this.bucket) closed = this.closeRow();
      this.bucket = b;
    }
    this.last[i] = price;
    return closed;
  }

  private closeRow(): boolean {
    const k = this.symbols.length;
    const row = this.row;
    let any = false;
    for (let a = 0; a < k; a++) {
      const p = this.prev[a]!, l = this.last[a]!;
      row[a] = p > 0 && l > 0 ? l / p - 1 : 0;
      if (p > 0 && l > 0) any = true;
      if (l > 0) this.prev[a] = l;
    }
    if (!any) return false;
    this.returns.push(row);
    this.rows++;
    this.stale = true;
    return true;
  }

  /**
   * Takes over a window built from stored history (risk/seed.ts) when it is longer than the one sampled so far;
   * the seed's last prices become the base of the next live return. Symbols seen live but missing from the
   * seed would restart the window at their next print, so a seed without them is refused. True when taken.
   */
  seed(s: StatsSeed): boolean {
    const k = s.symbols.length;
    const n = Math.min(s.n, this.cfg.window);
    if (n <= this.rows || n < 2 || s.last.length !== k) return false;
    if (this.symbols.some((x) => !s.symbols.includes(x))) return false;
    const skip = s.n - n;
    this.symbols = [...s.symbols];
    this.index.clear();
    this.symbols.forEach((x, i) => this.index.set(x, i));
    this.last = Float64Array.from(s.last);
    this.prev = Float64Array.from(s.last);
    this.row = new Float64Array(k);
    this.returns = new RollingReturns(k, this.cfg.window);
    if (skip === 0) this.returns.load(s.rows, n, s.sum, s.cross);
    else for (let t = skip; t < s.n; t++) this.returns.push(s.rows.subarray(t * k, (t + 1) * k));
    this.rows = n;
    this.snap = undefined;
    this.stale = true;
    this.mapFor = undefined;
    return true;
  }

  /** A symbol seen for the first time restarts the window: a column of made-up zeros would bias every figure. */
  private add(symbol: string): number {
    const i = this.symbols.length;
    this.symbols = [...this.symbols, symbol];
    this.index.set(symbol, i);
    const grow = (a: Float64Array): Float64Array<ArrayBuffer> => {
      const b = new Float64Array(i + 1);
      b.set(a);
      return b;
    };
    this.last = grow(this.last);
    this.prev = grow(this.prev);
    this.row = new Float64Array(i + 1);
    this.returns = new RollingReturns(i + 1, this.cfg.window);
    this.rows = 0;
    this.snap = undefined;
    this.stale = true;
    return i;
  }

  get ready(): boolean {
    return this.rows >= Math.min(MIN_ROWS, this.cfg.window);
  }

  /** 1-day scaling of a per-interval VaR. */
  get scale(): number {
    return Math.sqrt(Math.max(1, DAY_MS / this.cfg.intervalMs));
  }

  /**
   * The snapshot for these weights (signed position values by `symbols`' order, the book's slots): rebuilt
   * after a new row, or when a weight moved by more than 5 % of itself or 0.1 % of `equity`. Undefined until
   * the window is ready.
   */
  snapshotFor(bookSymbols: readonly string[], exposure: Float64Array, equity: number): RiskSnapshot | undefined {
    if (!this.ready) return undefined;
    const map = this.slotMap(bookSymbols);
    const s = this.snap;
    if (!this.stale && s && !moved(s.weights, map, exposure, equity)) return s;
    const w = new Float64Array(this.symbols.length);
    for (let j = 0; j < map.length; j++) if (map[j]! >= 0) w[map[j]!] = exposure[j]!;
    this.snap = snapshot(this.symbols, this.returns.covariance(), this.returns.series(), w, this.cfg.method, this.cfg.confidence, this.scale);
    this.stale = false;
    return this.snap;
  }

  /** Book slot → column of the window (-1: not sampled yet), cached per book symbol list. */
  private slotMap(bookSymbols: readonly string[]): Int32Array {
    if (this.mapFor !== bookSymbols || this.mapSymbols !== this.symbols) {
      this.map = Int32Array.from(bookSymbols, (x) => this.index.get(x) ?? -1);
      this.mapFor = bookSymbols;
      this.mapSymbols = this.symbols;
    }
    return this.map;
  }

  /** The latest snapshot (for views and reports), without rebuilding. */
  get current(): RiskSnapshot | undefined {
    return this.snap;
  }
}

function moved(weights: Float64Array, map: Int32Array, exposure: Float64Array, equity: number): boolean {
  const floor = 0.001 * Math.abs(equity);
  for (let j = 0; j < map.length; j++) {
    const a = map[j]!;
    const was = a >= 0 ? weights[a]! : 0;
    const d = Math.abs(exposure[j]! - was);
    if (d > floor && d > 0.05 * Math.abs(was)) return true;
  }
  return false;
}
