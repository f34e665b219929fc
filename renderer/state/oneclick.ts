import { create } from 'zustand';
import { RemoteError } from '../../main/contract/index.ts';
import { riskReasonsOf, type Side } from '../../main/contract/trading.ts';
import { floorToLot, numberProblem } from '../features/ticket/logic.ts';
import { describeError, getClient } from '../ipc/client.ts';
import { useNotices } from './notices.ts';
import { useRisk } from './risk.ts';
import { forAccount, useTrading } from './trading.ts';

/** One account's one-click preferences. Off unless the trader turned it on for that account. */
export interface OneClickPrefs {
  enabled: boolean;
  /** Ask once more before each order (always on for a live account). */
  confirm: boolean;
  qty: string;
}

const KEY = 'kestrel.oneclick';
const OFF: OneClickPrefs = { enabled: false, confirm: true, qty: '' };

function load(): Record<string, OneClickPrefs> {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '{}') as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    return Object.fromEntries(
      Object.entries(v as Record<string, Record<string, unknown>>).flatMap(([k, p]) =>
        p && typeof p === 'object' ? [[k, { enabled: p.enabled === true, confirm: p.confirm !== false, qty: typeof p.qty === 'string' ? p.qty.slice(0, 40) : '' }]] : [],
      ),
    );
  } catch {
    return {};
  }
}

/** The account the workstation trades in, and whether real money is at stake there. */
function current(): { account: string; live: boolean } {
  const s = useTrading.getState().session;
  return { account: s?.account ?? '', live: s?.mode === 'live' };
}

interface OneClickState {
  prefs: Record<string, OneClickPrefs>;
  /** An order waiting for its confirmation (confirm mode). */
  pending: { side: Side; qty: string; symbol: string } | null;
  sending: boolean;
  problem: string | null;
  /** The current account's preferences; a live account always confirms. */
  mine(): OneClickPrefs & { live: boolean };
  set(p: Partial<OneClickPrefs>): void;
  /** One click: a market order of the set quantity, at once or after the confirmation. */
  click(side: Side, symbol: string): Promise<void>;
  confirm(): Promise<void>;
  dismiss(): void;
}

export const useOneClick = create<OneClickState>((set, get) => {
  const send = async (side: Side, qty: string, symbol: string) => {
    set({ sending: true, pending: null, problem: null });
    try {
      // Straight to submit (no preview): the risk gate judges it exactly as a ticket order. The tag marks it in the audit.
      const res = await getClient().call('trading.submit', { symbol, side, type: 'market', qty, source: 'ticket', tag: 'one-click', ...forAccount() });
      const o = res.orders[0];
      if (o) useNotices.getState().push({ level: 'info', title: `One-click ${o.side} ${o.state}`, message: `${o.qty} ${o.symbol} at market` });
      void useTrading.getState().refresh();
    } catch (e) {
      const reasons = riskReasonsOf(e);
      const message = reasons.length ? reasons.map((r) => r.message).join('; ') : e instanceof RemoteError ? e.message : String(e);
      set({ problem: `Not sent: ${message}` });
      useNotices.getState().push(reasons.length ? { level: 'error', title: 'One-click order rejected by the risk gate', message } : describeError('trading.submit', e));
    } finally {
      set({ sending: false });
    }
  };
  return {
    prefs: load(),
    pending: null,
    sending: false,
    problem: null,
    mine() {
      const { account, live } = current();
      const p = get().prefs[account] ?? OFF;
      return { ...p, confirm: p.confirm || live, live };
    },
    set(p) {
      const { account } = current();
      if (!account) return;
      const prefs = { ...get().prefs, [account]: { ...(get().prefs[account] ?? OFF), ...p } };
      set({ prefs, problem: null, ...(p.enabled === false ? { pending: null } : {}) });
      try {
        localStorage.setItem(KEY, JSON.stringify(prefs));
      } catch {
        // Blocked storage: the choice holds for this window only.
      }
    },
    async click(side, symbol) {
      const me = get().mine();
      if (!me.enabled) return set({ problem: 'One-click trading is off for this account' });
      if (get().sending) return;
      const inst = useTrading.getState().instrument(symbol);
      const bad = numberProblem(me.qty, 'quantity', inst?.lotSize, inst?.base);
      if (bad) return set({ problem: bad });
      const typed = me.qty.trim();
      // On the lot, written as the trader wrote it when flooring changes nothing (0.001, not 0.00100).
      const floored = inst ? floorToLot(typed, inst.lotSize) : typed;
      const qty = Number(floored) === Number(typed) ? typed : floored;
      if (me.confirm) return set({ pending: { side, qty, symbol }, problem: null });
      await send(side, qty, symbol);
    },
    async confirm() {
      const p = get().pending;
      if (p) await send(p.side, p.qty, p.symbol);
    },
    dismiss: () => set({ pending: null, problem: null }),
  };
});

// A switch of account or trading state drops an order waiting for its confirmation: it was asked about another context.
useTrading.subscribe((now, before) => {
  if (now.session?.account !== before.session?.account && useOneClick.getState().pending) useOneClick.getState().dismiss();
});
useRisk.subscribe((now, before) => {
  if (now.status?.tradingState !== before.status?.tradingState && useOneClick.getState().pending) useOneClick.getState().dismiss();
});
