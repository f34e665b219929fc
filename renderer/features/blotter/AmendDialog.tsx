import { useState } from 'react';
import type { OrderView } from '../../../main/contract/trading.ts';
import { useTrading } from '../../state/trading.ts';

/** Orders with something to amend: resting ones with a limit or trigger price, not already changing or ending. */
export function amendable(o: OrderView): boolean {
  return (o.price !== null || o.triggerPrice !== null) && (o.state === 'accepted' || o.state === 'partially-filled' || o.state === 'triggered');
}

/** Modify a working order: new limit price, trigger price or quantity (exact, on the instrument's grid). Enter sends. */
export function AmendDialog({ order, onClose }: { order: OrderView; onClose(): void }) {
  const [price, setPrice] = useState(order.price ?? '');
  const [trigger, setTrigger] = useState(order.triggerPrice ?? '');
  const [qty, setQty] = useState(order.qty);
  const [busy, setBusy] = useState(false);
  // Set when the host said the new trigger fires at once: sending again needs the box ticked.
  const [triggerNow, setTriggerNow] = useState<string | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const change = {
    ...(order.price !== null && price !== order.price ? { price } : {}),
    ...(order.triggerPrice !== null && trigger !== order.triggerPrice ? { triggerPrice: trigger } : {}),
    ...(qty !== order.qty ? { qty } : {}),
  };
  const changed = Object.keys(change).length > 0;
  const send = async () => {
    if (!changed || busy || (triggerNow && !confirmed)) return;
    setBusy(true);
    const r = await useTrading.getState().amend(order.clientOrderId, { ...change, ...(triggerNow && confirmed ? { confirmTriggerNow: true } : {}) });
    setBusy(false);
    if (r.ok) onClose();
    else if (r.triggerNow) setTriggerNow(r.triggerNow);
  };
  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), onClose())}>
      <form className="modal" role="dialog" aria-modal="true" aria-label="Modify order" onSubmit={(e) => (e.preventDefault(), void send())}>
        <h3>
          Modify {order.side} {order.type} {order.symbol}
        </h3>
        <div className="modal-body amend-fields">
          {order.price !== null && (
            <label className="field">
              <span>Limit price</span>
              <input aria-label="New limit price" autoFocus inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value.trim())} />
            </label>
          )}
          {order.triggerPrice !== null && (
            <label className="field">
              <span>Trigger price</span>
              <input
                aria-label="New trigger price"
                autoFocus={order.price === null}
                inputMode="decimal"
                value={trigger}
                onChange={(e) => {
                  setTrigger(e.target.value.trim());
                  setTriggerNow(null);
                  setConfirmed(false);
                }}
              />
            </label>
          )}
          {triggerNow && (
            <div role="alert" data-testid="amend-trigger-now">
              <p className="error-text">{triggerNow}</p>
              <label className="confirm-trigger">
                <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} /> Send anyway: it triggers at once
              </label>
            </div>
          )}
          <label className="field">
            <span>Quantity (filled {order.filledQty})</span>
            <input aria-label="New quantity" inputMode="decimal" value={qty} onChange={(e) => setQty(e.target.value.trim())} />
          </label>
          <p className="muted small">The changed order passes the risk gate again. Prices and size must be on the instrument's grid.</p>
        </div>
        <div className="modal-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!changed || busy || (!!triggerNow && !confirmed)}>
            {busy ? 'Sending…' : 'Modify'}
          </button>
        </div>
      </form>
    </div>
  );
}
