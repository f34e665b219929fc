import { create } from 'zustand';
import type { EquitySampleView, StrategyPnlView } from '../../main/contract/equity.ts';
import { call, getClient } from '../ipc/client.ts';
import { forAccount, useTrading, viewingReplay } from './trading.ts';

/** The account tab's view: the current book's equity history (fetched, then extended by pushed samples) and per-strategy P&L. */
interface EquityState {
  book: string | null;
  currency: string;
  samples: EquitySampleView[];
  truncated: boolean;
  pnl: StrategyPnlView | null;
  load(): Promise<void>;
  refreshPnl(): Promise<void>;
  /** Samples pushed for `book` (a replay's, in its updates): appended when they are of the book shown. */
  append(book: string, samples: readonly EquitySampleView[]): void;
}

let subscribed = false;
let loads = 0;
/** Per-strategy P&L is recomputed by the host on request: asked again at most this often while fills arrive. */
const PNL_GAP_MS = 1000;
let pnlTimer: ReturnType<typeof setTimeout> | undefined;

export const useEquity = create<EquityState>((set, get) => ({
  book: null,
  currency: '',
  samples: [],
  truncated: false,
  pnl: null,
  async load() {
    if (!subscribed) {
      subscribed = true;
      const c = getClient();
      c.on('equity.sample', ({ book, sample }) => {
        if (book !== get().book) return;
        const s = get().samples;
        if (s.length && s[s.length - 1]!.ts >= sample.ts) return;
        set({ samples: [...s, sample] });
        if (sample.reason === 'fill') laterPnl(get);
      });
      // Another account (or a reset book): everything is re-read.
      c.on('trading.session', () => void get().load());
    }
    // A market replay's history is its equity over replay time (kept by the replay); it has no per-strategy P&L (no ledger).
    const seq = ++loads;
    if (viewingReplay()) set({ pnl: null });
    const [h] = await Promise.all([call('equity.history', forAccount()), get().refreshPnl()]);
    // Another view (a replay entered or left, a reset) asked again while this loaded: the later load wins.
    if (h && seq === loads) set({ book: h.book, currency: h.currency, samples: h.samples, truncated: h.truncated });
  },
  append(book, samples) {
    if (book !== get().book || !samples.length) return;
    const s = get().samples;
    const last = s.length ? s[s.length - 1]!.ts : -Infinity;
    const add = samples.filter((x) => x.ts > last);
    if (add.length) set({ samples: [...s, ...add] });
  },
  async refreshPnl() {
    if (viewingReplay()) return;
    const pnl = await call('equity.strategyPnl', forAccount());
    if (pnl) set({ pnl });
  },
}));

function laterPnl(get: () => EquityState): void {
  pnlTimer ??= setTimeout(() => {
    pnlTimer = undefined;
    void get().refreshPnl();
  }, PNL_GAP_MS);
}

/** Marks move unrealized P&L: the tab asks again while it is open and positions are held. */
export function pnlWhileOpen(): () => void {
  const id = setInterval(() => {
    if (useTrading.getState().positions.some((p) => p.side !== 'flat')) void useEquity.getState().refreshPnl();
  }, 5000);
  return () => clearInterval(id);
}
