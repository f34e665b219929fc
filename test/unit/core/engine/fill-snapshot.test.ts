/**
 * A fill's audit event and the order event after it carry the order as it is at that moment. The kernel makes
 * that snapshot once for both when nothing can change the order in between; a fill listener can (it may cancel
 * the order), and then the order event shows what the listener did.
 */
import { describe, expect, it } from 'vitest';
import type { Order } from '../../../../main/core/model/index.ts';
import { harness, px } from '../engine-fixtures.ts';

type Snap = Readonly<Order>;

/** A 2-lot-level book on the ask and a market buy of twice its size: one partial fill, the rest waits. */
function partialFill(onFill?: (h: ReturnType<typeof harness>, clientOrderId: string) => void): { fillOrder: Snap; eventOrder: Snap; h: ReturnType<typeof harness> } {
  const h = harness();
  const S = h.inst.symbol;
  h.engine.onBook({ kind: 'snapshot', symbol: S, ts: 1, bids: [[99.99, 5]], asks: [[100.01, 1]] });
  if (onFill) h.engine.bus.on('fill', ({ fill }) => onFill(h, fill.clientOrderId));
  h.engine.submit({ symbol: S, side: 'buy', type: 'market', qty: 2000 });
  h.engine.onBook({ kind: 'delta', symbol: S, ts: 2, bids: [[99.98, 5]], asks: [] }); // the taker walks on the next event
  const i = h.audit.events.findIndex((e) => e.type === 'fill');
  const fillOrder = h.audit.events[i]!.payload.order as Snap;
  const after = h.audit.events.slice(i + 1).find((e) => e.type === 'order' && e.payload.event === 'partially-filled')!;
  return { fillOrder, eventOrder: after.payload.order as Snap, h };
}

describe('order snapshots around a fill', () => {
  it('show the order as filled so far in both events, and do not follow the live order afterwards', () => {
    const { fillOrder, eventOrder, h } = partialFill();
    expect(fillOrder).toMatchObject({ state: 'partially-filled', filledQty: 1000, filledNotionalTicks: 1000 * px(100.01) });
    expect(eventOrder).toEqual(fillOrder);
    const live = h.engine.order(fillOrder.clientOrderId)!;
    h.engine.cancel(live.clientOrderId);
    expect(live.state).not.toBe('partially-filled');
    expect(fillOrder.state).toBe('partially-filled');
    expect(eventOrder.state).toBe('partially-filled');
  });

  it('show what a fill listener did to the order in the order event that follows', () => {
    const { fillOrder, eventOrder } = partialFill((h, id) => h.engine.cancel(id));
    expect(fillOrder.state).toBe('partially-filled');
    expect(eventOrder.state).toBe('pending-cancel');
    expect(eventOrder.filledQty).toBe(1000);
  });
});
