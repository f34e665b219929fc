import { create } from 'zustand';
import type { ReplayBar, ReplayControl, ReplayStatus } from '../../main/contract/replay.ts';
import type { RequestOf } from '../../main/contract/index.ts';
import type { AccountView, FillView, OrderView, PositionView, TicketRequest } from '../../main/contract/trading.ts';
import { call, getClient } from '../ipc/client.ts';
import { useNotices } from './notices.ts';

/** Bars the replay chart keeps (the host keeps them all; the chart reloads on a reset). */
const KEEP_BARS = 5_000;

/**
 * Market replay (Replay workspace): the host's replay session pushed as `replay.update`; the chart, ticket and
 * blotter of the workspace read it. Named apart from the audit's session re-play (state/audit-replay.ts).
 */
interface MarketReplayState {
  status: ReplayStatus | null;
  bars: ReplayBar[];
  /** Bumped when the bars are replaced (a new replay, a backward seek): the chart redraws them all. */
  barsEpoch: number;
  orders: OrderView[];
  fills: FillView[];
  positions: PositionView[];
  account: AccountView | null;
  load(): Promise<void>;
  start(r: RequestOf<'replay.start'>): Promise<boolean>;
  control(c: ReplayControl): Promise<void>;
  submit(t: TicketRequest): Promise<boolean>;
  cancel(clientOrderId: string): Promise<void>;
}

let subscribed = false;

export const useMarketReplay = create<MarketReplayState>((set, get) => {
  const reloadBars = async () => {
    const r = await call('replay.bars', { limit: KEEP_BARS }, { quiet: true });
    set({ bars: r?.bars ?? [], barsEpoch: get().barsEpoch + 1 });
  };
  const reloadBlotter = async () => {
    if (!get().status) return set({ orders: [], fills: [], positions: [], account: null });
    const b = await call('replay.blotter', {}, { quiet: true });
    if (b) set({ orders: b.orders, fills: b.fills, positions: b.positions, account: b.account });
  };
  return {
    status: null,
    bars: [],
    barsEpoch: 0,
    orders: [],
    fills: [],
    positions: [],
    account: null,
    async load() {
      if (!subscribed) {
        subscribed = true;
        getClient().on('replay.update', (u) => {
          const prev = get().status;
          set({ status: u.status });
          if (u.reset || !u.status || prev?.id !== u.status.id) {
            void reloadBars();
            void reloadBlotter();
            return;
          }
          if (u.bars.length) {
            const bars = [...get().bars, ...u.bars];
            set({ bars: bars.length > KEEP_BARS ? bars.slice(bars.length - KEEP_BARS) : bars });
          }
          if (u.orders.length || u.fills.length) void reloadBlotter();
          if (u.status.strategyError && !prev?.strategyError) useNotices.getState().push({ level: 'error', title: 'Replay strategy stopped', message: u.status.strategyError });
        });
      }
      const status = await call('replay.status', {}, { quiet: true });
      set({ status: status ?? null });
      await Promise.all([reloadBars(), reloadBlotter()]);
    },
    async start(r) {
      const status = await call('replay.start', r);
      if (!status) return false;
      set({ status });
      await Promise.all([reloadBars(), reloadBlotter()]);
      return true;
    },
    async control(c) {
      const status = await call('replay.control', c);
      if (status === undefined) return;
      set({ status });
      if (c.action === 'stop') await Promise.all([reloadBars(), reloadBlotter()]);
    },
    async submit(t) {
      const r = await call('replay.submit', t);
      if (!r) return false;
      await reloadBlotter();
      return true;
    },
    async cancel(clientOrderId) {
      if (await call('replay.cancel', { clientOrderId })) await reloadBlotter();
    },
  };
});
