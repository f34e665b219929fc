import { TradingStateBadge } from './TradingState.tsx';
import { useApp } from '../state/app.ts';
import { useConnection } from '../state/connection.ts';
import { AccountSwitcher } from './AccountSwitcher.tsx';
import { LayoutMenu } from './layout/LayoutMenu.tsx';

export function TopBar() {
  const info = useApp((s) => s.info);
  const conn = useConnection();
  const workspace = useApp((s) => s.workspace);
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-mark" aria-hidden>
          ◆
        </span>
        Kestrel
      </div>
      <div className="topbar-meta">
        {info && (
          <span className="pill" data-testid="app-mode">
            {info.mode === 'headless' ? 'Headless' : info.mode === 'electron' ? 'Desktop' : info.mode}
          </span>
        )}
        <AccountSwitcher />
        <TradingStateBadge />
      </div>
      <div className="topbar-right">
        {workspace === 'trade' && <LayoutMenu />}
        <span className={`conn conn-${conn.state}`} data-testid="connection-status" title={conn.detail ?? ''}>
          <span className="dot" aria-hidden />
          {conn.state === 'connected' ? 'Connected' : conn.state === 'connecting' ? 'Connecting…' : 'Disconnected'}
        </span>
      </div>
    </header>
  );
}
