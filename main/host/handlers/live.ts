import type { HandlersFor } from '../ipc/handlers.ts';
import type { TradingService } from '../trading/service.ts';

type LiveCommand = 'live.status' | 'live.reconcile' | 'live.resolve' | 'live.arm' | 'live.disarm';

/** Live accounts' reconciliation gate and arming (the rules: main/host/trading/live-control.ts). */
export function liveHandlers(trading: TradingService): HandlersFor<LiveCommand> {
  const live = async (r: { account?: string | undefined }) => (await trading.running(r.account)).live;
  return {
    'live.status': async (r) => (await live(r)).status(),
    'live.reconcile': async (r) => (await live(r)).check('requested'),
    'live.resolve': async (r, c) => (await live(r)).resolve(r.id, r.action, c.origin),
    'live.arm': async (r, c) => {
      if (r.dryRun !== undefined) await (await trading.running(r.account)).setDryRun(r.dryRun, c.origin);
      const l = await live(r);
      // A fresh session (mode switch) reconciles first; arming waits for that check.
      await l.check('arming');
      return l.arm(r.confirm, c.origin);
    },
    'live.disarm': async (r, c) => (await live(r)).disarm(c.origin),
  };
}
