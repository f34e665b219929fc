import { create } from 'zustand';
import type { RiskStatus, TradingState } from '../../main/contract/trading.ts';
import type { RequestOf } from '../../main/contract/index.ts';
import { call, getClient } from '../ipc/client.ts';
import { useNotices } from './notices.ts';
import { useTrading } from './trading.ts';

interface RiskStore {
  status: RiskStatus | null;
  load(): Promise<void>;
  setLimits(l: RequestOf<'risk.setLimits'>): Promise<boolean>;
  kill(reason: string): Promise<void>;
  setState(state: TradingState, reason: string): Promise<void>;
}

let subscribed = false;

export const useRisk = create<RiskStore>((set) => ({
  status: null,
  async load() {
    if (!subscribed) {
      subscribed = true;
      getClient().on('risk.state', (status) => set({ status }));
    }
    const s = await call('risk.status', {});
    if (s) set({ status: s });
  },
  async setLimits(l) {
    const s = await call('risk.setLimits', l);
    if (s) {
      set({ status: s });
      useNotices.getState().push({ level: 'info', title: 'Risk limits saved', message: 'The gate applies them to the next order.' });
    }
    return !!s;
  },
  async kill(reason) {
    const r = await call('risk.killSwitch', reason ? { reason } : {});
    if (!r) return;
    set({ status: r.status });
    useNotices.getState().push({ level: 'info', title: 'Kill switch engaged', message: `Trading halted; ${r.canceled} order${r.canceled === 1 ? '' : 's'} cancelled.` });
    void useTrading.getState().refresh();
  },
  async setState(state, reason) {
    const s = await call('risk.setTradingState', { state, ...(reason ? { reason } : {}) });
    if (s) set({ status: s });
  },
}));
