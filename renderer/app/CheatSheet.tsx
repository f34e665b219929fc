import { useEffect, useRef } from 'react';
import { useApp } from '../state/app.ts';
import { bindings, HOTKEY_ACTIONS, useKeymap } from '../state/keymap.ts';

const GROUPS = ['Trading', 'Chart', 'Workspaces', 'Help'] as const;

/** Every hotkey as bound now, plus the ticket's fixed keys; opened with "?" (or the key the trader chose). */
export function CheatSheet() {
  const open = useKeymap((s) => s.sheet);
  const overrides = useKeymap((s) => s.overrides);
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) close.current?.focus();
  }, [open]);
  if (!open) return null;
  const b = bindings(overrides);
  const done = () => useKeymap.getState().setSheet(false);
  return (
    <div className="modal-backdrop" onClick={(e) => e.target === e.currentTarget && done()} onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), done())}>
      <div className="modal cheat-sheet" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts">
        <h3>Keyboard shortcuts</h3>
        <div className="cheat-grid">
          {GROUPS.map((g) => (
            <section key={g} aria-label={g}>
              <h4>{g}</h4>
              <dl>
                {HOTKEY_ACTIONS.filter((a) => a.group === g).map((a) => (
                  <div key={a.id} className="cheat-row" data-testid={`cheat-${a.id}`}>
                    <dt>{b[a.id] ? <kbd>{b[a.id]}</kbd> : <span className="muted">not set</span>}</dt>
                    <dd>{a.label}</dd>
                  </div>
                ))}
                {g === 'Trading' && (
                  <>
                    <div className="cheat-row">
                      <dt>
                        <kbd>Enter</kbd>
                      </dt>
                      <dd>In the ticket: preview, then send</dd>
                    </div>
                    <div className="cheat-row">
                      <dt>
                        <kbd>Esc</kbd>
                      </dt>
                      <dd>In the ticket: back one step, then clear</dd>
                    </div>
                    <div className="cheat-row">
                      <dt>
                        <kbd>↑</kbd> <kbd>↓</kbd>
                      </dt>
                      <dd>In a price field: one tick (Shift: ten)</dd>
                    </div>
                  </>
                )}
              </dl>
            </section>
          ))}
        </div>
        <div className="modal-actions">
          <button className="link" onClick={() => (done(), useApp.getState().setWorkspace('settings'))}>
            Change keys in Settings
          </button>
          <button ref={close} onClick={done}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
