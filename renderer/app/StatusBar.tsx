import { useApp } from '../state/app.ts';
import { useConnection } from '../state/connection.ts';
import { StreamHealth } from '../features/markets/StreamHealth.tsx';

export function StatusBar() {
  const info = useApp((s) => s.info);
  const engine = useApp((s) => s.engine);
  const conn = useConnection();
  return (
    <footer className="statusbar">
      <span data-testid="host-version">{info ? `Kestrel ${info.version}` : 'Kestrel'}</span>
      <span data-testid="engine-status">Engine: {engine ? engine.state : '—'}</span>
      <StreamHealth />
      {info && <span title="Where your data lives">Data: {info.dataDir}</span>}
      {conn.state === 'disconnected' && conn.detail && <span className="error-text">{conn.detail}</span>}
    </footer>
  );
}
