/**
 * Monitors between orders, per account: equity against the day's start (daily loss) and against its peak
 * (drawdown), and prices against their recent range (black swan). The gate reads the same figures, so a
 * refusal and an alert never disagree about where the account stands.
 *
 * Levels: a loss limit is breached AT the limit (loss ≥ limit); each level alerts once per crossing and
 * re-arms when the account is back under it (drawdown) or on the next trading day (daily loss).
 *
 * An unattended run (a backtest: `unattended`) has nobody to act on a halt:
 * - a halt also cancels the working orders and closes the positions (the strategy's own exits would be refused
 *   while halted, and a held position would ride on unmanaged to the end of the run);
 * - a daily-loss hold lifts at the first mark of the next trading day (a `lift` alert; the kernel lifts only a
 *   state the daily-loss rule alone put the account in), or one bad day would stop the rest of the run.
 * Paper and live keep positions and the hold until a human acts.
 */
import type { RiskAlert, TradingState } from '../ports.ts';
import { TradingDay } from './day.ts';

export interface WatchLimits {
  readonly timeZone?: string;
  /** Settlement-currency loss since the day's start equity. */
  readonly maxDailyLoss?: number;
  /** Same as a fraction of the day's start equity. */
  readonly maxDailyLossPct?: number;
  readonly onDailyLoss?: 'halted' | 'reducing-only';
  /** Unattended runs (backtests): a daily-loss hold lifts at the next trading day (see above). */
  readonly unattended?: boolean;
  /** Fractions of peak equity. */
  readonly drawdownAlertPct?: number;
  readonly drawdownHaltPct?: number;
  readonly blackSwan?: { readonly move: number; readonly windowMs: number; readonly marketSymbols: readonly string[]; readonly flatten: 'all' | 'affected' | 'none' };
}

/** Where the account stands against its loss limits; updated by every observation and every check. */
export class EquityWatch {
  readonly day: TradingDay;
  dayStartEquity = Number.NaN;
  peakEquity = Number.NaN;
  equity = Number.NaN;
  private dailyTripped = false;
  /** A daily-loss hold asked for on a day that has since ended (unattended): its lift is due. */
  private liftDue = false;
  /** The daily-loss rule and limit that tripped last (what a lift names). */
  private tripped: [string, number] = ['', 0];
  private ddAlerted = false;
  private ddHalted = false;

  private readonly l: WatchLimits;
  constructor(l: WatchLimits) {
    this.l = l;
    this.day = new TradingDay(l.timeZone ?? 'UTC');
  }

  /** Takes over another watch's day and peak (limits changed mid-session: the day and the peak did not). */
  adopt(prev: EquityWatch): void {
    if (prev.day.timeZone === this.day.timeZone) {
      this.day.start = prev.day.start;
      this.day.end = prev.day.end;
      this.dayStartEquity = prev.dayStartEquity;
    }
    this.peakEquity = prev.peakEquity;
    this.equity = prev.equity;
  }

  /** Brings the figures to (ts, equity). Hot: no allocation unless the day rolls. */
  update(ts: number, equity: number): void {
    if (this.day.roll(ts) || this.dayStartEquity !== this.dayStartEquity) {
      this.dayStartEquity = equity;
      if (this.dailyTripped && this.l.unattended) this.liftDue = true;
      this.dailyTripped = false;
    }
    if (!(equity <= this.peakEquity)) this.peakEquity = equity;
    this.equity = equity;
  }

  dayLoss(): number {
    return this.dayStartEquity - this.equity;
  }

  drawdown(): number {
    return this.peakEquity > 0 ? (this.peakEquity - this.equity) / this.peakEquity : 0;
  }

  /** The daily-loss limit that is breached now, if any: [limit, value] in the limit's own unit. */
  dailyBreach(): [string, number, number] | null {
    const loss = this.dayLoss();
    const l = this.l;
    if (l.maxDailyLoss !== undefined && reached(loss, l.maxDailyLoss)) return ['max_daily_loss', l.maxDailyLoss, round(loss, 2)];
    if (l.maxDailyLossPct !== undefined && this.dayStartEquity > 0 && reached(loss, l.maxDailyLossPct * this.dayStartEquity)) return ['max_daily_loss_pct', l.maxDailyLossPct, round(loss / this.dayStartEquity, 4)];
    return null;
  }

