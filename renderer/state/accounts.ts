import { create } from 'zustand';
import type { AccountList } from '../../main/contract/accounts.ts';
import { call } from '../ipc/client.ts';
import { useRisk } from './risk.ts';
import { useTicket } from './ticket.ts';
import { useTrading } from './trading.ts';

/** The accounts of the settings and the one the workstation acts on (the host remembers the choice). */
interface AccountsState {
  list: AccountList | null;
  switching: boolean;
  load(): Promise<void>;
  select(account: string): Promise<void>;
}

export const useAccounts = create<AccountsState>((set, get) => ({
  list: null,
  switching: false,
  async load() {
    const list = await call('accounts.list', {});
    if (list) set({ list });
  },
  async select(account) {
    if (get().list?.selected === account) return;
    set({ switching: true });
    // A previewed ticket was priced for the other account: back to editing before anything can be sent.
    useTicket.getState().cancel();
    const list = await call('accounts.select', { account });
    set({ switching: false, ...(list ? { list } : {}) });
    // Named: the trading store still shows the previous account while both load.
    if (list) await Promise.all([useTrading.getState().load(), useRisk.getState().load(account)]);
  },
}));
