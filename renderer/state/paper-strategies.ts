import { create } from 'zustand';
import type { PaperStrategyView } from '../../main/contract/paper-strategy.ts';
import { call, getClient } from '../ipc/client.ts';
import { useNotices } from './notices.ts';

/** Saved strategies running in the paper session (studio "Run in paper"); state pushed by the host. */
interface PaperStrategiesState {
  runs: PaperStrategyView[];
  load(): Promise<void>;
  start(r: { strategyId: string; version?: number; symbol: string; timeframe: '1m' | '5m' | '15m' | '1h'; account?: string }): Promise<boolean>;
  stop(runId: string): Promise<void>;
  reload(runId: string, to: { version?: number; rollback?: boolean }): Promise<void>;
}

const upsert = (runs: PaperStrategyView[], v: PaperStrategyView): PaperStrategyView[] => {
  const i = runs.findIndex((r) => r.runId === v.runId);
  return i < 0 ? [...runs, v] : runs.map((r, k) => (k === i ? v : r));
};

let subscribed = false;

export const usePaperStrategies = create<PaperStrategiesState>((set, get) => ({
  runs: [],
  async load() {
    if (!subscribed) {
      subscribed = true;
      const c = getClient();
      c.on('paper.strategy.state', (v) => {
        const before = get().runs.find((r) => r.runId === v.runId);
        set({ runs: upsert(get().runs, v) });
        // A fault is pushed, not answered: it needs a notice of its own.
        if (v.state === 'error' && before?.state !== 'error') useNotices.getState().push({ level: 'error', title: `${v.name} stopped in paper`, message: v.lastError ?? 'the strategy failed' });
      });
      // A new session (account reset) ends the runs attached to the old one.
      c.on('trading.session', () => void get().load());
    }
    const r = await call('paper.strategy.list', {}, { quiet: true });
    if (r) set({ runs: r.strategies });
  },
  async start(r) {
    const v = await call('paper.strategy.start', r);
    if (!v) return false;
    set({ runs: upsert(get().runs, v) });
    useNotices.getState().push({ level: 'info', title: `${v.name} running in paper`, message: `v${v.version} on ${v.symbol} ${v.timeframe}` });
    return true;
  },
  async stop(runId) {
    const v = await call('paper.strategy.stop', { runId });
    if (v) set({ runs: upsert(get().runs, v) });
  },
  async reload(runId, to) {
    const v = await call('paper.strategy.reload', { runId, ...to });
    if (!v) return;
    set({ runs: upsert(get().runs, v) });
    useNotices.getState().push({ level: 'info', title: `${v.name} reloaded`, message: `now v${v.version} · ${v.hash.slice(0, 12)}` });
  },
}));
