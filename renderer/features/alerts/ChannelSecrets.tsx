import { useEffect, useState } from 'react';
import type { CredentialList } from '../../../main/contract/credentials.ts';
import { call } from '../../ipc/client.ts';
import { useNotices } from '../../state/notices.ts';

/**
 * Channel URLs (which carry the service's token) and signing keys go into the secret store, write-only: the
 * form sends a value once and is cleared; the list shows only which references are stored and who names
 * them. (KESTREL_SECRET_<REF> still overrides a reference for CI.)
 */
export function ChannelSecrets() {
  const [list, setList] = useState<CredentialList | null>(null);
  const [ref, setRef] = useState('');
  const [value, setValue] = useState('');
  const refresh = async () => {
    const l = await call('credentials.list', {}, { quiet: true });
    if (l) setList(l);
  };
  useEffect(() => void refresh(), []);
  const save = async () => {
    const r = await call('credentials.setPassword', { ref: ref.trim(), value });
    setValue('');
    if (!r) return;
    setRef('');
    useNotices.getState().push({ level: 'info', title: `Secret "${r.ref}" stored`, message: 'Sealed; channels and hooks that name it use it from the next message.' });
    await refresh();
  };
  const channelRefs = (list?.credentials ?? []).filter((c) => c.usedBy.some((u) => u.startsWith('channel:') || u.startsWith('hook:')));
  return (
    <div data-testid="channel-secrets">
      <h3>Channel secrets</h3>
      {channelRefs.length > 0 && (
        <ul className="muted">
          {channelRefs.map((c) => <li key={c.ref}>{c.ref} — stored, used by {c.usedBy.join(', ')}</li>)}
        </ul>
      )}
      <div className="alert-form">
        <input aria-label="Secret reference" placeholder="reference named in settings" value={ref} onChange={(e) => setRef(e.target.value)} />
        <input aria-label="Secret value" type="password" autoComplete="off" placeholder="URL or token (write-only)" value={value} onChange={(e) => setValue(e.target.value)} />
        <button disabled={!ref.trim() || !value} onClick={() => void save()}>Store secret</button>
      </div>
    </div>
  );
}
