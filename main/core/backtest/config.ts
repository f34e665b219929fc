/**
 * Backtest configuration: what the run trades, with which costs. Validated by zod with path-named errors.
 * Costs default to zero so a golden result depends only on what the config says.
 */
import { z } from 'zod';
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
