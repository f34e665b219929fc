import { useEffect } from 'react';
import { useAccounts } from '../state/accounts.ts';
import { useConnection } from '../state/connection.ts';
import { useMarketReplay } from '../state/market-replay.ts';
import { ReplayLauncher } from '../features/replay/ReplayLauncher.tsx';

/** The account the ticket, blotter and positions act on; accounts this release cannot trade are listed, disabled. */
export function AccountSwitcher() {
  const connected = useConnection((s) => s.state === 'connected');
  const { list, switching, load, select } = useAccounts();
  useEffect(() => {
    if (connected) void load();
  }, [connected, load]);
  // A running market replay is a session source like an account: chosen here, shown by the same Trade workspace.
  const replay = useMarketReplay((s) => s.status);
  const viewing = useMarketReplay((s) => s.viewing);
  if (!list) return null;
  const current = list.accounts.find((a) => a.id === list.selected);
  const choose = async (id: string) => {
    if (replay && id === replay.account) return useMarketReplay.getState().enter();
    if (viewing) await useMarketReplay.getState().leave();
    await select(id);
  };
  return (
    <span className="account-switcher">
      <select aria-label="Account" data-testid="account-switcher" value={viewing && replay ? replay.account : list.selected} disabled={switching} onChange={(e) => void choose(e.target.value)}>
        {replay && (
          <option value={replay.account}>
            Replay · {replay.symbols.join(', ')} · {replay.source} {replay.timeframe}
          </option>
        )}
        {list.accounts.map((a) => (
          <option key={a.id} value={a.id} disabled={!a.supported}>
            {a.name} · {a.venueName} · {a.environment}
            {a.supported ? '' : ' (not available yet)'}
          </option>
        ))}
      </select>
      {viewing && replay ? <span className="pill replay">REPLAY</span> : current && <span className={`pill ${current.environment === 'live' ? 'live' : 'paper'}`}>{current.environment.toUpperCase()}</span>}
      <ReplayLauncher />
    </span>
  );
}
