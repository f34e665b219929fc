import type { HandlersFor } from '../ipc/handlers.ts';
import type { TradingService } from '../trading/service.ts';

type TradingCommand =
  | 'trading.session' | 'trading.instruments' | 'trading.prices' | 'trading.preview' | 'trading.submit' | 'trading.cancel' | 'trading.amend' | 'trading.cancelAll'
  | 'trading.openOrders' | 'trading.orderHistory' | 'trading.fills' | 'trading.positions' | 'trading.account'
  | 'risk.status' | 'risk.setLimits' | 'risk.killSwitch' | 'risk.setTradingState'
  | 'paper.settings' | 'paper.setSettings' | 'paper.resetAccount';

/** Thin by design: validation of shapes happened at the contract, the rules live in TradingSession/TradingService. */
export function tradingHandlers(trading: TradingService): HandlersFor<TradingCommand> {
  // Every command waits for a pending session start (first start: after the demo history is generated).
  const svc = async () => {
    await trading.whenReady();
    return trading;
  };
  const s = async () => (await svc()).session;
  return {
    'trading.session': async () => (await svc()).sessionView(),
    'trading.instruments': async () => ({ instruments: (await s()).instrumentViews() }),
    'trading.prices': async () => ({ prices: (await s()).prices() }),
    'trading.preview': async (r) => (await s()).preview(r),
    'trading.submit': async (r) => ({ orders: (await s()).submit(r) }),
    'trading.cancel': async (r) => ({ order: (await s()).cancel(r.clientOrderId) }),
    'trading.amend': async (r) => ({ order: (await s()).amend(r.clientOrderId, { price: r.price, triggerPrice: r.triggerPrice, qty: r.qty }) }),
    'trading.cancelAll': async (r) => ({ canceled: (await s()).cancelAll(r.symbol) }),
    'trading.openOrders': async (r) => ({ orders: (await s()).openOrders(r.symbol) }),
    'trading.orderHistory': async (r) => ({ orders: (await s()).orderHistory(r.symbol, r.limit ?? 500) }),
    'trading.fills': async (r) => ({ fills: (await s()).fills(r.symbol, r.limit ?? 500) }),
    'trading.positions': async () => ({ positions: (await s()).positions() }),
    'trading.account': async () => (await s()).account(),
    'risk.status': async () => (await s()).riskStatus(),
    'risk.setLimits': async (r, c) => {
      (await svc()).setLimits(r, c.origin);
      return (await s()).riskStatus();
    },
    'risk.killSwitch': async (r, c) => {
      const canceled = (await svc()).killSwitch(r.reason ?? 'kill switch', c.origin);
      return { canceled, status: (await s()).riskStatus() };
    },
    'risk.setTradingState': async (r, c) => {
      (await svc()).setTradingState(r.state, r.reason ?? 'set by the trader', c.origin);
      return (await s()).riskStatus();
    },
    'paper.settings': async () => (await svc()).settings(),
    'paper.setSettings': async (r, c) => {
      const t = await svc();
      const { resetAccount, ...change } = r;
      const settings = t.saveSettings(change, c.origin);
      if (!resetAccount) return settings;
      t.resetAccount(c.origin);
      return t.settings();
    },
    'paper.resetAccount': async (_r, c) => (await svc()).resetAccount(c.origin),
  };
}
