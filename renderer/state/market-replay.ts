import { create } from 'zustand';
import type { ReplayControl, ReplayStatus } from '../../main/contract/replay.ts';
import type { RequestOf } from '../../main/contract/index.ts';
import { call, getClient } from '../ipc/client.ts';
import { allChartStores, TIMEFRAME_MS, TIMEFRAMES, type Timeframe } from './chart.ts';
import { useApp } from './app.ts';
import { useEquity } from './equity.ts';
import { useNotices } from './notices.ts';
import { useRisk } from './risk.ts';
import { useTicket } from './ticket.ts';
import { useTrading, viewingReplay } from './trading.ts';

/**
 * Market replay in the Trade workspace. A replay is a session source like an account: while the trader views
 * it, the trading store shows the replay's account (`status.account`, which the host routes to the replay's
 * session) so the ticket, blotter and positions act on it unchanged, and every chart shows the replay's symbols
 * from the chart source `status.account` (state/chart.ts asks `replay.bars` for it). Its pushed `replay.update`
 * carries what the selected account's trading events carry; leaving the replay reloads the selected account.
 * Named apart from the audit's session re-play (state/audit-replay.ts).
 */
interface MarketReplayState {
  status: ReplayStatus | null;
  /** The Trade workspace shows the replay. */
  viewing: boolean;
  /** The replay setup dialog is open. */
  setupOpen: boolean;
  load(): Promise<void>;
  start(r: RequestOf<'replay.start'>): Promise<boolean>;
  control(c: ReplayControl): Promise<void>;
  /** Shows the running replay in the Trade workspace. */
  enter(): Promise<void>;
  /** Back to the selected account (the replay keeps its state; it can be entered again). */
  leave(): Promise<void>;
  openSetup(open: boolean): void;
}

/** What each chart showed before the replay took it over: restored on leaving. */
const before = new Map<number, { source: string; symbol: string; timeframe: Timeframe }>();

/** The chart timeframe a replay can draw: the chart's own when it is a multiple of the replay's, else the replay's. */
function chartTimeframe(current: Timeframe, replayTf: string): Timeframe {
  const base = TIMEFRAME_MS[replayTf as Timeframe];
  const cur = TIMEFRAME_MS[current];
  if (base && cur >= base && cur % base === 0) return current;
  return (TIMEFRAMES as readonly string[]).includes(replayTf) ? (replayTf as Timeframe) : current;
}

let subscribed = false;
/** A risk status re-read is under way (updates come ten a second: one at a time). */
let riskAsked = false;

/** Re-reads after a reset are coalesced: at max speed every update is one. */
const RELOAD_MS = 250;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
function refreshSoon(): void {
  refreshTimer ??= setTimeout(() => {
    refreshTimer = undefined;
    if (!viewingReplay()) return;
    void useTrading.getState().refresh();
    void useEquity.getState().load();
  }, RELOAD_MS);
}

export const useMarketReplay = create<MarketReplayState>((set, get) => {
  const showCharts = async (s: ReplayStatus) => {
    await Promise.all(
      allChartStores().map((store, i) => {
        const c = store.getState();
        if (!c.source.startsWith('replay:') && c.symbol) before.set(i, { source: c.source, symbol: c.symbol, timeframe: c.timeframe });
        const symbol = s.symbols.includes(c.symbol) && c.source === s.account ? c.symbol : s.symbols[i % s.symbols.length]!;
        return c.select({ source: s.account, symbol, timeframe: chartTimeframe(c.timeframe, s.timeframe) });
      }),
    );
  };
  const restoreCharts = async () => {
    await Promise.all(
      allChartStores().map((store, i) => {
        const b = before.get(i);
        if (!store.getState().source.startsWith('replay:')) return undefined;
        // A chart that had nothing before the replay goes back to the first dataset (as a fresh chart does).
        if (!b) {
          store.setState({ source: '', symbol: '', candles: null, seq: store.getState().seq + 1 });
          return store.getState().loadDatasets();
        }
        return store.getState().select(b);
      }),
    );
  };
  const reloadView = async (s: ReplayStatus) => {
    useTicket.getState().cancel();
    await Promise.all([useTrading.getState().load(s.account), showCharts(s)]);
    // The top bar's trading state, the kill switch and resume follow the account shown: the replay's own.
    void useRisk.getState().load();
    void useEquity.getState().load();
  };
  return {
    status: null,
    viewing: false,
    setupOpen: false,
    async load() {
      if (!subscribed) {
        subscribed = true;
        getClient().on('replay.update', (u) => {
          const prev = get().status;
          set({ status: u.status });
          if (!get().viewing) return;
          if (!u.status) return void get().leave();
          if (prev?.id !== u.status.id) return void reloadView(u.status);
          if (!viewingReplay()) return;
          const t = useTrading.getState();
          // A backward seek, or more bars than one update carries (max speed): the orders and fills are re-read,
          // at most every RELOAD_MS (the ticket is left as the trader has it).
          if (u.reset) refreshSoon();
          t.applyPrices(u.prices);
          t.applyOrders(u.orders);
          t.applyFills(u.fills);
          if (u.account) useTrading.setState({ account: u.account, positions: u.positions });
          useEquity.getState().append(u.status.account, u.equity);
          // Its trading state moved (its kill switch, or a backward seek to before it): the risk view re-reads it.
          if (u.status.tradingState !== useRisk.getState().status?.tradingState && !riskAsked) {
            riskAsked = true;
            void useRisk.getState().refresh().finally(() => (riskAsked = false));
          }
          if (u.status.strategyError && !prev?.strategyError) useNotices.getState().push({ level: 'error', title: 'Replay strategy stopped', message: u.status.strategyError });
        });
      }
      const status = await call('replay.status', {}, { quiet: true });
      set({ status: status ?? null });
    },
    async start(r) {
      const status = await call('replay.start', r);
      if (!status) return false;
      set({ status, setupOpen: false });
      await get().enter();
      return true;
    },
    async control(c) {
      const status = await call('replay.control', c);
      if (status === undefined) return;
      set({ status });
      if (c.action === 'stop') await get().leave();
    },
    async enter() {
      const s = get().status;
      if (!s) return;
      set({ viewing: true });
      useApp.getState().setWorkspace('trade');
      await reloadView(s);
    },
    async leave() {
      if (!get().viewing) return;
      set({ viewing: false });
      useTicket.getState().cancel();
      await Promise.all([useTrading.getState().load(), restoreCharts()]);
      void useRisk.getState().load();
      void useEquity.getState().load();
    },
    openSetup(open) {
      set({ setupOpen: open });
    },
  };
});
