/**
 * The IPC contract: the only part of main/ the renderer may import. One map of commands and one of events;
 * each feature contributes its own file and is merged here.
 */
import type { z } from 'zod';
import { appCommands, appEvents } from './app.ts';
import { tradingCommands, tradingEvents } from './trading.ts';
import { riskCommands } from './risk.ts';
import { marketCommands, marketEvents } from './market.ts';
import { indicatorCommands } from './indicators.ts';
import { auditCommands } from './audit.ts';
import { strategyCommands, strategyEvents } from './strategy.ts';
import { paperStrategyCommands, paperStrategyEvents } from './paper-strategy.ts';
import { settingsCommands } from './settings.ts';
import { accountCommands, withAccount } from './accounts.ts';
import { liveCommands, liveEvents } from './live.ts';
import { credentialCommands } from './credentials.ts';
import { webhookCommands } from './webhooks.ts';
import { metricsCommands, metricsEvents } from './metrics.ts';
import { alertCommands, alertEvents } from './alerts.ts';
import { streamCommands, streamEvents } from './streams.ts';
import { replayCommands, replayEvents } from './replay.ts';
import { equityCommands, equityEvents } from './equity.ts';

export const commands = {
  ...appCommands,
  ...withAccount(tradingCommands),
  ...withAccount(riskCommands),
  ...marketCommands,
  ...indicatorCommands,
  ...auditCommands,
  ...strategyCommands,
  ...paperStrategyCommands,
  ...settingsCommands,
  ...accountCommands,
  ...liveCommands,
  ...credentialCommands,
  ...webhookCommands,
  ...metricsCommands,
  ...alertCommands,
  ...streamCommands,
  ...replayCommands,
  ...withAccount(equityCommands),
};

export const events = {
  ...appEvents,
  ...tradingEvents,
  ...marketEvents,
  ...strategyEvents,
  ...paperStrategyEvents,
  ...metricsEvents,
  ...alertEvents,
  ...streamEvents,
  ...liveEvents,
  ...replayEvents,
  ...equityEvents,
};

export type Commands = typeof commands;
export type Events = typeof events;
export type CommandName = keyof Commands;
export type EventName = keyof Events;
export type RequestOf<K extends CommandName> = z.input<Commands[K]['request']>;
export type ParsedRequestOf<K extends CommandName> = z.output<Commands[K]['request']>;
export type ResponseOf<K extends CommandName> = z.output<Commands[K]['response']>;
export type EventOf<K extends EventName> = z.output<Events[K]['payload']>;

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.hasOwn(commands, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

