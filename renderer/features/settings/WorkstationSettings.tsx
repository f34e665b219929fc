import { useEffect, useState } from 'react';
import { settingsLeaves, type SettingsView } from '../../../main/contract/settings.ts';
import { call } from '../../ipc/client.ts';
import { useConnection } from '../../state/connection.ts';
import { useNotices } from '../../state/notices.ts';

/** The sections of the settings document edited key by key here (accounts, venues and profiles have their own views). */
const SECTIONS = [
  { prefix: 'paper.', title: 'Paper trading' },
  { prefix: 'market.', title: 'Market data' },
  { prefix: 'audit.', title: 'Audit log' },
] as const;

/** The document's leaves as text: strings as they are, everything else as JSON. */
function leaves(doc: unknown): [string, string][] {
  return settingsLeaves(doc).map((e) => [e.key, typeof e.value === 'string' ? e.value : JSON.stringify(e.value)]);
}

/** A typed value back from the text field: JSON when it parses, otherwise the text itself. */
function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Keys the schema knows but the document leaves to their defaults (absent from the file until set). */
const OPTIONAL_KEYS = ['paper.feed.seed', 'paper.feed.tickMs', 'paper.feed.cycleMs', 'paper.feed.swingBps', 'paper.feed.sweepMs'];

export function WorkstationSettings() {
  const connected = useConnection((s) => s.state === 'connected');
  const [view, setView] = useState<SettingsView | null>(null);
  const [draft, setDraft] = useState<Record<string, string>>({});

  const show = (v: SettingsView) => {
    setView(v);
    setDraft(Object.fromEntries(leaves(v.document)));
  };
  useEffect(() => {
    if (connected) void call('settings.get', {}).then((v) => v && show(v));
  }, [connected]);

  if (!view) return <div className="muted">Loading…</div>;
  const current = Object.fromEntries(leaves(view.document));
  const keys = [...new Set([...Object.keys(current), ...OPTIONAL_KEYS])].filter((k) => SECTIONS.some((s) => k.startsWith(s.prefix)) && !Object.keys(current).some((x) => x.startsWith(`${k}.`)));

  const save = async (key: string) => {
    const text = draft[key] ?? '';
    const v = await call('settings.set', { key, value: text === '' ? undefined : parse(text) });
    if (!v) return;
    show(v);
    useNotices.getState().push({ level: 'info', title: 'Setting saved', message: v.pendingRestart.includes(key) ? `${key} applies when Kestrel next starts.` : `${key} saved.` });
  };

  return (
    <div className="workstation-settings" data-testid="workstation-settings">
      <p className="muted small">
        Stored in <code>{view.file}</code>. Empty a field to restore its default.
      </p>
      {SECTIONS.map((s) => (
        <div key={s.prefix} className="form-grid">
          <h4 className="section">{s.title}</h4>
          {keys
            .filter((k) => k.startsWith(s.prefix))
            .map((k) => {
              const override = view.overrides.find((o) => o.key === k);
              const dirty = (draft[k] ?? '') !== (current[k] ?? '');
              return (
                <label key={k} className="field">
                  <span>
                    {k.slice(s.prefix.length)}
                    {override && <em className="muted small"> — {override.env}={override.value} overrides it this run</em>}
                    {view.pendingRestart.includes(k) && <em className="muted small"> — applies on restart</em>}
                  </span>
                  <span className="row">
                    <input aria-label={k} value={draft[k] ?? ''} placeholder="default" onChange={(e) => setDraft({ ...draft, [k]: e.target.value })} onKeyDown={(e) => e.key === 'Enter' && dirty && void save(k)} />
                    <button aria-label={`Save ${k}`} disabled={!dirty} onClick={() => void save(k)}>
                      Save
                    </button>
                  </span>
                </label>
              );
            })}
        </div>
      ))}
    </div>
  );
}
