import type { HandlersFor } from '../ipc/handlers.ts';
import type { TradingService } from '../trading/service.ts';

/** Thin: the account's desk samples and computes (main/host/trading/equity-sampler.ts, strategy-pnl.ts). */
export function equityHandlers(trading: TradingService): HandlersFor<'equity.history' | 'equity.strategyPnl'> {
  return {
    'equity.history': async (r) => (await trading.running(r.account)).equityHistory(r),
    'equity.strategyPnl': async (r) => (await trading.running(r.account)).strategyPnl(),
  };
}
