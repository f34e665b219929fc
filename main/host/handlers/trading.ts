import type { HostContext } from '../context.ts';
import type { HandlersFor } from '../ipc/handlers.ts';
import { tradingFor } from '../trading/for-host.ts';

type TradingCommand =
  | 'trading.session' | 'trading.instruments' | 'trading.prices' | 'trading.preview' | 'trading.submit' | 'trading.cancel' | 'trading.cancelAll'
  | 'trading.openOrders' | 'trading.orderHistory' | 'trading.fills' | 'trading.positions' | 'trading.account'
  | 'risk.status' | 'risk.setLimits' | 'risk.killSwitch' | 'risk.setTradingState'
  | 'paper.settings' | 'paper.setSettings' | 'paper.resetAccount';

/** Thin by design: validation of shapes happened at the contract, the rules live in TradingSession/TradingService. */
export function tradingHandlers(ctx: HostContext): HandlersFor<TradingCommand> {
  const svc = () => tradingFor(ctx);
  const s = () => svc().session;
  return {
    'trading.session': () => svc().sessionView(),
    'trading.instruments': () => ({ instruments: s().instrumentViews() }),
    'trading.prices': () => ({ prices: s().prices() }),
    'trading.preview': (r) => s().preview(r),
    'trading.submit': (r) => ({ orders: s().submit(r) }),
    'trading.cancel': (r) => ({ order: s().cancel(r.clientOrderId) }),
    'trading.cancelAll': (r) => ({ canceled: s().cancelAll(r.symbol) }),
    'trading.openOrders': (r) => ({ orders: s().openOrders(r.symbol) }),
    'trading.orderHistory': (r) => ({ orders: s().orderHistory(r.symbol, r.limit ?? 500) }),
    'trading.fills': (r) => ({ fills: s().fills(r.symbol, r.limit ?? 500) }),
    'trading.positions': () => ({ positions: s().positions() }),
    'trading.account': () => s().account(),
    'risk.status': () => s().riskStatus(),
    'risk.setLimits': (r, c) => (svc().setLimits(r, c.origin), s().riskStatus()),
    'risk.killSwitch': (r, c) => {
      const canceled = svc().killSwitch(r.reason ?? 'kill switch', c.origin);
      return { canceled, status: s().riskStatus() };
    },
    'risk.setTradingState': (r, c) => (svc().setTradingState(r.state, r.reason ?? 'set by the trader', c.origin), s().riskStatus()),
    'paper.settings': () => svc().settings(),
    'paper.setSettings': (r, c) => {
      const { resetAccount, ...change } = r;
      const settings = svc().saveSettings(change, c.origin);
      if (resetAccount) {
        svc().resetAccount(c.origin);
        return svc().settings();
      }
      return settings;
    },
    'paper.resetAccount': (_r, c) => svc().resetAccount(c.origin),
  };
}
