import type { HostContext } from '../context.ts';
import type { HandlersFor } from '../ipc/handlers.ts';
import { APP_NAME } from '../version.ts';

export function appHandlers(ctx: HostContext): HandlersFor<'app.info' | 'health'> {
  return {
    'app.info': () => ({
      name: APP_NAME,
      version: ctx.version,
      mode: ctx.mode,
      dataDir: ctx.dataDir,
      engine: ctx.engineStatus(),
      node: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
      startedAt: ctx.startedAt,
    }),
    health: () => {
      const engine = ctx.engineStatus();
      const checks = [{ name: 'engine', ok: engine.state === 'ready', ...(engine.detail ? { detail: engine.detail } : {}) }];
      return { ok: checks.every((c) => c.ok), uptimeMs: Date.now() - ctx.startedAt, checks };
    },
  };
}