  drawdownBreach(): boolean {
    return this.l.drawdownHaltPct !== undefined && reached(this.drawdown(), this.l.drawdownHaltPct);
  }

  observe(ts: number, equity: number): RiskAlert | null {
    this.update(ts, equity);
    const l = this.l;
    if (!this.dailyTripped) {
      const b = this.dailyBreach();
      if (b) {
        this.dailyTripped = true;
        const [rule, limit, value] = b;
        this.liftDue = false;
        this.tripped = [rule, limit];
        const state: TradingState = l.onDailyLoss ?? 'halted';
        const lifts = l.unattended === true;
        const closes = lifts && state === 'halted';
        const message = `daily loss reached its limit (${rule === 'max_daily_loss' ? `${value} ≥ ${limit}` : `${pctText(value)} ≥ ${pctText(limit)}`}): ${state}${closes ? ', orders canceled, positions closed' : ''}${lifts ? ' until the next trading day' : ''}`;
        if (!lifts) return { rule, message, limit, value, state };
        return closes ? { rule, message, limit, value, state, liftable: true, cancel: true, flatten: 'all' } : { rule, message, limit, value, state, liftable: true };
      }
    }
    const dd = this.drawdown();
    if (l.drawdownHaltPct !== undefined) {
      if (reached(dd, l.drawdownHaltPct) && !this.ddHalted) {
        this.ddHalted = this.ddAlerted = true;
        const message = `drawdown from peak ${pctText(dd)} ≥ halt level ${pctText(l.drawdownHaltPct)}: halted`;
        if (l.unattended) return { rule: 'drawdown_halt', message: `${message}, orders canceled, positions closed (unattended run)`, limit: l.drawdownHaltPct, value: round(dd, 4), state: 'halted', cancel: true, flatten: 'all' };
        return { rule: 'drawdown_halt', message, limit: l.drawdownHaltPct, value: round(dd, 4), state: 'halted' };
      }
      if (!reached(dd, l.drawdownHaltPct)) this.ddHalted = false;
    }
    if (l.drawdownAlertPct !== undefined) {
      if (reached(dd, l.drawdownAlertPct) && !this.ddAlerted) {
        this.ddAlerted = true;
        return { rule: 'drawdown_alert', message: `drawdown from peak ${pctText(dd)} ≥ alert level ${pctText(l.drawdownAlertPct)}`, limit: l.drawdownAlertPct, value: round(dd, 4) };
      }
      if (!reached(dd, l.drawdownAlertPct)) this.ddAlerted = false;
    }
    // After the escalations: a day that opens in a drawdown halt halts first, and the lift then finds the
    // account held by another rule and leaves it so.
    if (this.liftDue) {
      this.liftDue = false;
      return { rule: this.tripped[0], message: 'a new trading day: the daily-loss hold lifts (unattended run)', limit: this.tripped[1], value: 0, lift: true };
    }
    return null;
  }
}

/**
 * The black-swan monitor: per symbol, the lowest and highest price within the window (monotonic deques, O(1)
 * amortised per print). A move of at least `move` from either extreme to the current price triggers.
 */
export class SwanWatch {
  private readonly windows = new Map<string, Extremes>();
  private readonly market: ReadonlySet<string>;
  private readonly l: NonNullable<WatchLimits['blackSwan']>;
  constructor(l: NonNullable<WatchLimits['blackSwan']>) {
    this.l = l;
    this.market = new Set(l.marketSymbols);
  }

