import type { HandlersFor } from '../ipc/handlers.ts';
import type { ReplayService } from '../trading/replay-service.ts';

type Names = 'replay.start' | 'replay.status' | 'replay.control' | 'replay.bars';

/**
 * Thin: the rules live in ReplayService / ReplaySession (main/host/trading/replay*.ts). Orders, the blotter and
 * positions of a replay go through the trading commands with its account id (handlers/trading.ts).
 */
export function replayHandlers(replay: ReplayService): HandlersFor<Names> {
  return {
    'replay.start': (r) => replay.start(r),
    'replay.status': () => replay.status(),
    'replay.control': (r) => replay.control(r),
    'replay.bars': (r) => replay.bars(r),
  };
}
