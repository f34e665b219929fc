/**
 * Risk helpers of a desk (desk.ts) that are not one-line calls on the session: parsing an override request into
 * a typed validation error, and seeding the gate's correlation/VaR window from stored candles.
 */
import { auditConfigChange } from '../../core/audit/session.ts';
import { ValidationError } from '../../core/errors.ts';
import { OverrideRequestSchema, type OverrideRequest } from '../../core/risk/override.ts';
import type { DeskOptions } from './desk-options.ts';
import { seedRiskWindow } from './risk-window.ts';
import type { TradingSession } from './session.ts';

/** An override request from the wire, or a validation error naming each bad field. */
export function parseOverride(req: unknown): OverrideRequest {
  const r = OverrideRequestSchema.safeParse(req);
  if (!r.success) throw new ValidationError(`invalid override: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`, r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  return r.data;
}

/**
 * Hands the gate's correlation/VaR stats (when the profile has those rules) a window from the stored candles
 * of the session's instruments, read under `source`; the stats ignore it when they already hold a longer one
 * (a carried window). `current` is the desk's session when the window arrives (it may have been replaced).
 */
export function fillRiskWindow(o: DeskOptions, now: () => number, s: TradingSession, source: string, current: () => TradingSession): void {
  const stats = s.parts.risk.core.stats;
  const { riskWindow: run, candles } = o;
  if (!stats || !run || !candles) return;
  const symbols = s.parts.instruments.map((i) => i.symbol);
  seedRiskWindow(stats, { candles, source, symbols, now: now() }, run).then(
    (rec) => {
      if (!rec || current().parts.risk.core.stats !== stats) return;
      // In the log, so that the window is what a re-run's gate is given too (paper-rerun.ts).
      auditConfigChange(current().parts.audit, now(), { what: 'risk-window', from: null, to: rec, by: 'system' });
      o.emit('risk.state', current().riskStatus());
    },
    (e: unknown) => o.log.warn({ err: e }, 'could not build the risk window from stored candles; it fills from live prices'),
  );
}