  observe(symbol: string, ts: number, price: number, held: boolean): RiskAlert | null {
    if (!(price > 0)) return null;
    let w = this.windows.get(symbol);
    if (!w) this.windows.set(symbol, (w = new Extremes()));
    w.push(ts, price, this.l.windowMs);
    if (!held && !this.market.has(symbol)) return null;
    const lo = w.min(), hi = w.max();
    const move = Math.max(price / lo - 1, 1 - price / hi);
    if (!reached(move, this.l.move)) return null;
    w.clear(); // one alert per move, not one per print while it lasts
    const flatten = this.l.flatten === 'all' ? 'all' : this.l.flatten === 'affected' ? [symbol] : undefined;
    return {
      rule: 'black_swan', symbol, message: `${symbol} moved ${pctText(move)} within ${Math.round(this.l.windowMs / 60_000)} min (≥ ${pctText(this.l.move)}): orders canceled, ${flatten ? 'positions closed' : 'positions kept'}, halted`,
      limit: this.l.move, value: round(move, 4), state: 'halted', cancel: true, ...(flatten ? { flatten } : {}),
    };
  }

  /** A venue-wide outage reported by the host: same protocol as a crash. */
  outage(reason: string): RiskAlert {
    const flatten = this.l.flatten === 'none' ? undefined : 'all';
    return { rule: 'venue_outage', message: `venue outage: ${reason}: orders canceled, halted`, limit: 0, value: 1, state: 'halted', cancel: true, ...(flatten ? { flatten } : {}) };
  }
}

/** Rolling min and max of (ts, price) within a time window. */
class Extremes {
  private ts: number[] = [];
  private px: number[] = [];
  // Two deques over the same samples: indices into ts/px, increasing prices (min) and decreasing (max).
  private lo: number[] = [];
  private hi: number[] = [];
  private loHead = 0;
  private hiHead = 0;
  private base = 0;

  push(t: number, p: number, windowMs: number): void {
    const i = this.base + this.ts.length;
    this.ts.push(t);
    this.px.push(p);
    while (this.lo.length > this.loHead && this.at(this.lo[this.lo.length - 1]!) >= p) this.lo.pop();
    this.lo.push(i);
    while (this.hi.length > this.hiHead && this.at(this.hi[this.hi.length - 1]!) <= p) this.hi.pop();
    this.hi.push(i);
    const from = t - windowMs;
    while (this.loHead < this.lo.length && this.tsAt(this.lo[this.loHead]!) < from) this.loHead++;
    while (this.hiHead < this.hi.length && this.tsAt(this.hi[this.hiHead]!) < from) this.hiHead++;
    this.compact();
  }

  min(): number {
    return this.at(this.lo[this.loHead]!);
  }

  max(): number {
    return this.at(this.hi[this.hiHead]!);
  }

  clear(): void {
    const t = this.ts[this.ts.length - 1]!, p = this.px[this.px.length - 1]!;
    this.ts = [t];
    this.px = [p];
    this.base = 0;
    this.lo = [0];
    this.hi = [0];
    this.loHead = this.hiHead = 0;
  }

  private at(i: number): number {
    return this.px[i - this.base]!;
  }

  private tsAt(i: number): number {
    return this.ts[i - this.base]!;
  }

  /** Drops samples no deque refers to any more, now and then (amortised O(1)). */
  private compact(): void {
    const keep = Math.min(this.lo[this.loHead]!, this.hi[this.hiHead]!) - this.base;
    if (keep < 1024 || keep < this.ts.length / 2) return;
    this.ts = this.ts.slice(keep);
    this.px = this.px.slice(keep);
    this.base += keep;
    this.lo = this.lo.slice(this.loHead);
    this.hi = this.hi.slice(this.hiHead);
    this.loHead = this.hiHead = 0;
  }
}

// Account figures are float valuations (a sum of qty × price × unit): 100 USDT can come out as
// 100.00000000000001. A relative tolerance far below a cent keeps "at the limit" meaning at the limit.
const TOL = 1e-9;

/** value > cap, beyond float noise: a cap may be reached. */
export function over(value: number, cap: number): boolean {
  return value > cap + TOL * Math.max(1, Math.abs(cap));
}

/** value ≥ limit, within float noise: a loss limit is breached at the limit. */
export function reached(value: number, limit: number): boolean {
  return value >= limit - TOL * Math.max(1, Math.abs(limit));
}

function round(x: number, d: number): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

export function pctText(f: number): string {
  return `${round(f * 100, 2)}%`;
}
