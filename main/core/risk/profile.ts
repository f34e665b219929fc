/**
 * Risk profiles: named limit sets attached to accounts (the settings document's `riskProfiles` references
 * RiskProfileSchema) and chosen for backtests and sweeps. Percentages are percent numbers here (2 = 2 %), as
 * people write them; the gate works in fractions (toRiskLimits). A limit set to null is off.
 *
 * Defaults are the issue's: daily loss 5 %, drawdown alert 10 % / halt 15 %, at most 10 open positions, a
 * position at most 2 % of equity, leverage 1 (gross exposure ≤ equity), buying power checked.
 */
import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { checkTimeZone } from './day.ts';
import type { RiskLimits } from './gate.ts';

const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'a plain non-negative decimal, e.g. "500"');
const pct = (max: number) => z.number().gt(0).max(max);
const timeZone = z.string().min(1).max(64).refine((tz) => {
  try {
    checkTimeZone(tz);
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone, e.g. "UTC" or "Europe/London"');

export const BlackSwanSchema = z
  .object({
    /** A held (or listed market) symbol moving at least this much, in percent, within windowMinutes. */
    movePct: pct(100).default(20),
    windowMinutes: z.number().int().min(1).max(10_080).default(60),
    /** Symbols watched even when not held: the market's bellwethers. */
    marketSymbols: z.array(z.string().min(1).max(64)).max(32).default([]),
    /** What is flattened: every position, only the symbol that moved, or nothing (cancel and halt only). */
    flatten: z.enum(['all', 'affected', 'none']).default('all'),
  })
  .strict();

export const CorrelationSchema = z
  .object({
    /** Returns in the rolling window (one per bar of the account's timeframe). */
    window: z.number().int().min(10).max(10_000).default(100),
    /** Positions whose |Pearson ρ| is above this are one bucket. */
    threshold: z.number().gt(0).lt(1).default(0.7),
    /** A bucket's gross exposure, percent of equity. */
    maxBucketPctEquity: pct(10_000).default(10),
  })
  .strict();

export const VarSchema = z
  .object({
    method: z.enum(['historical', 'parametric']).default('parametric'),
    confidence: z.union([z.literal(0.95), z.literal(0.99)]).default(0.99),
    /** 1-day VaR of the portfolio after the order, percent of equity. */
    maxPctEquity: pct(100).default(5),
    window: z.number().int().min(20).max(10_000).default(250),
  })
  .strict();

/** Hard ceilings for overrides: an override can lift a limit at most to these, for at most maxMinutes. */
export const OverrideCeilingsSchema = z
  .object({
    maxMinutes: z.number().int().min(1).max(1440).default(60),
    maxDailyLossPct: pct(100).nullable().default(10),
    maxPositionPctEquity: pct(10_000).nullable().default(10),
    maxLeverage: z.number().gt(0).max(200).nullable().default(2),
  })
  .strict();

export const RiskProfileSchema = z
  .object({
    name: z.string().min(1).max(64),
    /** The trading day for the daily-loss limit starts at midnight here. */
    timeZone: timeZone.default('UTC'),
    maxDailyLoss: decimal.nullable().default(null),
    maxDailyLossPct: pct(100).nullable().default(5),
    /** What crossing the daily loss does to the account. */
    onDailyLoss: z.enum(['halted', 'reducing-only']).default('halted'),
    drawdownAlertPct: pct(100).nullable().default(10),
    drawdownHaltPct: pct(100).nullable().default(15),
    maxOpenPositions: z.number().int().min(1).max(10_000).nullable().default(10),
    maxPositionPctEquity: pct(10_000).nullable().default(2),
    maxPositionNotional: decimal.nullable().default(null),
    maxOrderNotional: decimal.nullable().default(null),
    maxOpenOrders: z.number().int().min(1).max(100_000).nullable().default(null),
    priceBandBps: z.number().int().min(1).max(100_000).nullable().default(null),
    maxGrossExposure: decimal.nullable().default(null),
    maxNetExposure: decimal.nullable().default(null),
    /** Gross exposure / equity. */
    maxLeverage: z.number().gt(0).max(200).nullable().default(1),
    /** Refuse an order whose initial margin the account's free equity cannot carry. */
    checkBuyingPower: z.boolean().default(true),
    correlation: CorrelationSchema.nullable().default(null),
    var: VarSchema.nullable().default(null),
    /**
     * The returns behind correlation and VaR: each symbol's last price every this many minutes (risk/stats.ts).
     * One window serves both rules: the longer of their two.
     */
    returnsEveryMinutes: z.number().int().min(1).max(10_080).default(60),
    blackSwan: BlackSwanSchema.nullable().default({}),
    ceilings: OverrideCeilingsSchema.default({}),
  })
  .strict()
  .refine((p) => p.drawdownAlertPct === null || p.drawdownHaltPct === null || p.drawdownAlertPct <= p.drawdownHaltPct, { message: 'drawdown alert must not be above the halt level', path: ['drawdownAlertPct'] });

export type RiskProfile = z.infer<typeof RiskProfileSchema>;
export type RiskProfileInput = z.input<typeof RiskProfileSchema>;

/** The issue's defaults under the name "standard". */
export const STANDARD_PROFILE: RiskProfile = RiskProfileSchema.parse({ name: 'standard' });

/** A profile with every limit off: what a backtest ran with before profiles existed. */
export const UNLIMITED_PROFILE: RiskProfile = RiskProfileSchema.parse({
  name: 'unlimited', maxDailyLossPct: null, drawdownAlertPct: null, drawdownHaltPct: null, maxOpenPositions: null, maxPositionPctEquity: null,
  maxLeverage: null, checkBuyingPower: false, blackSwan: null,
});

export function parseRiskProfile(x: unknown): RiskProfile {
  const r = RiskProfileSchema.safeParse(x);
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new ValidationError(`invalid risk profile: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, issues);
  }
  return r.data;
}

const frac = (p: number | null): number | undefined => (p === null ? undefined : p / 100);
const num = (d: string | null): number | undefined => (d === null ? undefined : Number(d));

/** The gate's numeric form of a profile. */
export function toRiskLimits(p: RiskProfile): RiskLimits {
  const out: { -readonly [K in keyof RiskLimits]: RiskLimits[K] } = {
    timeZone: p.timeZone,
    maxDailyLoss: num(p.maxDailyLoss),
    maxDailyLossPct: frac(p.maxDailyLossPct),
    onDailyLoss: p.onDailyLoss,
    drawdownAlertPct: frac(p.drawdownAlertPct),
    drawdownHaltPct: frac(p.drawdownHaltPct),
    maxOpenPositions: p.maxOpenPositions ?? undefined,
    maxPositionPctEquity: frac(p.maxPositionPctEquity),
    maxPositionNotional: p.maxPositionNotional ?? undefined,
    maxOrderNotional: p.maxOrderNotional ?? undefined,
    maxOpenOrders: p.maxOpenOrders ?? undefined,
    priceBandBps: p.priceBandBps ?? undefined,
    maxGrossExposure: num(p.maxGrossExposure),
    maxNetExposure: num(p.maxNetExposure),
    maxLeverage: p.maxLeverage ?? undefined,
    checkBuyingPower: p.checkBuyingPower,
    correlation: p.correlation ? { threshold: p.correlation.threshold, maxBucketPctEquity: p.correlation.maxBucketPctEquity / 100 } : undefined,
    var: p.var ? { maxPctEquity: p.var.maxPctEquity / 100 } : undefined,
    stats: p.correlation || p.var ? {
      intervalMs: p.returnsEveryMinutes * 60_000,
      window: Math.max(p.correlation?.window ?? 0, p.var?.window ?? 0),
      method: p.var?.method ?? 'parametric',
      confidence: p.var?.confidence ?? 0.99,
    } : undefined,
    blackSwan: p.blackSwan ? { move: p.blackSwan.movePct / 100, windowMs: p.blackSwan.windowMinutes * 60_000, marketSymbols: p.blackSwan.marketSymbols, flatten: p.blackSwan.flatten } : undefined,
  };
  for (const k of Object.keys(out) as (keyof RiskLimits)[]) if (out[k] === undefined) delete out[k];
  return out;
}
