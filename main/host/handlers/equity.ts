import { isReplayAccount } from '../../contract/replay.ts';
import { ValidationError } from '../../core/errors.ts';
import type { HandlersFor } from '../ipc/handlers.ts';
import type { ReplayService } from '../trading/replay-service.ts';
import type { TradingService } from '../trading/service.ts';

/**
 * Thin: the account's desk samples and computes (main/host/trading/equity-sampler.ts, strategy-pnl.ts). A market
 * replay's account (`replay:<id>`) has its equity over replay time from the replay (replay-equity.ts); its per-strategy
 * P&L needs the ledger's fills, which a replay does not write, so it is refused (typed) rather than read elsewhere.
 */
export function equityHandlers(trading: TradingService, replay?: ReplayService): HandlersFor<'equity.history' | 'equity.strategyPnl'> {
  const replays = (): ReplayService => {
    if (!replay) throw new ValidationError('This host runs no market replay', [{ path: 'account', message: 'no replay' }]);
    return replay;
  };
  return {
    'equity.history': async (r) => (isReplayAccount(r.account) ? replays().equityHistory(r.account!, r) : (await trading.running(r.account)).equityHistory(r)),
    'equity.strategyPnl': async (r) => {
      if (isReplayAccount(r.account)) throw new ValidationError('A replay keeps no per-strategy P&L (it writes no ledger)', [{ path: 'account', message: 'a replay account' }]);
      return (await trading.running(r.account)).strategyPnl();
    },
  };
}
