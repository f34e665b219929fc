import { create } from 'zustand';
import type { ResponseOf } from '../../main/contract/index.ts';
import type { AccountView, FillView, InstrumentView, OrderView, PositionView, PriceTick, SessionView } from '../../main/contract/trading.ts';
import { RemoteError } from '../../main/contract/index.ts';
import { isReplayAccount } from '../../main/contract/replay.ts';
import { call, describeError, getClient } from '../ipc/client.ts';
import { useNotices } from './notices.ts';

/** The blotter's view of the paper (or live) session: everything here comes from the host, pushed or fetched. */
interface TradingState {
  session: SessionView | null;
  instruments: InstrumentView[];
  prices: Record<string, string>;
  openOrders: OrderView[];
  history: OrderView[];
  fills: FillView[];
  positions: PositionView[];
  account: AccountView | null;
  loaded: boolean;
  /**
   * Shows `account`'s session (default: the host's selected account). A market replay's account (`replay:<id>`)
   * shows the replay: its updates arrive as `replay.update` (state/market-replay.ts), and the selected account's
   * pushed events are ignored until the view goes back to it.
   */
  load(account?: string): Promise<void>;
  refresh(): Promise<void>;
  cancel(clientOrderId: string): Promise<boolean>;
  /**
   * 'trigger-now': the new trigger would fire at once and was not confirmed (nothing changed, no notice: the
   * caller asks the trader, then sends again with confirmTriggerNow).
   */
  amend(clientOrderId: string, change: { price?: string; triggerPrice?: string; qty?: string; confirmTriggerNow?: boolean }): Promise<AmendOutcome>;
  cancelAll(symbol?: string): Promise<number | undefined>;
  instrument(symbol: string): InstrumentView | undefined;
  /** Pushed changes (the selected account's events, or a replay's updates) applied to the view. */
  applyOrders(orders: readonly OrderView[]): void;
  applyFills(fills: readonly FillView[]): void;
  applyPrices(prices: readonly PriceTick[]): void;
}

export type AmendOutcome = { ok: true } | { ok: false; triggerNow?: string };

const byNewest = (a: OrderView, b: OrderView) => b.updatedTs - a.updatedTs;
const byOldest = (a: OrderView, b: OrderView) => a.createdTs - b.createdTs;

/** Applies changed orders to the open list and the history without refetching both. */
export function mergeOrders(open: OrderView[], history: OrderView[], changed: readonly OrderView[]): { openOrders: OrderView[]; history: OrderView[] } {
  const o = new Map(open.map((x) => [x.clientOrderId, x]));
  const h = new Map(history.map((x) => [x.clientOrderId, x]));
  for (const c of changed) {
    h.set(c.clientOrderId, c);
    if (c.open) o.set(c.clientOrderId, c);
    else o.delete(c.clientOrderId);
  }
  return { openOrders: [...o.values()].sort(byOldest), history: [...h.values()].sort(byNewest) };
}

let subscribed = false;
let loads = 0;

/** The store shows a market replay (not the selected account): its pushed trading events are not this view's. */
export const viewingReplay = (): boolean => isReplayAccount(useTrading.getState().session?.account);

/** Every trading call names the account whose session the store shows (never a symbol alone). */
export const forAccount = (): { account?: string } => {
  const a = useTrading.getState().session?.account;
  return a ? { account: a } : {};
};

export const useTrading = create<TradingState>((set, get) => ({
  session: null,
  instruments: [],
  prices: {},
  openOrders: [],
  history: [],
  fills: [],
  positions: [],
  account: null,
  loaded: false,
  async load(account) {
    if (!subscribed) {
      subscribed = true;
      const c = getClient();
      c.on('trading.orders', ({ orders }) => !viewingReplay() && get().applyOrders(orders));
      c.on('trading.fill', ({ fill }) => !viewingReplay() && get().applyFills([fill]));
      c.on('trading.portfolio', ({ account, positions }) => !viewingReplay() && set({ account, positions }));
      c.on('trading.ticks', ({ prices }) => !viewingReplay() && get().applyPrices(prices));
      c.on('trading.session', (session) => {
        if (viewingReplay()) return;
        set({ session });
        void get().refresh();
      });
    }
    const seq = ++loads;
    const named = account ? { account } : {};
    const [session, instruments, prices] = await Promise.all([call('trading.session', named), call('trading.instruments', named), call('trading.prices', named)]);
    // Another view (a replay entered or left) was asked for while this loaded: the later load wins.
    if (seq !== loads) return;
    set({
      ...(session ? { session } : {}),
      ...(instruments ? { instruments: instruments.instruments } : {}),
      ...(prices ? { prices: Object.fromEntries(prices.prices.map((p) => [p.symbol, p.price])) } : {}),
    });
    await get().refresh();
    set({ loaded: true });
  },
  async refresh() {
    const [open, hist, fills, pos, account] = await Promise.all([
      call('trading.openOrders', forAccount()),
      call('trading.orderHistory', forAccount()),
      call('trading.fills', forAccount()),
      call('trading.positions', forAccount()),
      call('trading.account', forAccount()),
    ]);
    set({
      ...(open ? { openOrders: open.orders } : {}),
      ...(hist ? { history: hist.orders } : {}),
      ...(fills ? { fills: fills.fills } : {}),
      ...(pos ? { positions: pos.positions } : {}),
      ...(account ? { account } : {}),
    });
  },
  async cancel(clientOrderId) {
    const r: ResponseOf<'trading.cancel'> | undefined = await call('trading.cancel', { clientOrderId, ...forAccount() });
    if (r) set(mergeOrders(get().openOrders, get().history, [r.order]));
    return !!r;
  },
  async amend(clientOrderId, change) {
    try {
      const r = await getClient().call('trading.amend', { clientOrderId, ...change, ...forAccount() });
      set(mergeOrders(get().openOrders, get().history, [r.order]));
      return { ok: true };
    } catch (e) {
      if (e instanceof RemoteError && e.details?.triggersNow === true) return { ok: false, triggerNow: e.message.replace(/^Invalid amend for [^:]+: /, '') };
      useNotices.getState().push(describeError('trading.amend', e));
      return { ok: false };
    }
  },
  async cancelAll(symbol) {
    const r = await call('trading.cancelAll', { ...(symbol ? { symbol } : {}), ...forAccount() });
    if (r) {
      useNotices.getState().push({ level: 'info', title: 'Cancel all', message: `${r.canceled} order${r.canceled === 1 ? '' : 's'} asked to cancel` });
      void get().refresh();
    }
    return r?.canceled;
  },
  instrument(symbol) {
    return get().instruments.find((i) => i.symbol === symbol);
  },
  applyOrders(orders) {
    if (orders.length) set(mergeOrders(get().openOrders, get().history, orders));
  },
  applyFills(fills) {
    for (const fill of fills) {
      if (get().fills.some((f) => f.tradeId === fill.tradeId)) continue;
      set({ fills: [fill, ...get().fills] });
      useNotices.getState().push({ level: 'info', title: `Filled ${fill.side} ${fill.qty} ${fill.symbol}`, message: `at ${fill.price} (${fill.liquidity}, fee ${fill.fee} ${fill.feeCurrency})` });
    }
  },
  applyPrices(prices) {
    if (!prices.length) return;
    const next = { ...get().prices };
    for (const p of prices) next[p.symbol] = p.price;
    set({ prices: next });
  },
}));
