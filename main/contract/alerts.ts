/**
 * Alerts: conditions on prices (crosses, above, below, a % move within a window), on indicators (the rules
 * DSL's condition syntax) and on account events (fill, rejection, risk state change, stream down and back
 * up, reconciliation discrepancy), fired once or every time
 * with a cooldown, each firing kept in a history with what fired and why, and delivered in-app (toast,
 * optional sound), as a desktop notification and to outgoing webhook channels (settings `alertChannels`),
 * whose failures end in a dead-letter list the user can retry.
 *
 * Prices are decimal text, like the ticket's.
 */
import { z } from 'zod';
import { command, empty, event, id, req, text } from './define.ts';
import { Decimal } from './trading.ts';

export const AccountEventKind = z.enum(['fill', 'rejection', 'risk-state', 'stream-down', 'stream-up', 'reconciliation']);
export type AccountEventKind = z.infer<typeof AccountEventKind>;

export const AlertCondition = z.discriminatedUnion('kind', [
  /** `crosses`: the price moved through the level (either way); `above`/`below`: a print beyond it. */
  z.object({ kind: z.literal('price'), symbol: id(), op: z.enum(['crosses', 'above', 'below']), level: Decimal }).strict(),
  /** The price moved by at least `pct` percent (either way) within the last `windowSec` seconds. */
  z.object({ kind: z.literal('move'), symbol: id(), pct: Decimal, windowSec: z.number().int().min(1).max(86_400) }).strict(),
  z.object({ kind: z.literal('account'), event: AccountEventKind }).strict(),
  /**
   * A condition in the rules DSL's condition syntax (`{ "op": "lt", "a": "rsi", "b": 30 }`) over indicators
   * declared as a rules document declares them (`{ "rsi": { "name": "rsi", "params": { "period": 14 } } }`),
   * tested on each closed bar of (symbol, timeframe) on the account's venue stream. The host validates both
   * with the DSL's own rules (a typed error naming `condition.when.…` or `condition.indicators.…`).
   */
  z.object({ kind: z.literal('indicator'), symbol: id(), timeframe: z.string().regex(/^\d{1,4}[mhdDw]$/, 'e.g. 1m, 5m, 1h, 4h, 1d'), indicators: z.record(z.string().max(64), z.unknown()).default({}), when: z.unknown() }).strict(),
]);
export type AlertCondition = z.infer<typeof AlertCondition>;

const ChannelId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/);

export const AlertInput = req({
  name: text(80).min(1),
  /** The account whose prices and events it watches; default the selected one. */
  account: ChannelId.optional(),
  condition: AlertCondition,
  /** `once`: disarmed after it fires; `every`: fires again after the cooldown. */
  repeat: z.enum(['once', 'every']).default('once'),
  cooldownSec: z.number().int().min(0).max(86_400).default(60),
  /** Outgoing channels (settings `alertChannels` ids); in-app is always on. */
  channels: z.array(ChannelId).max(20).default([]),
  sound: z.boolean().default(false),
});
export type AlertInput = z.input<typeof AlertInput>;

export const AlertView = z.object({
  id: z.string(),
  name: z.string(),
  account: z.string(),
  condition: AlertCondition,
  repeat: z.enum(['once', 'every']),
  cooldownSec: z.number().int(),
  channels: z.array(z.string()),
  sound: z.boolean(),
  /** False once a `once` alert fired (or the user disarmed it). */
  armed: z.boolean(),
  createdAt: z.number(),
  lastFiredAt: z.number().nullable(),
  fired: z.number().int(),
});
export type AlertView = z.infer<typeof AlertView>;

export const AlertFiring = z.object({
  /** Position in the stored history; 0 for the workstation's own firings (a broken SLO), kept for the run only. */
  seq: z.number().int(),
  alertId: z.string(),
  name: z.string(),
  account: z.string(),
  ts: z.number(),
  /** What happened, in words ("BTC/USDT crossed 42,000 (last 42,010.5)"). */
  message: z.string(),
  /** The inputs that fired it (price, previous price, event). */
  detail: z.record(z.string(), z.unknown()),
  sound: z.boolean(),
  /** Whether a desktop notification was asked for (a `desktop` channel). */
  desktop: z.boolean(),
});
export type AlertFiring = z.infer<typeof AlertFiring>;

export const DeadLetterView = z.object({
  id: z.number().int(),
  channel: z.string(),
  alertId: z.string().nullable(),
  ts: z.number(),
  attempts: z.number().int(),
  lastError: z.string(),
  message: z.string(),
});
export type DeadLetterView = z.infer<typeof DeadLetterView>;

export const ChannelView = z.object({ id: z.string(), kind: z.string(), format: z.string().nullable(), enabled: z.boolean() });

export const alertCommands = {
  'alerts.list': command('Alerts with whether each is armed and when it last fired.', empty, z.object({ alerts: z.array(AlertView), channels: z.array(ChannelView) })),
  'alerts.create': command('Creates an alert (armed).', AlertInput, AlertView),
  'alerts.update': command('Changes an alert: its level (dragging the chart line), name, repeat, cooldown, channels, sound, or re-arms it.', req({ id: id(), level: Decimal.optional(), name: text(80).min(1).optional(), repeat: z.enum(['once', 'every']).optional(), cooldownSec: z.number().int().min(0).max(86_400).optional(), channels: z.array(ChannelId).max(20).optional(), sound: z.boolean().optional(), armed: z.boolean().optional() }), AlertView),
  'alerts.delete': command('Deletes an alert (its history stays).', req({ id: id() }), z.object({ deleted: z.boolean() })),
  'alerts.history': command('What fired and why, newest first.', req({ alertId: id().optional(), limit: z.number().int().min(1).max(1000).optional() }), z.object({ firings: z.array(AlertFiring) })),
  'alerts.deadLetters': command('Notifications that failed after their last retry, newest first.', empty, z.object({ deadLetters: z.array(DeadLetterView) })),
  'alerts.retry': command('Sends a dead letter again (removed from the list when it is delivered).', req({ id: z.number().int() }), z.object({ delivered: z.boolean(), error: z.string().nullable() })),
};

export const alertEvents = {
  'alerts.fired': event('An alert fired (toast, sound, desktop notification).', AlertFiring),
  'alerts.changed': event('Alerts were created, changed, fired or deleted.', z.object({ alerts: z.array(AlertView) })),
};
