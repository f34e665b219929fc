import type { HandlersFor } from '../ipc/handlers.ts';
import type { ReplayService } from '../trading/replay-service.ts';

type Names = 'replay.start' | 'replay.status' | 'replay.control' | 'replay.bars' | 'replay.submit' | 'replay.cancel' | 'replay.cancelAll' | 'replay.blotter';

/** Thin: the rules live in ReplayService / ReplaySession (main/host/trading/replay*.ts). */
export function replayHandlers(replay: ReplayService): HandlersFor<Names> {
  return {
    'replay.start': (r) => replay.start(r),
    'replay.status': () => replay.status(),
    'replay.control': (r) => replay.control(r),
    'replay.bars': (r) => ({ bars: replay.bars(r.limit) }),
    'replay.submit': async (r) => ({ orders: await replay.submit(r) }),
    'replay.cancel': async (r) => ({ order: await replay.cancel(r.clientOrderId) }),
    'replay.cancelAll': async () => ({ canceled: await replay.cancelAll() }),
    'replay.blotter': () => replay.blotter(),
  };
}
