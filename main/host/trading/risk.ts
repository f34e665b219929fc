/**
 * The session's risk gate: the core LimitsRiskGate behind a handle whose limits can change while the
 * engine runs (the kernel holds its gate for life). Two sources of limits, merged:
 *   - the account's risk profile (core/risk/profile.ts): account-wide limits and monitors;
 *   - the per-order limits edited in the risk panel (RiskLimitsView), authoritative for their five fields
 *     (null there switches the limit off even if the profile sets it).
 * Limits travel on the wire as decimal strings; the share of equity is a percentage there ("50") and a
 * fraction in the core (0.5). Changing limits keeps the day's start and the peak equity (carried over).
 */
import { DEFAULT_RISK_LIMITS } from '../../contract/settings.ts';
import type { RiskLimitsView } from '../../contract/trading.ts';
import { ValidationError } from '../../core/errors.ts';
import { money, moneyToString } from '../../core/model/index.ts';
import type { RiskAlert, RiskGate, RiskInput, RiskVerdict } from '../../core/ports.ts';
import { LimitsRiskGate, type RiskLimits } from '../../core/risk/gate.ts';
import { parseRiskProfile, STANDARD_PROFILE, toRiskLimits, UNLIMITED_PROFILE, type RiskProfile } from '../../core/risk/profile.ts';

/** Paper defaults (the settings' default profile): generous for a 10k account, but a fat finger is stopped. */
export const DEFAULT_LIMITS: RiskLimitsView = DEFAULT_RISK_LIMITS;


export class AdjustableRiskGate implements RiskGate {
  private inner: LimitsRiskGate;
  private view: RiskLimitsView;
  private prof: RiskProfile;
  /** The kernel decides once whether to run monitors: always yes here, since limits can change later. */
  readonly monitors = true;

  constructor(limits: RiskLimitsView = DEFAULT_LIMITS, profile: RiskProfile = STANDARD_PROFILE) {
    this.view = normaliseLimits(limits);
    this.prof = profile;
    this.inner = new LimitsRiskGate(merged(this.view, profile));
  }

  get limits(): RiskLimitsView {
    return this.view;
  }

  get profile(): RiskProfile {
    return this.prof;
  }

  /** The core gate in force (its watch holds the day's start and the peak). */
  get core(): LimitsRiskGate {
    return this.inner;
  }

  get wantsBook(): boolean {
    return this.inner.wantsBook;
  }

  set(limits: RiskLimitsView): void {
    const v = normaliseLimits(limits);
    this.inner = new LimitsRiskGate(merged(v, this.prof), {}, this.inner);
    this.view = v;
  }

  setProfile(profile: RiskProfile): void {
    this.inner = new LimitsRiskGate(merged(this.view, profile), {}, this.inner);
    this.prof = profile;
  }

  check(input: RiskInput): RiskVerdict {
    return this.inner.check(input);
  }

  observe(ts: number, equity: number): RiskAlert | null {
    return this.inner.observe(ts, equity);
  }

  observePrice(symbol: string, ts: number, price: number, held: boolean): RiskAlert | null {
    return this.inner.observePrice(symbol, ts, price, held);
  }

  outage(reason: string): RiskAlert {
    return this.inner.outage(reason);
  }
}

/**
 * The gate a re-run of a recorded session uses: its recorded limits and profile. A session recorded before
 * profiles existed had no account-wide rules, so it re-runs with none (the unlimited profile).
 */
export function recordedGate(risk: { readonly limits?: RiskLimitsView; readonly profile?: unknown }): AdjustableRiskGate {
  return new AdjustableRiskGate(risk.limits, risk.profile === undefined ? UNLIMITED_PROFILE : parseRiskProfile(risk.profile));
}

function merged(view: RiskLimitsView, profile: RiskProfile): RiskLimits {
  return toRiskLimits(effectiveProfile(view, profile));
}

/**
 * The one profile a session's gate enforces: the account-wide profile with its five per-order fields taken
 * from the per-order limits (null there switches the limit off). A backtest given this profile is gated
 * exactly as the account's paper or live session is.
 */
export function effectiveProfile(view: RiskLimitsView, profile: RiskProfile): RiskProfile {
  const v = normaliseLimits(view);
  return {
    ...profile,
    maxOrderNotional: v.maxOrderNotional,
    maxPositionNotional: v.maxPositionNotional,
    maxPositionPctEquity: v.maxPositionPctEquity === null ? null : Number(v.maxPositionPctEquity),
    maxOpenOrders: v.maxOpenOrders,
    priceBandBps: v.priceBandBps,
  };
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
