/**
 * Risk overrides: a trader lifts a halt (to reducing-only or active) and/or raises a few limits for a while,
 * with a reason, after re-authenticating; the override expires on its own. Ceilings (in the profile) cap how
 * long and how far: an override beyond them is refused with the ceiling named. Pure: the host authenticates,
 * applies, audits and expires.
 */
import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import type { TradingState } from '../ports.ts';
import type { RiskProfile } from './profile.ts';

export const OverrideRequestSchema = z
  .object({
    reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(200),
    minutes: z.number().int().min(1).max(1440),
    /** The trading state while the override lasts (it never tightens: use the state buttons for that). */
    state: z.enum(['reducing-only', 'active']).optional(),
    /** Raised limits while it lasts, percent numbers as in the profile. */
    limits: z
      .object({
        maxDailyLossPct: z.number().gt(0).max(100).optional(),
        maxPositionPctEquity: z.number().gt(0).max(10_000).optional(),
        maxLeverage: z.number().gt(0).max(200).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((r) => r.state !== undefined || (r.limits !== undefined && Object.keys(r.limits).length > 0), { message: 'an override lifts the trading state, raises a limit, or both' });

export type OverrideRequest = z.infer<typeof OverrideRequestSchema>;

export interface ActiveOverride {
  readonly id: string;
  readonly by: string;
  readonly reason: string;
  readonly since: number;
  readonly until: number;
  readonly state?: 'reducing-only' | 'active';
  /** The state the account had before: it returns to it when the override ends. */
  readonly previousState: TradingState;
  readonly limits?: OverrideRequest['limits'];
  /** The profile before the override (restored when it ends). */
  readonly previousProfile: RiskProfile;
}

/** Validates a request against the profile's ceilings; returns the profile in force while it lasts. */
export function approveOverride(req: OverrideRequest, profile: RiskProfile): RiskProfile {
  const c = profile.ceilings;
  const issues: { path: string; message: string }[] = [];
  if (req.minutes > c.maxMinutes) issues.push({ path: 'minutes', message: `at most ${c.maxMinutes} minutes (hard ceiling)` });
  const l = req.limits ?? {};
  const cap = (key: 'maxDailyLossPct' | 'maxPositionPctEquity' | 'maxLeverage'): void => {
    const v = l[key];
    const ceiling = c[key];
    if (v === undefined) return;
    if (ceiling === null) issues.push({ path: `limits.${key}`, message: 'this limit cannot be overridden (no ceiling set)' });
    else if (v > ceiling) issues.push({ path: `limits.${key}`, message: `at most ${ceiling} (hard ceiling)` });
  };
  cap('maxDailyLossPct');
  cap('maxPositionPctEquity');
  cap('maxLeverage');
  if (issues.length) throw new ValidationError(`override refused: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  return { ...profile, ...l };
}
