import { useEffect, useState } from 'react';
import type { AccountList, VenueCapabilities, VenueEntry } from '../../../main/contract/accounts.ts';
import { call } from '../../ipc/client.ts';
import { AccountActions, NewAccountForm, ProtectionSelect } from './AccountEditor.tsx';
import { useAccounts } from '../../state/accounts.ts';
import { useConnection } from '../../state/connection.ts';

const CAPS: readonly [keyof VenueCapabilities, string][] = [
  ['spot', 'Spot'], ['perpetual', 'Perpetuals'], ['ohlcv', 'OHLCV'], ['trades', 'Trades'], ['orderBook', 'Order book'], ['websockets', 'WebSockets'], ['sandbox', 'Sandbox'],
];

/** The venues and accounts of settings.json: what each venue can do, and which accounts this release can trade. */
export function VenuesAccounts() {
  const connected = useConnection((s) => s.state === 'connected');
  const [venues, setVenues] = useState<VenueEntry[] | null>(null);
  const [accounts, setAccounts] = useState<AccountList | null>(null);
  const [profiles, setProfiles] = useState<string[]>([]);
  const reload = () => void call('accounts.list', {}).then((a) => a && setAccounts(a));
  // The top bar's switcher changes the selection: the table follows (the selected account cannot be removed).
  const selected = useAccounts((st) => st.list?.selected);
  useEffect(() => {
    if (!connected) return;
    void call('venues.list', {}).then((v) => v && setVenues(v.venues));
    void call('settings.get', {}).then((v) => v && setProfiles(Object.keys(v.document.riskProfiles)));
  }, [connected]);
  useEffect(() => {
    if (connected) reload();
  }, [connected, selected]);
  if (!venues || !accounts) return <div className="muted">Loading…</div>;
  return (
    <div data-testid="venues-accounts">
      <table className="mini" aria-label="Venues">
        <thead>
          <tr>
            <th>Venue</th>
            <th>Exchange</th>
            {CAPS.map(([, label]) => (
              <th key={label}>{label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {venues.map((v) => (
            <tr key={v.id}>
              <td>
                {v.name}
                {v.builtin && <span className="muted small"> (built in{v.started ? ', running' : ''})</span>}
              </td>
              <td>{v.exchange}</td>
              {CAPS.map(([k, label]) => (
                <td key={label}>{v.capabilities ? (v.capabilities[k] ? '✓' : '—') : '?'}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <table className="mini" aria-label="Accounts">
        <thead>
          <tr>
            <th>Account</th>
            <th>Venue · environment · market</th>
            <th>Currency</th>
            <th>Risk profile</th>
            <th>Credentials</th>
            <th title="What becomes of a stop-loss or take-profit canceled, expired or refused at the venue (its sibling is kept either way)">On a lost stop</th>
            <th>State</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {accounts.accounts.map((a) => (
            <tr key={a.id}>
              <td>{a.name}</td>
              <td>{`${a.venueName} · ${a.environment} · ${a.marketType}`}</td>
              <td>{a.currency}</td>
              <td>{a.riskProfile}</td>
              <td>{a.credentials ?? 'none'}</td>
              <td>{a.environment === 'paper' ? <span className="muted">—</span> : <ProtectionSelect account={a} reload={reload} />}</td>
              <td>{!a.supported ? 'not available yet' : a.id === accounts.selected ? 'selected' : a.running ? 'running' : 'idle'}</td>
              <td className="account-actions">
                <AccountActions account={a} selected={a.id === accounts.selected} reload={reload} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <NewAccountForm venues={venues} profiles={profiles} reload={reload} />
      <p className="muted small">
        Venues are added with <code>kestrel config set venues …</code> (JSON); the switcher in the top bar selects the account the ticket, blotter and positions act on.
      </p>
    </div>
  );
}
