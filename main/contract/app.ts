import { z } from 'zod';
import { command, empty, event } from './define.ts';

export const EngineStatus = z.object({
  state: z.enum(['starting', 'ready', 'degraded', 'stopped']),
  detail: z.string().optional(),
});
export type EngineStatus = z.infer<typeof EngineStatus>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  mode: z.enum(['electron', 'headless', 'memory']),
  dataDir: z.string(),
  engine: EngineStatus,
  node: z.string(),
  platform: z.string(),
  startedAt: z.number().int(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const Health = z.object({
  ok: z.boolean(),
  uptimeMs: z.number().nonnegative(),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string().optional() })),
});
export type Health = z.infer<typeof Health>;

export const appCommands = {
  'app.info': command('Version, mode, data directory and engine status of the host.', empty, AppInfo),
  health: command('Liveness and the state of each subsystem.', empty, Health),
};

export const appEvents = {
  'engine.status': event('The engine changed state.', EngineStatus),
};
