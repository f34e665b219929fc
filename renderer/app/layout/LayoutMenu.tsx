import { useEffect, useRef, useState } from 'react';
import { MAX_CHARTS, useLayout } from '../../state/layout.ts';

/** The Trade screen's layout: how many charts, and named layouts to save, apply and delete. */
export function LayoutMenu() {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const charts = useLayout((s) => s.charts);
  const saved = useLayout((s) => s.saved);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => box.current && !box.current.contains(e.target as Node) && setOpen(false);
    window.addEventListener('mousedown', onDown);
    return () => window.removeEventListener('mousedown', onDown);
  }, [open]);

  const save = () => {
    const p = useLayout.getState().save(name);
    setProblem(p);
    if (!p) setName('');
  };

  return (
    <div className="layout-menu" ref={box} onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
      <button className="small" aria-expanded={open} aria-haspopup="dialog" onClick={() => setOpen(!open)} title="Charts, splits and saved layouts of the Trade screen">
        Layout ▾
      </button>
      {open && (
        <div className="popover" role="dialog" aria-label="Layout">
          <div className="popover-row">
            <span className="muted">Charts</span>
            <div className="seg" role="group" aria-label="Number of charts">
              {Array.from({ length: MAX_CHARTS }, (_, i) => i + 1).map((n) => (
                <button key={n} className={n === charts ? 'active' : ''} aria-pressed={n === charts} onClick={() => useLayout.getState().setCharts(n)}>
                  {n}
                </button>
              ))}
            </div>
          </div>
          <form
            className="popover-row"
            onSubmit={(e) => {
              e.preventDefault();
              save();
            }}
          >
            <input aria-label="Layout name" placeholder="Name this layout" value={name} onChange={(e) => setName(e.target.value)} size={16} maxLength={60} />
            <button type="submit">Save</button>
          </form>
          {problem && <small className="error-text">{problem}</small>}
          <ul className="layout-list" aria-label="Saved layouts">
            {!Object.keys(saved).length && <li className="muted small">No saved layouts yet. A layout keeps the splits, the charts with their symbols, timeframes and indicators, and the open tab.</li>}
            {Object.entries(saved).map(([n, l]) => (
              <li key={n}>
                <button className="link" onClick={() => (useLayout.getState().apply(n), setOpen(false))} aria-label={`Apply layout ${n}`}>
                  {n}
                </button>
                <span className="muted small">
                  {l.charts} chart{l.charts === 1 ? '' : 's'}
                </span>
                <button className="ghost small" aria-label={`Delete layout ${n}`} onClick={() => useLayout.getState().remove(n)}>
                  ×
                </button>
              </li>
            ))}
          </ul>
          <button className="small" onClick={() => useLayout.getState().reset()}>
            Reset splits and charts
          </button>
        </div>
      )}
    </div>
  );
}
