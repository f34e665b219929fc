/**
 * Risk views shared by the trading contract's RiskStatus and the risk commands (risk.ts): the account against
 * its account-wide limits, the monitors' events, the active override. Figures are settlement-currency floats
 * (risk figures are valuations, not ledger amounts); percentages are fractions (0.05 = 5 %).
 */
import { z } from 'zod';

const state = z.enum(['active', 'reducing-only', 'halted']);
const num = z.number().finite();

export const RiskAccountView = z.object({
  profile: z.string(),
  timeZone: z.string(),
  /** Equity at the start of the trading day (midnight in timeZone), its P&L since, the loss limit that applies. */
  dayStartEquity: num.nullable(),
  dayPnl: num.nullable(),
  dailyLossLimit: num.nullable(),
  peakEquity: num.nullable(),
  drawdown: num,
  drawdownAlert: num.nullable(),
  drawdownHalt: num.nullable(),
  openPositions: z.number().int(),
  maxOpenPositions: z.number().int().nullable(),
  gross: num,
  net: num,
  leverage: num,
  maxLeverage: num.nullable(),
  maxGross: num.nullable(),
  maxNet: num.nullable(),
  /** Initial margin of the exposure, and equity left for new exposure. */
  marginUsed: num,
  buyingPower: num,
});
export type RiskAccountView = z.infer<typeof RiskAccountView>;

/**
 * Correlation and VaR of the account (the inputs the correlation-bucket and VaR rules read): null when the
 * profile has neither rule. Until the window holds `needRows` returns the figures are null and the rules pass.
 */
export const RiskPortfolioView = z.object({
  method: z.enum(['historical', 'parametric']),
  confidence: num,
  /** Returns are sampled every intervalMs; VaR is scaled to one day. */
  intervalMs: num,
  window: z.number().int(),
  rows: z.number().int(),
  needRows: z.number().int(),
  /** 1-day VaR of the positions held, settlement currency and fraction of equity; the VaR rule's cap. */
  var: num.nullable(),
  varPct: num.nullable(),
  maxVarPct: num.nullable(),
  /** The correlation-bucket rule: |ρ| above threshold makes a bucket capped at maxBucketPct of equity. */
  threshold: num.nullable(),
  maxBucketPct: num.nullable(),
  /** Pearson correlation, symbols × symbols, row-major (empty until ready). */
  symbols: z.array(z.string()).max(500),
  corr: z.array(num).max(250_000),
});
export type RiskPortfolioView = z.infer<typeof RiskPortfolioView>;

export const RiskEventView = z.object({
  ts: z.number(),
  kind: z.enum(['alert', 'state', 'override']),
  rule: z.string(),
  message: z.string(),
  state: state.optional(),
  limit: num.optional(),
  value: num.optional(),
  symbol: z.string().optional(),
});
export type RiskEventView = z.infer<typeof RiskEventView>;

export const RiskOverrideView = z.object({
  id: z.string(),
  by: z.string(),
  reason: z.string(),
  since: z.number(),
  until: z.number(),
  state: z.enum(['reducing-only', 'active']).optional(),
  limits: z.record(num).optional(),
});
export type RiskOverrideView = z.infer<typeof RiskOverrideView>;
