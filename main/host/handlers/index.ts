import type { HostContext } from '../context.ts';
import type { Handlers } from '../ipc/handlers.ts';
import { appHandlers } from './app.ts';
import { tradingHandlers } from './trading.ts';
import { marketHandlers } from './market.ts';
import { indicatorHandlers } from './indicators.ts';
import { auditHandlers } from './audit.ts';
import { strategyHandlers } from './strategy.ts';
import { paperStrategyHandlers } from './paper-strategy.ts';

/** The one handler table. `satisfies Handlers` makes a command without a handler a compile error. */
export function createHandlers(ctx: HostContext): Handlers {
  return {
    ...appHandlers(ctx),
    ...tradingHandlers(ctx),
    ...marketHandlers(ctx),
    ...indicatorHandlers(ctx),
    ...auditHandlers(ctx),
    ...strategyHandlers(ctx),
    ...paperStrategyHandlers(ctx),
  } satisfies Handlers;
}
