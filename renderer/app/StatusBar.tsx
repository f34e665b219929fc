import { useApp } from '../state/app.ts';
import { useConnection } from '../state/connection.ts';
import { useSettings } from '../state/settings.ts';
import { StreamHealth } from '../features/markets/StreamHealth.tsx';

export function StatusBar() {
  const info = useApp((s) => s.info);
  const engine = useApp((s) => s.engine);
  const conn = useConnection();
  const zone = useSettings((s) => s.timeZone);
  return (
    <footer className="statusbar">
      <span data-testid="host-version">{info ? `Kestrel ${info.version}` : 'Kestrel'}</span>
      <span data-testid="engine-status">Engine: {engine ? engine.state : '—'}</span>
      <StreamHealth />
      <button className="link" data-testid="time-zone" title="Every date is shown in this zone; change it in Settings → Appearance" onClick={() => useApp.getState().setWorkspace('settings')}>
        Times: {zone}
      </button>
      {info && <span title="Where your data lives">Data: {info.dataDir}</span>}
      {conn.state === 'disconnected' && conn.detail && <span className="error-text">{conn.detail}</span>}
    </footer>
  );
}
