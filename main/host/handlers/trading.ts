import { isReplayAccount } from '../../contract/replay.ts';
import { ValidationError } from '../../core/errors.ts';
import type { HandlersFor } from '../ipc/handlers.ts';
import type { AccountDesk } from '../trading/desk.ts';
import type { ReplayService } from '../trading/replay-service.ts';
import type { TradingService } from '../trading/service.ts';
import type { TradingSession } from '../trading/session.ts';

type TradingCommand =
  | 'trading.session' | 'trading.instruments' | 'trading.prices' | 'trading.preview' | 'trading.submit' | 'trading.cancel' | 'trading.amend' | 'trading.cancelAll'
  | 'trading.openOrders' | 'trading.orderHistory' | 'trading.fills' | 'trading.positions' | 'trading.account' | 'trading.margin' | 'trading.setMargin'
  | 'risk.status' | 'risk.setLimits' | 'risk.killSwitch' | 'risk.setTradingState'
  | 'risk.profile' | 'risk.setProfile' | 'risk.override' | 'risk.endOverride' | 'risk.report'
  | 'paper.settings' | 'paper.setSettings' | 'paper.resetAccount'
  | 'accounts.list' | 'accounts.select' | 'accounts.create' | 'accounts.rename' | 'accounts.remove' | 'accounts.protection';

type Named = { account?: string | undefined };

/** What an account's session and a replay's both answer: the commands that change orders. */
type OrderCommands = Pick<TradingSession, 'submit' | 'cancel' | 'amend' | 'cancelAll'>;
/** What an account's desk and a replay's both answer: the account-wide state commands (kill switch, resume, reducing-only). */
type StateCommands = Pick<AccountDesk, 'killSwitch' | 'setTradingState'>;

/**
 * Thin by design: validation of shapes happened at the contract, the rules live in TradingSession and the
 * account's desk. Every command acts on the account it names (`account`), or the selected one. A market
 * replay's account (`replay:<id>`) names the running replay's session: the Trade workspace's ticket, blotter and
 * positions trade it with these same commands, its orders recorded by the replay (a backward seek re-applies them).
 */
