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

/**
 * Which of two views of the same order is the later one. Views arrive out of order: a refresh's snapshot is
 * taken before a fill that is pushed while the snapshot is still on its way, and a command's reply can trail the
 * push of what happened next. The order's own history decides, never the arrival: an ended order never
 * reopens; fills only grow; then the later update; at the same millisecond the state further along.
 */
export function laterOrder(a: OrderView, b: OrderView): OrderView {
  if (a.open !== b.open) return a.open ? b : a;
  const fa = Number(a.filledQty), fb = Number(b.filledQty);
  if (fa !== fb) return fb > fa ? b : a;
  if (a.updatedTs !== b.updatedTs) return b.updatedTs > a.updatedTs ? b : a;
  return STATE_RANK[b.state] >= STATE_RANK[a.state] ? b : a;
}

/** Within one millisecond, how far along an order is (a cancel or amend request comes after the ack it follows). */
const STATE_RANK: Readonly<Record<OrderView['state'], number>> = {
  held: 0, 'pending-submit': 1, accepted: 2, triggered: 3, 'pending-amend': 4, 'pending-cancel': 5, 'partially-filled': 6,
  rejected: 7, expired: 7, canceled: 7, filled: 8,
};

/** Applies changed orders to the open list and the history without refetching both; per order, the later view wins. */
export function mergeOrders(open: readonly OrderView[], history: readonly OrderView[], changed: readonly OrderView[]): { openOrders: OrderView[]; history: OrderView[] } {
  const o = new Map(open.map((x) => [x.clientOrderId, x]));
  const h = new Map(history.map((x) => [x.clientOrderId, x]));
  for (const c of changed) {
    const id = c.clientOrderId;
    const known = h.get(id) ?? o.get(id);
    const best = known ? laterOrder(known, c) : c;
    h.set(id, best);
    if (best.open) o.set(id, best);
    else o.delete(id);
  }
  return { openOrders: [...o.values()].sort(byOldest), history: [...h.values()].sort(byNewest) };
}

/**
 * A refresh's lists are the truth about every order except those pushed (or returned by a command) while it was
 * on its way: those are merged over it, the later view winning. Its open list and its history are read at
 * slightly different moments too, so the two are reconciled first.
 */
export function snapshotOrders(open: readonly OrderView[], history: readonly OrderView[], during: readonly OrderView[]): { openOrders: OrderView[]; history: OrderView[] } {
  const base = mergeOrders(open, history, open);
  return mergeOrders(base.openOrders, base.history, during);
}

/** Orders applied while a refresh is in flight, one map per refresh (they may overlap). */
const inFlight = new Set<Map<string, OrderView>>();

function noteDuringRefresh(orders: readonly OrderView[]): void {
  for (const m of inFlight) {
    for (const x of orders) {
      const known = m.get(x.clientOrderId);
      m.set(x.clientOrderId, known ? laterOrder(known, x) : x);
    }
  }
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
    const during = new Map<string, OrderView>();
    inFlight.add(during);
    let replies;
    try {
      replies = await Promise.all([
        call('trading.openOrders', forAccount()),
        call('trading.orderHistory', forAccount()),
        call('trading.fills', forAccount()),
        call('trading.positions', forAccount()),
        call('trading.account', forAccount()),
      ]);
    } finally {
      inFlight.delete(during);
    }
    const [open, hist, fills, pos, account] = replies;
    const pushed = [...during.values()];
    set({
      ...(open && hist ? snapshotOrders(open.orders, hist.orders, pushed) : {}),
      ...(open && !hist ? { openOrders: mergeOrders(open.orders, get().history, pushed).openOrders } : {}),
      ...(hist && !open ? { history: mergeOrders(get().openOrders, hist.orders, pushed).history } : {}),
      ...(fills ? { fills: fills.fills } : {}),
      ...(pos ? { positions: pos.positions } : {}),
      ...(account ? { account } : {}),
    });
  },
  async cancel(clientOrderId) {
    const r: ResponseOf<'trading.cancel'> | undefined = await call('trading.cancel', { clientOrderId, ...forAccount() });
    if (r) get().applyOrders([r.order]);
    return !!r;
  },
  async amend(clientOrderId, change) {
    try {
      const r = await getClient().call('trading.amend', { clientOrderId, ...change, ...forAccount() });
      get().applyOrders([r.order]);
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
    if (!orders.length) return;
    noteDuringRefresh(orders);
    set(mergeOrders(get().openOrders, get().history, orders));
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
