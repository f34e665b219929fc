import { create } from 'zustand';
import { RemoteError } from '../../main/contract/index.ts';
import { riskReasonsOf, type OrderView, type Preview, type RiskReason, type Side } from '../../main/contract/trading.ts';
import { emptyForm, floorToLot, isDecimal, snapToTick, toRequest, type FormProblem, type TicketForm } from '../features/ticket/logic.ts';
import { call, describeError, getClient } from '../ipc/client.ts';
import { useNotices } from './notices.ts';
import { useTrading } from './trading.ts';

export type TicketStage = 'edit' | 'preview' | 'sending' | 'sent';

interface TicketState {
  form: TicketForm;
  stage: TicketStage;
  preview: Preview | null;
  /** Risk gate reasons from the preview or from a rejected submit. */
  reasons: RiskReason[];
  problems: FormProblem[];
  /** Host-side problems with the order's shape (below min notional, ...). */
  issues: { path: string; message: string }[];
  error: string | null;
  sent: OrderView[];
  /** Bumped when a hotkey opens the ticket so the quantity field takes focus. */
  focusSeq: number;
  via: 'ticket' | 'hotkey';
  open(side: Side, via?: 'ticket' | 'hotkey'): void;
  patch(p: Partial<TicketForm>): void;
  requestPreview(): Promise<void>;
  send(): Promise<void>;
  cancel(): void;
  /** Confirms (or withdraws) sending a stop that triggers at once, and previews again. */
  confirmTriggerNow(yes: boolean): Promise<void>;
}

export const useTicket = create<TicketState>((set, get) => ({
  form: emptyForm(),
  stage: 'edit',
  preview: null,
  reasons: [],
  problems: [],
  issues: [],
  error: null,
  sent: [],
  focusSeq: 0,
  via: 'ticket',
  open(side, via = 'hotkey') {
    set({ form: { ...get().form, side }, stage: 'edit', preview: null, reasons: [], issues: [], error: null, problems: [], focusSeq: get().focusSeq + 1, via });
  },
  patch(p) {
    const form = get().form;
    // Leaving a field re-snaps it; when that changes nothing, the preview stays valid.
    if ((Object.keys(p) as (keyof TicketForm)[]).every((k) => form[k] === p[k])) return;
    // Any real edit invalidates a preview (what is sent must be what was previewed) and an earlier confirmation.
    set({ form: { ...get().form, confirmTriggerNow: false, ...p }, stage: 'edit', preview: null, problems: [], error: null, reasons: [], issues: [] });
  },
  async requestPreview() {
    const { via } = get();
    const inst = useTrading.getState().instrument(get().form.symbol);
    const tick = inst?.tickSize ?? null;
    // Show exactly what is previewed: prices on the tick, quantity on the lot.
    const form = snapForm(get().form, tick, inst?.lotSize ?? null);
    set({ form });
    const r = toRequest(form, tick, via);
    if ('problems' in r) return set({ problems: r.problems, stage: 'edit' });
    const p = await call('trading.preview', r.request);
    if (!p) return set({ error: 'The preview failed; see the notice for why.' });
    set({ preview: p, reasons: p.reasons, issues: p.issues, stage: 'preview', problems: [], error: null });
  },
  async send() {
    const { preview, form, via, stage } = get();
    if (stage !== 'preview' || !preview) return;
    if (!preview.ok) return;
    const tick = useTrading.getState().instrument(form.symbol)?.tickSize ?? null;
    const r = toRequest(form, tick, via);
    if ('problems' in r) return set({ problems: r.problems, stage: 'edit' });
    set({ stage: 'sending' });
    try {
      // Called directly (not through `call`) so a risk rejection lands in the ticket with its reasons, not only in a toast.
      const res = await getClient().call('trading.submit', r.request);
      set({ stage: 'sent', sent: res.orders, reasons: [], error: null, preview: null, form: { ...form, qty: form.qty, price: form.price } });
      const o = res.orders[0];
      if (o) useNotices.getState().push({ level: 'info', title: `Order ${o.state}`, message: `${o.side} ${o.qty} ${o.symbol} ${o.type}${o.price ? ` @ ${o.price}` : ''}` });
      void useTrading.getState().refresh();
    } catch (e) {
      const reasons = riskReasonsOf(e);
      const n = describeError('trading.submit', e);
      useNotices.getState().push(reasons.length ? { ...n, title: 'Order rejected by the risk gate', message: reasons.map((x) => x.message).join('; ') } : n);
      set({ stage: 'preview', reasons, error: reasons.length ? null : e instanceof RemoteError ? e.message : String(e), preview: reasons.length ? { ...preview, ok: false, reasons } : preview });
    }
  },
  async confirmTriggerNow(yes) {
    get().patch({ confirmTriggerNow: yes });
    await get().requestPreview();
  },
  cancel() {
    const s = get().stage;
    if (s === 'preview' || s === 'sent') set({ stage: 'edit', preview: null, reasons: [], issues: [], error: null });
    else set({ form: { ...emptyForm(get().form.symbol), side: get().form.side, type: get().form.type }, problems: [], reasons: [], error: null });
  },
}));

function snapForm(f: TicketForm, tick: string | null, lot: string | null): TicketForm {
  const px = (v: string) => (tick && isDecimal(v) ? snapToTick(v.trim(), tick) : v);
  return {
    ...f,
    qty: lot && isDecimal(f.qty) ? floorToLot(f.qty.trim(), lot) : f.qty,
    price: px(f.price),
    trigger: px(f.trigger),
    takeProfit: px(f.takeProfit),
    stopLoss: px(f.stopLoss),
    stopLimit: px(f.stopLimit),
  };
}
