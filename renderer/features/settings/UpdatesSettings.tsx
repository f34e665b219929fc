import { useEffect, useState } from 'react';
import type { SettingsView } from '../../../main/contract/settings.ts';
import type { UpdateSettings } from '../../../main/contract/updates.ts';
import { call } from '../../ipc/client.ts';
import { useConnection } from '../../state/connection.ts';
import { useNotices } from '../../state/notices.ts';

const CHANNELS = [
  { id: 'stable', label: 'Stable' },
  { id: 'beta', label: 'Beta' },
] as const;

/**
 * Settings → Updates: the document's `updates` switch. The desktop app reads it once at start
 * (main/app/main.ts), so every change is saved for the next start, as the panel's other restart-bound keys.
 */
export function UpdatesSettings() {
  const connected = useConnection((s) => s.state === 'connected');
  const [view, setView] = useState<SettingsView | null>(null);
  useEffect(() => {
    if (connected) void call('settings.get', {}).then((v) => v && setView(v));
  }, [connected]);

  if (!view) return <div className="muted">Loading…</div>;
  const updates = view.document.updates;
  const override = view.overrides.find((o) => o.key === 'updates');
  const pending = view.pendingRestart.some((k) => k.startsWith('updates.'));

  const save = async <K extends keyof UpdateSettings>(key: K, value: UpdateSettings[K]) => {
    // Shown at once (a checkbox that waits for the host feels broken); a refused save shows the stored value again.
    setView({ ...view, document: { ...view.document, updates: { ...updates, [key]: value } } });
    const v = await call('settings.set', { key: `updates.${key}`, value });
    if (!v) {
      void call('settings.get', {}).then((again) => again && setView(again));
      return;
    }
    setView(v);
    const later = v.pendingRestart.some((k) => k.startsWith('updates.'));
    useNotices.getState().push({ level: 'info', title: 'Setting saved', message: later ? 'Update settings apply when Kestrel next starts.' : 'Back to the update settings this run started with.' });
  };

  return (
    <div className="form-grid" data-testid="updates-settings">
      <p className="muted small">Kestrel downloads and installs an update only when you agree, and never goes back to an older version.</p>
      <label className="check">
        <input type="checkbox" aria-label="Check for updates" checked={updates.enabled} onChange={(e) => void save('enabled', e.target.checked)} />
        <span>Check for updates</span>
      </label>
      <div className="toolbar">
        <span className="muted">Channel</span>
        <div className="seg" role="radiogroup" aria-label="Update channel">
          {CHANNELS.map((c) => (
            <button key={c.id} role="radio" aria-checked={updates.channel === c.id} className={updates.channel === c.id ? 'active' : ''} disabled={!updates.enabled} onClick={() => updates.channel !== c.id && void save('channel', c.id)}>
              {c.label}
            </button>
          ))}
        </div>
      </div>
      {override && (
        <div className="muted small">
          {override.env}={override.value} overrides this for the current run.
        </div>
      )}
      {pending && <div className="muted small">Changed: applies on next start.</div>}
    </div>
  );
}
