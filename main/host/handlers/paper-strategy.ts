import type { HandlersFor } from '../ipc/handlers.ts';
import type { TradingService } from '../trading/service.ts';
import type { PaperStrategies } from '../trading/strategies.ts';

type Names = 'paper.strategy.start' | 'paper.strategy.stop' | 'paper.strategy.list' | 'paper.strategy.reload';

/** Thin: the runner (main/host/trading/strategies.ts) holds the rules. Commands wait for a pending session start. */
export function paperStrategyHandlers(trading: TradingService, strategies: PaperStrategies): HandlersFor<Names> {
  const runner = async () => {
    await trading.whenReady();
    return strategies;
  };
  return {
    'paper.strategy.start': async (r, c) => (await runner()).start(r, c.origin),
    'paper.strategy.stop': async (r, c) => (await runner()).stop(r.runId, c.origin),
    'paper.strategy.list': async () => ({ strategies: (await runner()).list() }),
    'paper.strategy.reload': async (r, c) => (await runner()).reload(r.runId, c.origin, { version: r.version, rollback: r.rollback }),
  };
}
