import { useEffect, useRef, useState, type MouseEvent as ReactMouseEvent, type RefObject } from 'react';
import type { OrderView } from '../../../main/contract/trading.ts';
import { fmtPrice } from '../../app/format.ts';
import { snapToTick } from '../ticket/logic.ts';
import { useAlerts } from '../../state/alerts.ts';
import { useTicket } from '../../state/ticket.ts';
import { useTrading } from '../../state/trading.ts';
import { useNotices } from '../../state/notices.ts';
import { amendable } from '../blotter/AmendDialog.tsx';
import type { ChartView } from './lightweight.ts';

/** Half a handle's height (px): how far its centre stays from the chart's edges. */
const HALF_LABEL = 10;

interface Handle {
  id: string;
  order: OrderView;
  field: 'price' | 'triggerPrice';
  price: string;
  label: string;
}

/** Each working order's prices as draggable handles (limit, trigger; a bracket's TP and SL are orders too). */
function handlesOf(orders: readonly OrderView[], symbol: string): Handle[] {
  return orders
    .filter((o) => o.symbol === symbol && amendable(o))
    .flatMap((o) => {
      const side = o.side.toUpperCase();
      const tag = o.groupKind ? ` ${o.groupKind}` : '';
      const out: Handle[] = [];
      if (o.triggerPrice) out.push({ id: `${o.clientOrderId}:t`, order: o, field: 'triggerPrice', price: o.triggerPrice, label: `${side} stop${tag} ${o.remainingQty}` });
      if (o.price) out.push({ id: `${o.clientOrderId}:p`, order: o, field: 'price', price: o.price, label: `${side} ${o.triggerPrice ? 'limit after trigger' : 'limit'}${tag} ${o.remainingQty}` });
      return out;
    });
}

/**
 * Chart trading: drag an order's handle to a new price (sent as an amend, so it passes the risk gate like any
 * order), × cancels it, and the context menu places a limit or stop at the clicked price through the ticket's
 * preview. Handles follow the price scale every frame (the library has no event for a vertical rescale).
 */