export function tradingHandlers(trading: TradingService, replay?: ReplayService): HandlersFor<TradingCommand> {
  const replayOf = (r: Named): string | undefined => (isReplayAccount(r.account) ? r.account : undefined);
  const replays = (): ReplayService => {
    if (!replay) throw new ValidationError('This host runs no market replay', [{ path: 'account', message: 'no replay' }]);
    return replay;
  };
  // Waits for a pending session start (first start: after the demo history is generated); starts the
  // account's session when it is not running yet. A replay's account has no desk: its risk limits and settings
  // are the paper defaults for the whole replay.
  const svc = (r: Named) => {
    if (replayOf(r)) throw new ValidationError('A replay trades with the paper default limits and settings: they cannot be changed for it', [{ path: 'account', message: 'a replay account' }]);
    return trading.running(r.account);
  };
  const s = async (r: Named) => {
    const rid = replayOf(r);
    return rid ? replays().session(rid) : (await trading.running(r.account)).session;
  };
  // Order commands on a replay go through the replay, which records them (a backward seek re-applies them).
  const ordered = async <T>(r: Named, fn: (x: OrderCommands) => T): Promise<T> => {
    const rid = replayOf(r);
    return rid ? replays().command(rid, fn) : fn((await trading.running(r.account)).session);
  };
  // The kill switch and the trading state act on the account the request names: a replay's stays in the replay
  // (recorded like its orders), never the selected account's desk.
  const stated = async <T>(r: Named, fn: (x: StateCommands) => T): Promise<T> => {
    const rid = replayOf(r);
    return rid ? replays().command(rid, fn) : fn(await trading.running(r.account));
  };
  return {
    'trading.session': async (r) => {
      const rid = replayOf(r);
      return rid ? replays().sessionView(rid) : (await svc(r)).sessionView();
    },
    'trading.instruments': async (r) => ({ instruments: (await s(r)).instrumentViews() }),
    'trading.prices': async (r) => {
      const rid = replayOf(r);
      return { prices: rid ? await replays().prices(rid) : (await s(r)).prices() };
    },
    'trading.preview': async (r) => (await s(r)).preview(r),
    'trading.submit': async (r) => ({ orders: await ordered(r, (x) => x.submit(r)) }),
    'trading.cancel': async (r) => ({ order: await ordered(r, (x) => x.cancel(r.clientOrderId)) }),
    'trading.amend': async (r) => ({ order: await ordered(r, (x) => x.amend(r.clientOrderId, { price: r.price, triggerPrice: r.triggerPrice, qty: r.qty, confirmTriggerNow: r.confirmTriggerNow })) }),
    'trading.cancelAll': async (r) => ({ canceled: await ordered(r, (x) => x.cancelAll(r.symbol)) }),
    'trading.openOrders': async (r) => ({ orders: (await s(r)).openOrders(r.symbol) }),
    'trading.orderHistory': async (r) => ({ orders: (await s(r)).orderHistory(r.symbol, r.limit ?? 500) }),
    'trading.fills': async (r) => ({ fills: (await s(r)).fills(r.symbol, r.limit ?? 500) }),
    'trading.positions': async (r) => ({ positions: (await s(r)).positions() }),
    'trading.account': async (r) => (await s(r)).account(),
    'trading.margin': async (r) => (await s(r)).margin(r.symbol),
    'trading.setMargin': async (r, c) => (await svc(r)).setMargin(r.symbol, { mode: r.mode, leverage: r.leverage }, c.origin),
    'risk.status': async (r) => (await s(r)).riskStatus(),
    'risk.setLimits': async (r, c) => {
      (await svc(r)).setLimits(r, c.origin);
      return (await s(r)).riskStatus();
    },
    'risk.killSwitch': async (r, c) => {
      const { canceled, flattening } = await stated(r, (x) => x.killSwitch(r.reason ?? 'kill switch', c.origin, r.flatten ?? true));
      return { canceled, flattening, status: (await s(r)).riskStatus() };
    },
    'risk.profile': async (r) => ({ ...(await svc(r)).riskProfile() }),
    'risk.setProfile': async (r, c) => {
      (await svc(r)).setRiskProfile(r.profile, c.origin);
      return (await s(r)).riskStatus();
    },
    'risk.override': async (r, c) => {
      // The account names the desk; the override itself is checked strictly without it.
      const { passphrase, account: _account, ...req } = r;
      await (await svc(r)).override(req, passphrase, c.origin);
      return (await s(r)).riskStatus();
    },
    'risk.endOverride': async (r, c) => {
      (await svc(r)).endOverride(r.reason ?? 'ended by the trader', c.origin);
      return (await s(r)).riskStatus();
    },
    'risk.report': async (r) => (await svc(r)).riskReport(),
    'risk.setTradingState': async (r, c) => {
      await stated(r, (x) => x.setTradingState(r.state, r.reason ?? 'set by the trader', c.origin));
      return (await s(r)).riskStatus();
    },
    'paper.settings': async (r) => (await svc(r)).settings(),
    'paper.setSettings': async (r, c) => {
      const t = await svc(r);
      const { resetAccount, account: _account, ...change } = r;
      const settings = t.saveSettings(change, c.origin);
      if (!resetAccount) return settings;
      t.resetAccount(c.origin);
      return t.settings();
    },
    'paper.resetAccount': async (r, c) => (await svc(r)).resetAccount(c.origin),
    'accounts.list': () => trading.list(),
    'accounts.select': (r, c) => trading.select(r.account, c.origin),
    'accounts.create': (r, c) => trading.createAccount(r.account, c.origin),
    'accounts.rename': (r, c) => trading.renameAccount(r.account, r.name, c.origin),
    'accounts.remove': (r, c) => trading.removeAccount(r.account, c.origin),
    'accounts.protection': (r, c) => trading.setProtectiveLost(r.account, r.protectiveLost, c.origin),
  };
}
