/**
 * Backtest configuration: what the run trades, with which costs. Validated by zod with path-named errors.
 * Costs default to zero so a golden result depends only on what the config says.
 */
import { z } from 'zod';
import { CalendarInput } from '../data/calendar.ts';
import { ValidationError } from '../errors.ts';
import { RiskProfileSchema } from '../risk/profile.ts';

const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'a plain non-negative decimal, e.g. "0.001"');

export const InstrumentOverrides = z
  .object({
    tickSize: decimal.default('0.01'),
    lotSize: decimal.default('0.0001'),
    kind: z.enum(['spot', 'perpetual']).default('spot'),
    base: z.string().max(16).optional(),
    quote: z.string().max(16).optional(),
    minNotional: decimal.optional(),
    maxLeverage: z.number().positive().max(200).optional(),
  })
  .strict();

export const Slippage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z.object({ kind: z.literal('fixed-bps'), bps: z.number().min(0).max(10_000), jitterBps: z.number().min(0).max(10_000).optional() }).strict(),
  z.object({ kind: z.literal('spread'), fallbackBps: z.number().min(0).max(10_000), jitterBps: z.number().min(0).max(10_000).optional() }).strict(),
  z.object({ kind: z.literal('volume'), bpsAtFullVolume: z.number().min(0).max(10_000), jitterBps: z.number().min(0).max(10_000).optional() }).strict(),
]);

export const BacktestConfig = z
  .object({
    symbols: z.array(z.string().min(1).max(64)).min(1).max(32),
    timeframe: z.string().regex(/^\d+[smhdw]$/, 'like 1m, 15m, 1h, 1d'),
    /** Inclusive range of bar open times (epoch ms); absent = all data. */
    from: z.number().int().optional(),
    to: z.number().int().optional(),
    venue: z.string().max(64).default('paper'),
    currency: z.string().min(1).max(16).default('USDT'),
    initialCash: decimal.default('10000'),
    /** Fee rates as fractions ("0.001" = 10 bps) for maker and taker fills. */
    fees: z.object({ maker: decimal.default('0'), taker: decimal.default('0') }).strict().default({}),
    slippage: Slippage.default({ kind: 'none' }),
    latencyMs: z.number().int().min(0).max(3_600_000).default(0),
    latencyJitterMs: z.number().int().min(0).max(3_600_000).default(0),
    participation: z.number().gt(0).max(1).optional(),
    intrabarPath: z.enum(['nearer-extreme', 'high-first', 'low-first']).default('nearer-extreme'),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
    instruments: z.record(InstrumentOverrides).default({}),
    /**
     * When the market trades: '24/7' (default), 'weekdays', or a calendar document (data/calendar.ts). Used by
     * the data certificate (closed days are not gaps) and the periods per year of Sharpe and Sortino.
     * Optional with no default written, like the two below, so configs that leave them out keep their hash.
     */
    calendar: CalendarInput.optional(),
    /** Return periods per year for annualised ratios; default: the calendar's (see TradingCalendar.periodsPerYear). */
    periodsPerYear: z.number().positive().max(1e9).optional(),
    /**
     * true: at the end of the data, open positions are closed at the last bar's close (taker fee and slippage
     * apply) and count as trades (exit reason 'end'). Default: left open, marked to market in equity only.
     */
    closeAtEnd: z.boolean().optional(),
    /** Pre-trade risk limits (same gate as paper/live). */
    risk: z
      .object({
        maxOrderNotional: decimal.optional(),
        maxPositionNotional: decimal.optional(),
        maxPositionPctEquity: z.number().positive().optional(),
        maxOpenOrders: z.number().int().positive().optional(),
        priceBandBps: z.number().positive().optional(),
      })
      .strict()
      .default({}),
    /**
     * The risk profile the run is gated by (the same limits and monitors as paper and live); its limits join
     * `risk`'s, `risk` winning where both set one. Absent = no profile (what runs had before profiles).
     */
    riskProfile: RiskProfileSchema.optional(),
  })
  .strict();

export type BacktestConfig = z.infer<typeof BacktestConfig>;
export type BacktestConfigInput = z.input<typeof BacktestConfig>;

export function parseBacktestConfig(x: unknown): BacktestConfig {
  const r = BacktestConfig.safeParse(x);
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new ValidationError(`invalid backtest config: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, issues);
  }
  return r.data;
}

const UNIT: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function timeframeToMs(tf: string): number {
  const m = /^(\d+)([smhdw])$/.exec(tf);
  if (!m || Number(m[1]) <= 0) throw new ValidationError(`bad timeframe ${tf}`, [{ path: 'timeframe', message: 'like 1m, 15m, 1h, 1d' }]);
  return Number(m[1]) * UNIT[m[2]!]!;
}

/** The most common spacing between consecutive bar open times (weekends and holidays are rarer than trading days). */
export function dataSpacing(ts: ArrayLike<number>): number | undefined {
  // Regular data: when the first spacing is that of more than half the bars, nothing else can be as common, so
  // one pass of compares answers (a Map over a million spacings took ~60 ms, and every run asks twice).
  if (ts.length > 2) {
    const first = ts[1]! - ts[0]!;
    let same = 0;
    for (let i = 1; i < ts.length; i++) if (ts[i]! - ts[i - 1]! === first) same++;
    if (first > 0 && same * 2 > ts.length - 1) return first;
  }
  const count = new Map<number, number>();
  for (let i = 1; i < ts.length; i++) {
    const d = ts[i]! - ts[i - 1]!;
    if (d > 0) count.set(d, (count.get(d) ?? 0) + 1);
  }
  let best: number | undefined;
  let most = 0;
  for (const [d, k] of count) if (k > most || (k === most && d < best!)) [best, most] = [d, k];
  return best;
}

/**
 * Refuses a timeframe the candles contradict: with 1m declared on daily bars every per-period figure (gaps,
 * annualisation, bars held) is off by a factor of 1440.
 */
export function checkTimeframe(symbol: string, timeframe: string, ts: ArrayLike<number>): void {
  const spacing = dataSpacing(ts);
  if (spacing === undefined || spacing === timeframeToMs(timeframe)) return;
  throw new ValidationError(`timeframe ${timeframe} does not match the ${symbol} candles: they are mostly ${spacing / 60_000} minutes apart`, [{ path: 'timeframe', message: `the data's bars are ${spacing} ms apart` }]);
}
