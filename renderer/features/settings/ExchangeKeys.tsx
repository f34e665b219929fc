import { useEffect, useState } from 'react';
import type { VenueEntry } from '../../../main/contract/accounts.ts';
import type { CredentialList } from '../../../main/contract/credentials.ts';
import { call, getClient } from '../../ipc/client.ts';
import { useConnection } from '../../state/connection.ts';
import { useNotices } from '../../state/notices.ts';

const REF = /^[a-z0-9][a-z0-9:._-]{0,79}$/;
const empty = { ref: '', apiKey: '', secret: '', password: '' };

/**
 * Exchange keys, write-only: the form sends a key and secret to the host once (which checks them with a
 * read-only call and seals them); the list shows references and fingerprints, never a key. The inputs are
 * cleared as soon as the host answered, whatever it answered.
 */
export function ExchangeKeys() {
  const connected = useConnection((s) => s.state === 'connected');
  const [list, setList] = useState<CredentialList | null>(null);
  const [venues, setVenues] = useState<VenueEntry[]>([]);
  const [venue, setVenue] = useState('');
  const [environment, setEnvironment] = useState<'live' | 'testnet'>('live');
  const [draft, setDraft] = useState(empty);
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState<string | null>(null);

  useEffect(() => {
    if (!connected) return;
    void call('credentials.list', {}).then((l) => l && setList(l));
    void call('venues.list', {}).then((v) => {
      if (!v) return;
      setVenues(v.venues);
      setVenue((cur) => cur || v.venues[0]?.id || '');
    });
  }, [connected]);

  const badRef = draft.ref !== '' && !REF.test(draft.ref);
  const ready = REF.test(draft.ref) && draft.apiKey.trim() !== '' && draft.secret.trim() !== '' && venue !== '' && !busy;
  // A refusal is shown beside the form (not as a passing notice): the user fixes the key there.
  const submit = async () => {
    setBusy(true);
    setRefused(null);
    try {
      const r = await getClient().call('credentials.set', { ref: draft.ref, venue, environment, apiKey: draft.apiKey.trim(), secret: draft.secret.trim(), ...(draft.password ? { password: draft.password } : {}) });
      useNotices.getState().push({ level: 'info', title: `Key "${r.ref}" stored`, message: r.warnings.join(' ') || 'Checked with a read-only call and sealed.' });
      const l = await call('credentials.list', {});
      if (l) setList(l);
      setDraft(empty);
    } catch (e) {
      setRefused(e instanceof Error ? e.message : String(e));
      setDraft((d) => ({ ...empty, ref: d.ref }));
    } finally {
      setBusy(false);
    }
  };
  const [pw, setPw] = useState({ ref: '', value: '' });
  const savePassword = async () => {
    const r = await call('credentials.setPassword', { ref: pw.ref, value: pw.value });
    setPw({ ref: '', value: '' });
    if (!r) return;
    useNotices.getState().push({ level: 'info', title: `Password "${r.ref}" stored`, message: 'Sealed; settings that name it (a sweep queue\'s password) use it from the next connection.' });
    const l = await call('credentials.list', {});
    if (l) setList(l);
  };
  const remove = async (ref: string) => {
    const l = await call('credentials.delete', { ref });
    if (l) setList(l);
  };

  return (
    <div data-testid="exchange-keys">
      {list && list.credentials.length > 0 ? (
        <>
          <table className="mini" aria-label="Stored keys">
            <thead>
              <tr>
                <th>Name</th>
                <th>Venue</th>
                <th>Key</th>
                <th>Used by</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.credentials.map((c) => (
                <tr key={c.ref} title={c.checkedAt ? `Checked ${new Date(c.checkedAt).toLocaleString()}` : undefined}>
                  <td>{c.ref}</td>
                  <td>
                    {c.venue ?? '—'}
                    {c.environment === 'testnet' && <span className="muted small"> (testnet)</span>}
                  </td>
                  <td title={c.kind === 'password' ? 'A stored password' : 'A fingerprint of the API key (SHA-256), not part of it'}>{c.kind === 'password' ? 'password set' : `set · ${c.keyId ?? '—'}`}</td>
                  <td>{c.usedBy.join(', ') || '—'}</td>
                  <td>
                    <button className="danger-outline" aria-label={`Remove key ${c.ref}`} onClick={() => void remove(c.ref)}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.credentials.flatMap((c) =>
            c.warnings.map((w) => (
              <p key={`${c.ref}:${w}`} className="warning-text small" role="note" data-testid={`key-warning-${c.ref}`}>
                {c.ref}: {w}
              </p>
            )),
          )}
        </>
      ) : (
        <div className="muted">{list ? 'No exchange keys stored.' : 'Loading…'}</div>
      )}
      <form
        className="form-grid"
        aria-label="Add an exchange key"
        autoComplete="off"
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) void submit();
        }}
      >
        <label className="field">
          <span>Name (what accounts refer to)</span>
          <input aria-label="Key name" value={draft.ref} placeholder="e.g. binance-main" onChange={(e) => setDraft({ ...draft, ref: e.target.value })} aria-invalid={badRef} />
        </label>
        <label className="field">
          <span>Venue</span>
          <select aria-label="Key venue" value={venue} onChange={(e) => setVenue(e.target.value)}>
            {venues.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Environment</span>
          <select aria-label="Key environment" value={environment} onChange={(e) => setEnvironment(e.target.value as 'live' | 'testnet')}>
            <option value="live">live</option>
            <option value="testnet">testnet / demo</option>
          </select>
        </label>
        <label className="field">
          <span>API key</span>
          <input aria-label="API key" type="password" autoComplete="off" spellCheck={false} value={draft.apiKey} onChange={(e) => setDraft({ ...draft, apiKey: e.target.value })} />
        </label>
        <label className="field">
          <span>Secret</span>
          <input aria-label="API secret" type="password" autoComplete="off" spellCheck={false} value={draft.secret} onChange={(e) => setDraft({ ...draft, secret: e.target.value })} />
        </label>
        <label className="field">
          <span>Passphrase (venues that use one)</span>
          <input aria-label="API passphrase" type="password" autoComplete="off" spellCheck={false} value={draft.password} onChange={(e) => setDraft({ ...draft, password: e.target.value })} />
        </label>
        {badRef && <div className="error-text">Lower-case letters, digits and : . _ - (at most 80).</div>}
        {refused && (
          <div className="error-text" role="alert" data-testid="key-refused">
            {refused}
          </div>
        )}
        <div className="toolbar">
          <button className="primary" type="submit" disabled={!ready}>
            {busy ? 'Checking…' : 'Check and store'}
          </button>
        </div>
        <p className="muted small">
          The key is checked with a read-only call (balance; where the venue tells, its API restrictions) and sealed by {list?.vault === 'os-keychain' ? 'the OS keychain' : 'your passphrase'}. Keys that can withdraw are refused. Kestrel never shows a key again.
        </p>
      </form>
      <form
        className="form-grid"
        aria-label="Store a password"
        autoComplete="off"
        onSubmit={(e) => {
          e.preventDefault();
          if (REF.test(pw.ref) && pw.value) void savePassword();
        }}
      >
        <label className="field">
          <span>Password name (e.g. a sweep queue's)</span>
          <input aria-label="Password name" value={pw.ref} onChange={(e) => setPw({ ...pw, ref: e.target.value })} aria-invalid={pw.ref !== '' && !REF.test(pw.ref)} />
        </label>
        <label className="field">
          <span>Password</span>
          <input aria-label="Password value" type="password" autoComplete="off" value={pw.value} onChange={(e) => setPw({ ...pw, value: e.target.value })} />
        </label>
        <div className="toolbar">
          <button type="submit" disabled={!REF.test(pw.ref) || !pw.value}>
            Store password
          </button>
        </div>
      </form>
    </div>
  );
}
