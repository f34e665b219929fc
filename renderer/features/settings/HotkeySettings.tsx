import { useState } from 'react';
import { bindings, chordOf, HOTKEY_ACTIONS, useKeymap } from '../../state/keymap.ts';

/** Rebinding: click Change, press the new key (Esc cancels). A key another action uses is refused, naming it. */
export function HotkeySettings() {
  const overrides = useKeymap((s) => s.overrides);
  const b = bindings(overrides);
  const [capturing, setCapturing] = useState<string | null>(null);
  const [problem, setProblem] = useState<{ id: string; text: string } | null>(null);

  const onKey = (id: string) => (e: React.KeyboardEvent) => {
    e.preventDefault();
    e.stopPropagation();
    if (e.key === 'Escape') return setCapturing(null);
    const chord = chordOf(e.nativeEvent);
    if (!chord) return;
    const p = useKeymap.getState().bind(id, chord);
    setProblem(p ? { id, text: p } : null);
    setCapturing(null);
  };

  return (
    <div>
      <table className="hotkey-table" aria-label="Hotkeys">
        <tbody>
          {HOTKEY_ACTIONS.map((a) => (
            <tr key={a.id} data-testid={`hotkey-${a.id}`}>
              <td>
                {a.label}
                {problem?.id === a.id && (
                  <>
                    <br />
                    <small className="error-text">{problem.text}</small>
                  </>
                )}
              </td>
              <td>{b[a.id] ? <kbd>{b[a.id]}</kbd> : <span className="muted">not set</span>}</td>
              <td className="row-actions">
                {capturing === a.id ? (
                  <button className="small capturing" data-capturing-key autoFocus onKeyDown={onKey(a.id)} onBlur={() => setCapturing(null)} aria-label={`Press the new key for ${a.label}`}>
                    Press a key…
                  </button>
                ) : (
                  <button className="small" onClick={() => (setCapturing(a.id), setProblem(null))} aria-label={`Change key for ${a.label}`}>
                    Change
                  </button>
                )}
                {b[a.id] && (
                  <button className="small ghost" onClick={() => useKeymap.getState().unbind(a.id)} aria-label={`Clear key for ${a.label}`}>
                    Clear
                  </button>
                )}
                {a.id in overrides && (
                  <button
                    className="small ghost"
                    onClick={() => {
                      const p = useKeymap.getState().reset(a.id);
                      setProblem(p ? { id: a.id, text: p } : null);
                    }}
                    aria-label={`Default key for ${a.label}`}
                  >
                    Default
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        Press <kbd>{b['help.keys'] || '?'}</kbd> anywhere for the cheat sheet. Single keys do nothing while you type in a field.{' '}
        <button className="link" onClick={() => (useKeymap.getState().reset(), setProblem(null))}>
          Restore every default
        </button>
      </p>
    </div>
  );
}
