import { Fragment, useRef, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import { normalise, useLayout } from '../../state/layout.ts';

export interface Pane {
  key: string;
  node: ReactNode;
  /** Share of the space before any drag (the shares are normalised). */
  initial: number;
  /** The pane never shrinks below this many pixels (a ticket stays usable). */
  minPx?: number;
}

const STEP = 0.02;

/**
 * Panes side by side (`row`) or stacked (`column`) with a draggable, keyboard-operable separator between each
 * pair. Sizes are fractions kept in the layout store under `id`, so they survive a reload and go into saved layouts.
 */
export function SplitPanes({ id, dir, panes, label }: { id: string; dir: 'row' | 'column'; panes: readonly Pane[]; label: string }) {
  const stored = useLayout((s) => s.sizes[id]);
  const sizes = stored && stored.length === panes.length ? stored : normalise(panes.map((p) => p.initial));
  const box = useRef<HTMLDivElement>(null);

  const current = () => {
    const s = useLayout.getState().sizes[id];
    return s && s.length === panes.length ? s : normalise(panes.map((p) => p.initial));
  };
  // Reads the store, not this render's sizes: a drag moves many times between renders.
  const move = (i: number, delta: number) => {
    const next = [...current()];
    const pair = next[i]! + next[i + 1]!;
    const a = Math.min(pair - 0.05, Math.max(0.05, next[i]! + delta));
    next[i] = a;
    next[i + 1] = pair - a;
    useLayout.getState().setSizes(id, next);
  };

  const onPointerDown = (i: number) => (e: PointerEvent<HTMLDivElement>) => {
    const el = box.current;
    if (!el) return;
    e.preventDefault();
    const handle = e.currentTarget;
    handle.setPointerCapture(e.pointerId);
    const rect = el.getBoundingClientRect();
    const total = dir === 'row' ? rect.width : rect.height;
    let from = dir === 'row' ? e.clientX : e.clientY;
    const onMove = (ev: globalThis.PointerEvent) => {
      const at = dir === 'row' ? ev.clientX : ev.clientY;
      if (total > 0 && at !== from) move(i, (at - from) / total);
      from = at;
    };
    const onUp = () => {
      handle.removeEventListener('pointermove', onMove);
      handle.removeEventListener('pointerup', onUp);
      handle.removeEventListener('pointercancel', onUp);
    };
    handle.addEventListener('pointermove', onMove);
    handle.addEventListener('pointerup', onUp);
    handle.addEventListener('pointercancel', onUp);
  };

  const onKey = (i: number) => (e: KeyboardEvent<HTMLDivElement>) => {
    const back = dir === 'row' ? 'ArrowLeft' : 'ArrowUp';
    const fwd = dir === 'row' ? 'ArrowRight' : 'ArrowDown';
    if (e.key !== back && e.key !== fwd) return;
    e.preventDefault();
    move(i, (e.key === fwd ? 1 : -1) * STEP * (e.shiftKey ? 5 : 1));
  };

  return (
    <div ref={box} className={`split split-${dir}`} data-testid={`split-${id}`}>
      {panes.map((p, i) => (
        <Fragment key={p.key}>
          <div className="split-pane" style={{ flexGrow: sizes[i], flexBasis: 0, [dir === 'row' ? 'minWidth' : 'minHeight']: p.minPx ?? 60 }} data-pane={p.key}>
            {p.node}
          </div>
          {i < panes.length - 1 && (
            <div
              className="splitter"
              role="separator"
              tabIndex={0}
              aria-orientation={dir === 'row' ? 'vertical' : 'horizontal'}
              aria-label={`Resize ${label}: ${p.key} | ${panes[i + 1]!.key}`}
              aria-valuenow={Math.round(sizes[i]! * 100)}
              aria-valuemin={5}
              aria-valuemax={95}
              onPointerDown={onPointerDown(i)}
              onKeyDown={onKey(i)}
              onDoubleClick={() => useLayout.getState().setSizes(id, panes.map((x) => x.initial))}
              title="Drag to resize · arrow keys step · double-click resets"
            />
          )}
        </Fragment>
      ))}
    </div>
  );
}
