import { useState } from 'react';
import type { AccountEntry, VenueEntry } from '../../../main/contract/accounts.ts';
import type { Environment, MarketType, ProtectiveLost } from '../../../main/contract/settings.ts';
import { ConfirmDialog } from '../../app/ui/widgets.tsx';
import { call } from '../../ipc/client.ts';
import { useAccounts } from '../../state/accounts.ts';
import { useNotices } from '../../state/notices.ts';

const ENVIRONMENTS: readonly [Environment, string][] = [['paper', 'Paper (local matching on the venue\'s prices)'], ['sim', 'Sim (Kestrel Sim\'s own matching)'], ['testnet', 'Testnet'], ['live', 'Live']];
const MARKETS: readonly [MarketType, string][] = [['spot', 'Spot'], ['perpetual', 'USDⓈ-M perpetual']];

/** After a change: the settings list and the top bar's switcher both re-read the accounts. */
async function changed(list: unknown, reload: () => void, message: string): Promise<void> {
  if (!list) return;
  reload();
  await useAccounts.getState().load();
  useNotices.getState().push({ level: 'info', title: 'Accounts', message });
}

/** A new account: venue from the registry, environment, market type, base currency, risk profile, credentials reference. */
export function NewAccountForm({ venues, profiles, reload }: { venues: readonly VenueEntry[]; profiles: readonly string[]; reload(): void }) {
  const [name, setName] = useState('');
  const [venue, setVenue] = useState(venues[0]?.id ?? '');
  const [environment, setEnvironment] = useState<Environment>('paper');
  const [marketType, setMarketType] = useState<MarketType>('spot');
  const [currency, setCurrency] = useState('USDT');
  const [riskProfile, setRiskProfile] = useState(profiles[0] ?? 'default');
  const [credentials, setCredentials] = useState('');
  const [marginMode, setMarginMode] = useState<'cross' | 'isolated'>('cross');
  const [leverage, setLeverage] = useState('20');
  const perp = marketType === 'perpetual';
  const create = async () => {
    // Perpetuals: the margin mode and the leverage every symbol starts at (settings.json `leverage` sets one symbol's).
    const margin = perp ? { marginMode, defaultLeverage: Number(leverage) } : {};
    const list = await call('accounts.create', { account: { name: name.trim(), venue, environment, marketType, currency: currency.trim().toUpperCase(), riskProfile, credentials: credentials.trim() || null, ...margin } });
    if (list) setName('');
    await changed(list, reload, `Account "${name.trim()}" created: pick it in the switcher.`);
  };
  return (
    <form className="form-grid" aria-label="New account" onSubmit={(e) => (e.preventDefault(), void create())}>
      <h4 className="section">New account</h4>
      <label className="field">
        <span>Name</span>
        <input aria-label="Account name" value={name} onChange={(e) => setName(e.target.value)} maxLength={80} />
      </label>
      <label className="field">
        <span>Venue</span>
        <select aria-label="Account venue" value={venue} onChange={(e) => setVenue(e.target.value)}>
          {venues.map((v) => (
            <option key={v.id} value={v.id}>
              {v.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Environment</span>
        <select aria-label="Account environment" value={environment} onChange={(e) => setEnvironment(e.target.value as Environment)}>
          {ENVIRONMENTS.map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Market</span>
        <select aria-label="Account market type" value={marketType} onChange={(e) => setMarketType(e.target.value as MarketType)}>
          {MARKETS.map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
      </label>
      {perp && (
        <>
          <label className="field">
            <span>Margin</span>
            <select aria-label="Account margin mode" value={marginMode} onChange={(e) => setMarginMode(e.target.value as 'cross' | 'isolated')}>
              <option value="cross">Cross (the account&apos;s balance backs every position)</option>
              <option value="isolated">Isolated (each position its own margin)</option>
            </select>
          </label>
          <label className="field">
            <span>Leverage (×, capped at the venue&apos;s max)</span>
            <input aria-label="Account leverage" inputMode="decimal" value={leverage} onChange={(e) => setLeverage(e.target.value)} maxLength={6} />
          </label>
        </>
      )}
      <label className="field">
        <span>Base currency</span>
        <input aria-label="Account currency" value={currency} onChange={(e) => setCurrency(e.target.value)} maxLength={10} />
      </label>
      <label className="field">
        <span>Risk profile</span>
        <select aria-label="Account risk profile" value={riskProfile} onChange={(e) => setRiskProfile(e.target.value)}>
          {profiles.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Credentials (secret store reference; none for paper and sim)</span>
        <input aria-label="Account credentials" value={credentials} placeholder="none" onChange={(e) => setCredentials(e.target.value)} />
      </label>
      <button type="submit" className="primary" disabled={!name.trim() || !venue || (perp && !(Number(leverage) >= 1 && Number(leverage) <= 125))}>
        Create account
      </button>
    </form>
  );
}

/**
 * A venue account's policy for a stop-loss / take-profit lost at the venue or refused by it: placed again (bounded)
 * or only flagged for the trader. Saved in the settings and applied to a running session at once.
 */
export function ProtectionSelect({ account, reload }: { account: AccountEntry; reload(): void }) {
  const set = async (protectiveLost: ProtectiveLost) => {
    const list = await call('accounts.protection', { account: account.id, protectiveLost });
    await changed(list, reload, protectiveLost === 'replace' ? `"${account.name}": a lost or refused stop is placed again (at most 3 times), with an alert.` : `"${account.name}": a lost or refused stop is only flagged: re-place it on the reconciliation screen.`);
  };
  return (
    <select aria-label={`On a lost stop (${account.name})`} value={account.protectiveLost ?? 'replace'} onChange={(e) => void set(e.target.value as ProtectiveLost)}>
      <option value="replace">Re-place it</option>
      <option value="flag">Flag only</option>
    </select>
  );
}

/** Rename and remove buttons of one account row; removal asks first and keeps the account's ledger history. */
export function AccountActions({ account, selected, reload }: { account: AccountEntry; selected: boolean; reload(): void }) {
  const [renaming, setRenaming] = useState<string | null>(null);
  const [removing, setRemoving] = useState(false);
  const rename = async () => {
    const name = renaming?.trim();
    if (!name) return;
    const list = await call('accounts.rename', { account: account.id, name });
    if (list) setRenaming(null);
    await changed(list, reload, `Account renamed to "${name}".`);
  };
  const remove = async () => {
    setRemoving(false);
    await changed(await call('accounts.remove', { account: account.id, confirm: true }), reload, `Account "${account.name}" removed; its history stays in the ledger.`);
  };
  return (
    <span className="row">
      {renaming === null ? (
        <button aria-label={`Rename ${account.name}`} onClick={() => setRenaming(account.name)}>
          Rename
        </button>
      ) : (
        <form className="row" onSubmit={(e) => (e.preventDefault(), void rename())}>
          <input aria-label={`New name for ${account.name}`} value={renaming} onChange={(e) => setRenaming(e.target.value)} maxLength={80} autoFocus />
          <button type="submit">Save</button>
          <button type="button" onClick={() => setRenaming(null)}>
            Cancel
          </button>
        </form>
      )}
      <button aria-label={`Remove ${account.name}`} className="danger" disabled={selected} title={selected ? 'Select another account first' : undefined} onClick={() => setRemoving(true)}>
        Remove
      </button>
      {removing && (
        <ConfirmDialog title={`Remove ${account.name}?`} confirmLabel="Remove account" danger onConfirm={() => void remove()} onCancel={() => setRemoving(false)}>
          <p>
            &ldquo;{account.name}&rdquo; leaves the settings and the switcher. Its books, orders, fills and audit entries stay in the ledger; an account created again with the id <code>{account.id}</code> continues them.
          </p>
        </ConfirmDialog>
      )}
    </span>
  );
}
