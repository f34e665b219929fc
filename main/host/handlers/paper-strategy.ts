import type { HostContext } from '../context.ts';
import type { HandlersFor } from '../ipc/handlers.ts';
import { tradingFor } from '../trading/for-host.ts';
import { paperStrategiesFor } from '../trading/strategies.ts';

type Names = 'paper.strategy.start' | 'paper.strategy.stop' | 'paper.strategy.list' | 'paper.strategy.reload';

/** Thin: the runner (main/host/trading/strategies.ts) holds the rules. Commands wait for a pending session start. */
export function paperStrategyHandlers(ctx: HostContext): HandlersFor<Names> {
  const runner = async () => {
    await tradingFor(ctx).whenReady();
    return paperStrategiesFor(ctx);
  };
  return {
    'paper.strategy.start': async (r, c) => (await runner()).start(r, c.origin),
    'paper.strategy.stop': async (r, c) => (await runner()).stop(r.runId, c.origin),
    'paper.strategy.list': async () => ({ strategies: (await runner()).list() }),
    'paper.strategy.reload': async (r, c) => (await runner()).reload(r.runId, c.origin, { version: r.version, rollback: r.rollback }),
  };
}
