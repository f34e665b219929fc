/**
 * A webhook's strategy signal: start or stop a saved strategy on the account's paper session. Paper
 * strategies run on the selected account's session (PaperStrategies), so a signal for another account is
 * refused rather than sent to the wrong book.
 */
import { KestrelError } from '../../core/errors.ts';
import type { PaperStrategies } from '../trading/strategies.ts';
import type { TradingService } from '../trading/service.ts';

export function strategySignal(trading: TradingService, strategies: PaperStrategies) {
  return async (account: string, hook: string, s: { strategy: string; signal: 'start' | 'stop'; symbol?: string | undefined }): Promise<string> => {
    if (trading.selected !== account) throw new KestrelError('conflict', `strategies run on the selected account; "${account}" is not selected`);
    await trading.running(account);
    const by = `webhook:${hook}`;
    if (s.signal === 'start') {
      if (!s.symbol) throw new KestrelError('validation', 'a start signal names the symbol');
      const run = await strategies.start({ strategyId: s.strategy, symbol: s.symbol, timeframe: '1m' }, by);
      return `started ${run.runId}`;
    }
    const runs = strategies.list().filter((r) => r.strategyId === s.strategy && r.state === 'running' && (s.symbol === undefined || r.symbol === s.symbol));
    for (const r of runs) strategies.stop(r.runId, by, 'webhook signal');
    return `stopped ${runs.length} run(s)`;
  };
}
