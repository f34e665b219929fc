/**
 * Risk commands beyond the trading contract's status/limits/state/kill switch: the account's risk profile,
 * re-authenticated time-limited overrides, and the daily risk report. A profile travels as a plain object
 * and is validated on the host by the core's RiskProfileSchema (the contract may not import the core).
 */
import { z } from 'zod';
import { command, empty, req, text } from './define.ts';
import { RiskEventView } from './risk-views.ts';
import { RiskStatus } from './trading.ts';

export const RiskProfileWire = z.record(z.unknown());

export const OverrideRequestWire = req({
  reason: text(200),
  minutes: z.number().int().min(1).max(1440),
  state: z.enum(['reducing-only', 'active']).optional(),
  limits: req({ maxDailyLossPct: z.number().optional(), maxPositionPctEquity: z.number().optional(), maxLeverage: z.number().optional() }).optional(),
  /** Headless re-authentication; the desktop app asks the OS for the user's presence instead. */
  passphrase: text(512).optional(),
});

export const RiskReportView = z.object({
  accountId: z.string(),
  day: z.string(),
  timeZone: z.string(),
  generatedAt: z.number(),
  status: RiskStatus,
  events: z.array(RiskEventView),
  json: z.string(),
  csv: z.string(),
  html: z.string(),
});
export type RiskReportView = z.infer<typeof RiskReportView>;

export const riskCommands = {
  'risk.profile': command('The account\'s risk profile (limits, monitors, override ceilings).', empty, RiskProfileWire),
  'risk.setProfile': command('Replaces the account\'s risk profile (validated; unknown keys refused). Audited.', req({ profile: RiskProfileWire }), RiskStatus),
  'risk.override': command('Lifts the trading state and/or raises limits for a while, after re-authentication, within the profile\'s hard ceilings; expires on its own. Audited with who, why, what and until.', OverrideRequestWire, RiskStatus),
  'risk.endOverride': command('Ends the active override now (the state and limits before it return). Audited.', req({ reason: text(200).optional() }), RiskStatus),
  'risk.report': command('The daily risk report of the account: status, limit use and the day\'s events, as JSON, CSV and an HTML section.', empty, RiskReportView),
};
