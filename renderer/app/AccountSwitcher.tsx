import { useEffect } from 'react';
import { useAccounts } from '../state/accounts.ts';
import { useConnection } from '../state/connection.ts';

/** The account the ticket, blotter and positions act on; accounts this release cannot trade are listed, disabled. */
export function AccountSwitcher() {
  const connected = useConnection((s) => s.state === 'connected');
  const { list, switching, load, select } = useAccounts();
  useEffect(() => {
    if (connected) void load();
  }, [connected, load]);
  if (!list) return null;
  const current = list.accounts.find((a) => a.id === list.selected);
  return (
    <span className="account-switcher">
      <select aria-label="Account" data-testid="account-switcher" value={list.selected} disabled={switching} onChange={(e) => void select(e.target.value)}>
        {list.accounts.map((a) => (
          <option key={a.id} value={a.id} disabled={!a.supported}>
            {a.name} · {a.venueName} · {a.environment}
            {a.supported ? '' : ' (not available yet)'}
          </option>
        ))}
      </select>
      {current && <span className={`pill ${current.environment === 'live' ? 'live' : 'paper'}`}>{current.environment.toUpperCase()}</span>}
    </span>
  );
}
