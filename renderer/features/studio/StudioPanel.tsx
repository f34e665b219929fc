import { useEffect, useState } from 'react';
import { PanelHeader } from '../../app/EmptyState.tsx';
import { CodeEditor } from '../../app/ui/CodeEditor.tsx';
import { ConfirmDialog } from '../../app/ui/widgets.tsx';
import { useConnection } from '../../state/connection.ts';
import { useStudio } from '../../state/studio.ts';
import { PaperPane } from './PaperPane.tsx';
import { RulesForm } from './RulesForm.tsx';
import { RunPane } from './RunPane.tsx';

export function StudioPanel() {
  const connected = useConnection((s) => s.state === 'connected');
  const { list, templates, draft, validation, loaded, paramsRev } = useStudio();
  const [tab, setTab] = useState<'form' | 'source'>('form');
  const [confirmDelete, setConfirmDelete] = useState(false);

  useEffect(() => {
    if (connected) void useStudio.getState().load();
  }, [connected]);

  const issues = validation?.issues ?? [];
  return (
    <div className="panel-body" data-testid="panel-studio">
      <PanelHeader title="Strategy studio">
        <select
          aria-label="New strategy"
          value=""
          onChange={(e) => {
            const v = e.target.value;
            if (!v) return;
            useStudio.getState().newFrom(v === 'code' ? null : (templates.find((t) => t.id === v) ?? null));
            setTab(v === 'code' ? 'source' : 'form');
          }}
        >
          <option value="">+ New strategy…</option>
          {templates.map((t) => (
            <option key={t.id} value={t.id}>
              From template: {t.title}
            </option>
          ))}
          <option value="code">Code strategy (TypeScript)</option>
        </select>
      </PanelHeader>
      <div className="studio-grid">
        <nav className="studio-list" aria-label="Strategies">
          <h3 className="section pad-x">Saved</h3>
          {loaded && list.length === 0 && <div className="muted pad-x small">No saved strategies. Start from a template above.</div>}
          {list.map((s) => (
            <button key={s.id} className={`list-item ${draft?.id === s.id ? 'active' : ''}`} onClick={() => void useStudio.getState().open(s.id)}>
              <span>{s.name}</span>
              <span className="muted small">
                {s.kind} · v{s.latestVersion}
              </span>
            </button>
          ))}
          <h3 className="section pad-x">Templates</h3>
          {templates.map((t) => (
            <button key={t.id} className="list-item" title={t.description} onClick={() => (useStudio.getState().newFrom(t), setTab('form'))}>
              <span>{t.title}</span>
              <span className="muted small">{t.description}</span>
            </button>
          ))}
        </nav>
        <section className="studio-editor" aria-label="Strategy editor">
          {!draft ? (
            <div className="empty-state">
              <div className="empty-title">No strategy open</div>
              <div className="empty-body">Pick a saved strategy or a template on the left.</div>
            </div>
          ) : (
            <>
              <div className="toolbar editor-bar">
                <input aria-label="Strategy name" className="name-input" value={draft.name} onChange={(e) => useStudio.getState().edit({ name: e.target.value })} />
                <span className="badge badge-muted">{draft.kind}</span>
                {draft.version && <span className="muted small">v{draft.version}</span>}
                {draft.dirty && <span className="muted small">· unsaved</span>}
                <button className="primary small" onClick={() => void useStudio.getState().save()} disabled={!draft.dirty || validation?.ok === false || !draft.name.trim()}>
                  Save
                </button>
                <button className="small" onClick={() => void useStudio.getState().duplicate()} disabled={!draft.id}>
                  Duplicate
                </button>
                <button className="small danger-outline" onClick={() => setConfirmDelete(true)} disabled={!draft.id}>
                  Delete
                </button>
              </div>
              {draft.kind === 'rules' && (
                <div className="tabs sub-tabs" role="tablist">
                  <button role="tab" aria-selected={tab === 'form'} className={tab === 'form' ? 'tab active' : 'tab'} onClick={() => setTab('form')}>
                    Form
                  </button>
                  <button role="tab" aria-selected={tab === 'source'} className={tab === 'source' ? 'tab active' : 'tab'} onClick={() => setTab('source')}>
                    Rules JSON
                  </button>
                </div>
              )}
              <div className="editor-body">
                {draft.kind === 'rules' && tab === 'form' ? (
                  <RulesForm key={paramsRev} source={draft.source} issues={issues} onChange={(source) => useStudio.getState().edit({ source })} />
                ) : (
                  <CodeEditor label="Strategy source" language={draft.kind === 'rules' ? 'json' : 'typescript'} value={draft.source} onChange={(source) => useStudio.getState().edit({ source })} problems={lineProblems(draft.source, validation?.message)} />
                )}
              </div>
              <div className={`validation ${validation ? (validation.ok ? 'ok' : 'bad') : ''}`} data-testid="validation" aria-live="polite">
                {!validation ? (
                  'Checking…'
                ) : validation.ok ? (
                  '✓ Valid'
                ) : (
                  <>
                    <strong>{validation.message ?? 'Not valid'}</strong>
                    <ul>
                      {issues.map((i, n) => (
                        <li key={n}>
                          <code>{i.path || '(document)'}</code> {i.message}
                        </li>
                      ))}
                    </ul>
                  </>
                )}
              </div>
            </>
          )}
          <PaperPane />
        </section>
        <RunPane />
      </div>
      {confirmDelete && draft && (
        <ConfirmDialog
          title={`Delete ${draft.name}?`}
          confirmLabel="Delete"
          danger
          onCancel={() => setConfirmDelete(false)}
          onConfirm={() => {
            setConfirmDelete(false);
            void useStudio.getState().remove();
          }}
        >
          The strategy is archived; stored results that cite its versions stay.
        </ConfirmDialog>
      )}
    </div>
  );
}

/** Syntax errors name a line ("… (3:14)" or "line 3"); that line gets underlined in the editor. */
function lineProblems(source: string, message: string | undefined): { line: number; message: string }[] {
  if (!message) return [];
  const m = /line (\d+)|\((\d+):\d+\)/i.exec(message);
  const line = m ? Number(m[1] ?? m[2]) : 0;
  return line > 0 && line <= source.split('\n').length ? [{ line, message }] : [];
}
