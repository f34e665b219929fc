/**
 * The session's risk gate: the core LimitsRiskGate behind a handle whose limits can change while the
 * engine runs (the kernel holds its gate for life). Limits travel on the wire as decimal strings; the
 * share of equity is a percentage there ("50") and a fraction in the core (0.5).
 */
import type { RiskLimitsView } from '../../contract/trading.ts';
import { ValidationError } from '../../core/errors.ts';
import { money, moneyToString } from '../../core/model/index.ts';
import type { RiskGate, RiskInput, RiskVerdict } from '../../core/ports.ts';
import { LimitsRiskGate, type RiskLimits } from '../../core/risk/gate.ts';

/** Paper defaults: generous for a 10k account, but a fat finger or an all-in order is stopped. */
export const DEFAULT_LIMITS: RiskLimitsView = {
  maxOrderNotional: '50000',
  maxPositionNotional: null,
  maxPositionPctEquity: '100',
  maxOpenOrders: 50,
  priceBandBps: 500,
};

export class AdjustableRiskGate implements RiskGate {
  private inner: LimitsRiskGate;
  private view: RiskLimitsView;

  constructor(limits: RiskLimitsView = DEFAULT_LIMITS) {
    this.view = normaliseLimits(limits);
    this.inner = new LimitsRiskGate(toCoreLimits(this.view));
  }

  get limits(): RiskLimitsView {
    return this.view;
  }

  set(limits: RiskLimitsView): void {
    const v = normaliseLimits(limits);
    this.inner = new LimitsRiskGate(toCoreLimits(v));
    this.view = v;
  }

  check(input: RiskInput): RiskVerdict {
    return this.inner.check(input);
  }
}

/** Applies a partial update: undefined keeps a limit, null clears it. */
export function mergeLimits(cur: RiskLimitsView, change: { [K in keyof RiskLimitsView]?: RiskLimitsView[K] | undefined }): RiskLimitsView {
  const out = { ...cur } as Record<keyof RiskLimitsView, unknown>;
  for (const k of Object.keys(cur) as (keyof RiskLimitsView)[]) if (change[k] !== undefined) out[k] = change[k];
  return out as RiskLimitsView;
}

/** Validates and canonicalises decimal text ("050.0" → "50"). */
export function normaliseLimits(l: RiskLimitsView): RiskLimitsView {
  const dec = (path: string, v: string | null, max?: string): string | null => {
    if (v === null) return null;
    let m: bigint;
    try {
      m = money(v);
    } catch {
      throw new ValidationError(`${path}: not a decimal`, [{ path, message: 'expected a decimal' }]);
    }
    if (m <= 0n) throw new ValidationError(`${path} must be greater than zero`, [{ path, message: 'must be > 0' }]);
    if (max !== undefined && m > money(max)) throw new ValidationError(`${path} must be at most ${max}`, [{ path, message: `at most ${max}` }]);
    return moneyToString(m);
  };
  return {
    maxOrderNotional: dec('maxOrderNotional', l.maxOrderNotional, '1000000000000'),
    maxPositionNotional: dec('maxPositionNotional', l.maxPositionNotional, '1000000000000'),
    maxPositionPctEquity: dec('maxPositionPctEquity', l.maxPositionPctEquity, '10000'),
    maxOpenOrders: l.maxOpenOrders,
    priceBandBps: l.priceBandBps,
  };
}

export function toCoreLimits(l: RiskLimitsView): RiskLimits {
  return {
    ...(l.maxOrderNotional !== null ? { maxOrderNotional: l.maxOrderNotional } : {}),
    ...(l.maxPositionNotional !== null ? { maxPositionNotional: l.maxPositionNotional } : {}),
    ...(l.maxPositionPctEquity !== null ? { maxPositionPctEquity: Number(l.maxPositionPctEquity) / 100 } : {}),
    ...(l.maxOpenOrders !== null ? { maxOpenOrders: l.maxOpenOrders } : {}),
    ...(l.priceBandBps !== null ? { priceBandBps: l.priceBandBps } : {}),
  };
}
