import { useEffect } from 'react';
import { useAccounts } from '../../state/accounts.ts';
import { useLive } from '../../state/live.ts';
import { Reconciliation } from './Reconciliation.tsx';
import './live.css';

/**
 * The persistent environment badge of a sim / testnet / live account — SIM, TESTNET or LIVE, armed or not,
 * dry-run — and the way into its reconciliation screen. Paper accounts show nothing here.
 */
export function LiveBadge() {
  const list = useAccounts((s) => s.list);
  const { status, open, load, show } = useLive();
  const account = list?.accounts.find((a) => a.id === list.selected);
  const live = account && account.environment !== 'paper' && account.supported ? account.id : null;
  useEffect(() => {
    void load(live);
  }, [live, load]);
  if (!live || !account) return null;
  const env = account.environment.toUpperCase();
  const gate = status?.gate ?? 'pending';
  const state = status?.armed ? 'armed' : 'disarmed';
  const title = status ? `${env} account ${status.accountName}: ${state}${status.dryRun ? ', dry-run' : ''}; reconciliation ${gate}` : `${env} account: connecting`;
  return (
    <>
      <button type="button" className={`live-badge env-${account.environment} ${state}`} data-testid="live-badge" title={title} onClick={() => show(true)}>
        {env} · {status ? (status.armed ? 'ARMED' : 'DISARMED') : 'CONNECTING'}
        {status?.dryRun ? ' · DRY-RUN' : ''}
        {status && gate !== 'clear' ? ` · ${status.discrepancies.length} to reconcile` : ''}
      </button>
      {open && <Reconciliation onClose={() => show(false)} />}
    </>
  );
}
