import { fmtTime, timeZone } from '../app/format.ts';
import { create } from 'zustand';
import type { RiskStatus, TradingState } from '../../main/contract/trading.ts';
import type { RequestOf } from '../../main/contract/index.ts';
import { call, getClient } from '../ipc/client.ts';
import { useNotices } from './notices.ts';
import { forAccount, useTrading, viewingReplay } from './trading.ts';

interface RiskStore {
  status: RiskStatus | null;
  /** Loads the risk view of `account` (default: the account the trading store shows). */
  load(account?: string): Promise<void>;
  /** Re-reads the status quietly (the panel polls it while open). */
  refresh(): Promise<void>;
  setLimits(l: RequestOf<'risk.setLimits'>): Promise<boolean>;
  kill(reason: string, flatten: boolean): Promise<void>;
  setState(state: TradingState, reason: string): Promise<void>;
  override(req: RequestOf<'risk.override'>): Promise<boolean>;
  /** Changes fields of the account's risk profile (read fresh from the host, validated there). */
  patchProfile(change: Record<string, unknown>): Promise<boolean>;
  endOverride(): Promise<void>;
}

let subscribed = false;
let loads = 0;

/**
 * The risk view of the account the Trade workspace shows (`forAccount`: a market replay's own account while a
 * replay is shown), never the selected one behind it: the kill switch, resume and reducing-only act on the
 * account whose state the top bar shows.
 */
export const useRisk = create<RiskStore>((set) => ({
  status: null,
  async load(account) {
    if (!subscribed) {
      subscribed = true;
      // Pushed for the selected account: not the view's while a replay is shown (its state comes with its updates).
      getClient().on('risk.state', (status) => !viewingReplay() && set({ status }));
    }
    const seq = ++loads;
    const s = await call('risk.status', account ? { account } : forAccount());
    // The view changed (a replay entered or left) while this loaded: the later load wins.
    if (s && seq === loads) set({ status: s });
  },
  async refresh() {
    const seq = loads;
    const s = await call('risk.status', forAccount(), { quiet: true });
    if (s && seq === loads) set({ status: s });
  },
  async setLimits(l) {
    const s = await call('risk.setLimits', { ...l, ...forAccount() });
    if (s) {
      set({ status: s });
      useNotices.getState().push({ level: 'info', title: 'Risk limits saved', message: 'The gate applies them to the next order.' });
    }
    return !!s;
  },
  async kill(reason, flatten) {
    const r = await call('risk.killSwitch', { ...(reason ? { reason } : {}), flatten, ...forAccount() });
    if (!r) return;
    set({ status: r.status });
    const closing = r.flattening ? `; closing ${r.flattening} position${r.flattening === 1 ? '' : 's'} at market` : '';
    useNotices.getState().push({ level: 'info', title: 'Kill switch engaged', message: `Trading halted; ${r.canceled} order${r.canceled === 1 ? '' : 's'} cancelled${closing}.` });
    void useTrading.getState().refresh();
  },
  async setState(state, reason) {
    const s = await call('risk.setTradingState', { state, ...(reason ? { reason } : {}), ...forAccount() });
    if (s) set({ status: s });
  },
  async override(req) {
    const s = await call('risk.override', { ...req, ...forAccount() });
    if (s) {
      set({ status: s });
      useNotices.getState().push({ level: 'info', title: 'Override active', message: `Until ${fmtTime(s.override?.until ?? 0)} (${timeZone()}) — audited.` });
    }
    return !!s;
  },
  async patchProfile(change) {
    const cur = await call('risk.profile', forAccount());
    if (!cur) return false;
    const s = await call('risk.setProfile', { profile: { ...cur, ...change }, ...forAccount() });
    if (s) {
      set({ status: s });
      useNotices.getState().push({ level: 'info', title: 'Risk profile saved', message: 'Account limits apply from the next order and mark.' });
    }
    return !!s;
  },
  async endOverride() {
    const s = await call('risk.endOverride', { reason: 'ended from the risk panel', ...forAccount() });
    if (s) set({ status: s });
  },
}));