export function ChartTrading({ view, host, symbol, tick }: { view: RefObject<ChartView | null>; host: RefObject<HTMLDivElement | null>; symbol: string; tick: string | undefined }) {
  const orders = useTrading((s) => s.openOrders);
  const handles = handlesOf(orders, symbol);
  const [ys, setYs] = useState<Record<string, number | null>>({});
  const [drag, setDrag] = useState<{ h: Handle; y: number } | null>(null);
  const [menu, setMenu] = useState<{ x: number; y: number; price: string } | null>(null);
  const dragRef = useRef(drag);
  dragRef.current = drag;

  useEffect(() => {
    if (!handles.length) return;
    let frame = 0;
    const tickFrame = () => {
      const v = view.current;
      if (v) {
        const next: Record<string, number | null> = {};
        for (const h of handles) next[h.id] = v.priceToY(Number(h.price));
        setYs((prev) => (Object.keys(next).some((k) => prev[k] !== next[k]) || Object.keys(prev).length !== Object.keys(next).length ? next : prev));
      }
      frame = requestAnimationFrame(tickFrame);
    };
    frame = requestAnimationFrame(tickFrame);
    return () => cancelAnimationFrame(frame);
  }, [handles.map((h) => `${h.id}@${h.price}`).join('|')]);

  const priceAt = (y: number): string | null => {
    const p = view.current?.yToPrice(y);
    if (p === null || p === undefined || !(p > 0)) return null;
    const dp = tick?.includes('.') ? tick.split('.')[1]!.length : 2;
    return tick ? snapToTick(p.toFixed(Math.min(10, dp + 2)), tick) : p.toFixed(2);
  };

  const startDrag = (h: Handle, e: ReactMouseEvent) => {
    e.preventDefault();
    e.stopPropagation();
    const top = host.current!.getBoundingClientRect().top;
    view.current?.setInteractive(false);
    setDrag({ h, y: e.clientY - top });
    const move = (ev: MouseEvent) => setDrag((d) => (d ? { ...d, y: ev.clientY - top } : d));
    const up = (ev: MouseEvent) => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
      view.current?.setInteractive(true);
      const d = dragRef.current;
      setDrag(null);
      const price = priceAt(ev.clientY - top);
      if (!d || !price || price === d.h.price) return;
      void useTrading.getState().amend(d.h.order.clientOrderId, { [d.h.field]: price }).then((r) => {
        // A drag is no place to confirm a stop that fires at once: refused, the order stays, the trader is told why.
        if (!r.ok && r.triggerNow) useNotices.getState().push({ level: 'error', title: 'The order was not changed: it would trigger at once', message: `${r.triggerNow} (use Modify in the blotter to confirm it)` });
      });
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  };

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const onMenu = (e: MouseEvent) => {
      const r = el.getBoundingClientRect();
      const price = priceAt(e.clientY - r.top);
      if (!price) return;
      e.preventDefault();
      setMenu({ x: e.clientX - r.left, y: e.clientY - r.top, price });
    };
    el.addEventListener('contextmenu', onMenu);
    return () => el.removeEventListener('contextmenu', onMenu);
  }, [tick]);

  const place = (side: 'buy' | 'sell', type: 'limit' | 'stop', price: string) => {
    setMenu(null);
    const t = useTicket.getState();
    t.patch({ symbol, side, type, ...(type === 'limit' ? { price } : { trigger: price }) });
    t.open(side, 'ticket');
  };

  return (
    <>
      {handles.map((h) => {
        const raw = drag?.h.id === h.id ? drag.y : ys[h.id];
        if (raw === null || raw === undefined) return null;
        // A label is centred on its price: near or past the candles' pane's top or bottom edge it is pinned inside the
        // pane (an arrow says the price is beyond), never drawn over the toolbar above or the time axis and indicator panes below.
        const height = view.current?.candlePaneHeight() || host.current?.clientHeight || 0;
        const y = height > 2 * HALF_LABEL ? Math.min(Math.max(raw, HALF_LABEL), height - HALF_LABEL) : raw;
        const beyond = raw < 0 ? '▲ ' : raw > height && height > 0 ? '▼ ' : '';
        const dragging = drag?.h.id === h.id;
        const shown = dragging ? (priceAt(drag.y) ?? h.price) : h.price;
        return (
          <div key={h.id} className={`order-handle ${h.order.side}${dragging ? ' dragging' : ''}`} style={{ top: y }} data-testid={`order-handle-${h.id}`}>
            <span className="grip" title="Drag to move this price (sent as an amend through the risk gate)" onMouseDown={(e) => startDrag(h, e)} aria-label={`Drag ${h.label}`} role="slider" aria-valuenow={Number(shown)}>
              {beyond || '⇕ '}{h.label} @ {fmtPrice(shown, tick)}
            </span>
            <button className="ghost x" aria-label={`Cancel ${h.order.clientOrderId} from the chart`} title="Cancel this order" onClick={() => void useTrading.getState().cancel(h.order.clientOrderId)}>
              ×
            </button>
          </div>
        );
      })}
      {menu && (
        <div className="chart-menu" role="menu" style={{ left: menu.x, top: menu.y }} data-testid="chart-menu" onMouseLeave={() => setMenu(null)}>
          <div className="muted small">at {fmtPrice(menu.price, tick)}</div>
          {(['buy', 'sell'] as const).flatMap((side) =>
            (['limit', 'stop'] as const).map((type) => (
              <button key={`${side}-${type}`} role="menuitem" className={`ghost ${side}-text`} onClick={() => place(side, type, menu.price)}>
                {side === 'buy' ? 'Buy' : 'Sell'} {type} @ {fmtPrice(menu.price, tick)}
              </button>
            )),
          )}
          <button role="menuitem" className="ghost" onClick={() => (setMenu(null), void useAlerts.getState().create({ name: `${symbol} ${menu.price}`, condition: { kind: 'price', symbol, op: 'crosses', level: menu.price } }))}>
            Alert when price crosses {fmtPrice(menu.price, tick)}
          </button>
          <button role="menuitem" className="ghost" onClick={() => setMenu(null)}>
            Close
          </button>
        </div>
      )}
    </>
  );
}
