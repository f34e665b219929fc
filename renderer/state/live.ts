import { create } from 'zustand';
import type { LiveStatus, ReconcileAction } from '../../main/contract/live.ts';
import { call, getClient } from '../ipc/client.ts';
import { useNotices } from './notices.ts';

/** The selected sim / testnet / live account's gate, arming and differences with its venue. */
interface LiveStore {
  status: LiveStatus | null;
  busy: boolean;
  open: boolean;
  load(account: string | null): Promise<void>;
  show(open: boolean): void;
  reconcile(): Promise<void>;
  resolve(id: string, action: ReconcileAction): Promise<void>;
  arm(confirm: string, dryRun: boolean): Promise<boolean>;
  disarm(): Promise<void>;
}

let subscribed = false;
let current: string | null = null;

export const useLive = create<LiveStore>((set, get) => {
  const run = async <T>(fn: () => Promise<T | undefined>): Promise<T | undefined> => {
    set({ busy: true });
    try {
      return await fn();
    } finally {
      set({ busy: false });
    }
  };
  const apply = (s: LiveStatus | undefined) => {
    if (s && s.account === current) set({ status: s });
    return s;
  };
  return {
    status: null,
    busy: false,
    open: false,
    async load(account) {
      current = account;
      if (!subscribed) {
        subscribed = true;
        getClient().on('live.status', (s) => void apply(s));
      }
      if (!account) return set({ status: null, open: false });
      set({ status: null });
      apply(await call('live.status', { account }, { quiet: true }));
    },
    show(open) {
      set({ open });
      if (open) void get().reconcile();
    },
    async reconcile() {
      if (current) apply(await run(() => call('live.reconcile', { account: current! })));
    },
    async resolve(id, action) {
      if (current) apply(await run(() => call('live.resolve', { account: current!, id, action })));
    },
    async arm(confirm, dryRun) {
      if (!current) return false;
      const s = apply(await run(() => call('live.arm', { account: current!, confirm, dryRun })));
      if (s?.armed) useNotices.getState().push({ level: 'info', title: `${s.accountName} armed`, message: s.dryRun ? 'Dry-run: orders are built and signed, not sent.' : `Orders now go to ${s.environment === 'sim' ? 'Kestrel Sim' : 'the exchange'}.` });
      return !!s?.armed;
    },
    async disarm() {
      if (current) apply(await run(() => call('live.disarm', { account: current! })));
    },
  };
});
