import { useEffect, useRef, useState, type MouseEvent as ReactMouseEvent, type RefObject } from 'react';
import type { AlertView } from '../../../main/contract/alerts.ts';
import { fmtPrice } from '../../app/format.ts';
import { useAlerts } from '../../state/alerts.ts';
import { snapToTick } from '../ticket/logic.ts';
import type { ChartView } from '../chart/lightweight.ts';

type PriceAlert = AlertView & { condition: Extract<AlertView['condition'], { kind: 'price' }> };

/**
 * Armed price alerts of the chart's symbol as lines you can drag: dropping one moves its level (and re-arms
 * it). Positions follow the price scale every frame, as the order handles do (ChartTrading).
 */
export function ChartAlerts({ view, host, symbol, tick }: { view: RefObject<ChartView | null>; host: RefObject<HTMLDivElement | null>; symbol: string; tick: string | undefined }) {
  const all = useAlerts((s) => s.alerts);
  const lines = all.filter((a): a is PriceAlert => a.armed && a.condition.kind === 'price' && a.condition.symbol === symbol);
  const [ys, setYs] = useState<Record<string, number | null>>({});
  const [drag, setDrag] = useState<{ id: string; y: number } | null>(null);
  const dragRef = useRef(drag);
  dragRef.current = drag;
  const key = lines.map((a) => `${a.id}@${a.condition.level}`).join('|');

  useEffect(() => {
    if (!lines.length) return;
    let frame = 0;
    const each = () => {
      const v = view.current;
      if (v) {
        const next: Record<string, number | null> = {};
        for (const a of lines) next[a.id] = v.priceToY(Number(a.condition.level));
        setYs((prev) => (Object.keys(next).some((k) => prev[k] !== next[k]) || Object.keys(prev).length !== Object.keys(next).length ? next : prev));
      }
      frame = requestAnimationFrame(each);
    };
    frame = requestAnimationFrame(each);
    return () => cancelAnimationFrame(frame);
  }, [key]);

  const priceAt = (y: number): string | null => {
    const p = view.current?.yToPrice(y);
    if (p === null || p === undefined || !(p > 0)) return null;
    const dp = tick?.includes('.') ? tick.split('.')[1]!.length : 2;
    return tick ? snapToTick(p.toFixed(Math.min(10, dp + 2)), tick) : p.toFixed(2);
  };

  const start = (a: PriceAlert, e: ReactMouseEvent) => {
    e.preventDefault();
    e.stopPropagation();
    const top = host.current!.getBoundingClientRect().top;
    view.current?.setInteractive(false);
    setDrag({ id: a.id, y: e.clientY - top });
    const move = (ev: MouseEvent) => setDrag((d) => (d ? { ...d, y: ev.clientY - top } : d));
    const up = (ev: MouseEvent) => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
      view.current?.setInteractive(true);
      setDrag(null);
      const level = priceAt(ev.clientY - top);
      if (level && level !== a.condition.level) void useAlerts.getState().update({ id: a.id, level });
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  };

  return (
    <>
      {lines.map((a) => {
        const dragging = drag?.id === a.id;
        const y = dragging ? drag.y : ys[a.id];
        if (y === null || y === undefined) return null;
        const shown = dragging ? (priceAt(drag.y) ?? a.condition.level) : a.condition.level;
        return (
          <div key={a.id} className={`alert-line${dragging ? ' dragging' : ''}`} style={{ top: y }} data-testid={`alert-line-${a.id}`}>
            <span className="grip" role="slider" aria-valuenow={Number(shown)} aria-label={`Drag alert ${a.name}`} title="Drag to move this alert's level" onMouseDown={(e) => start(a, e)}>
              Alert: {a.name} · {a.condition.op} {fmtPrice(shown, tick)}
            </span>
          </div>
        );
      })}
    </>
  );
}
