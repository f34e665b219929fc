import { isReplayAccount } from '../../contract/replay.ts';
import { ValidationError } from '../../core/errors.ts';
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
    'paper.strategy.start': async (r, c) => {
      // Runs join the selected account's paper session: a caller showing another account (a market replay's
      // above all) would otherwise start one somewhere it does not show.
      const { account, ...start } = r;
      if (isReplayAccount(account)) throw new ValidationError('A strategy runs in the selected account\'s paper session, never in a market replay: leave the replay to run it in paper', [{ path: 'account', message: 'a market replay' }]);
      const run = await runner();
      if (account !== undefined && account !== trading.selected) throw new ValidationError(`Strategies run in the selected account's session (${trading.selected}), not in ${account}: select it first`, [{ path: 'account', message: 'not the selected account' }]);
      return run.start(start, c.origin);
    },
    'paper.strategy.stop': async (r, c) => (await runner()).stop(r.runId, c.origin),
    'paper.strategy.list': async () => ({ strategies: (await runner()).list() }),
    'paper.strategy.reload': async (r, c) => (await runner()).reload(r.runId, c.origin, { version: r.version, rollback: r.rollback }),
  };
}
