import { useState } from 'react';
import type { Discrepancy, ReconcileAction } from '../../../main/contract/live.ts';
import { fmtTime } from '../../app/format.ts';
import { useLive } from '../../state/live.ts';

const LABEL: Record<ReconcileAction, string> = { adopt: 'Adopt', cancel: 'Cancel at venue', acknowledge: 'Acknowledge', replace: 'Re-place' };
const KIND: Record<Discrepancy['kind'], string> = {
  'foreign-order': 'Order not placed by Kestrel',
  'missing-order': 'Order missing at the venue',
  'protective-missing': 'Protective order missing',
  'foreign-trade': 'Fill made outside Kestrel',
  'position-mismatch': 'Position differs',
  'unknown-order': 'Outcome unknown',
  overfill: 'Fill beyond order size',
};

/** What a decision does where it is not obvious from its label. */
const HINT: Partial<Record<string, string>> = {
  'foreign-trade:adopt': 'Book this fill into the ledger: the position and cash follow it',
  'foreign-trade:acknowledge': 'Leave this fill out of the ledger (the position difference it makes stays to settle)',
  'foreign-order:adopt': 'Make this order the account\'s: Kestrel tracks and books it from now on',
  'protective-missing:replace': 'Place the protective order again at the venue (new client id, same OCO pair)',
  'protective-missing:acknowledge': 'Leave the position without this protective order',
};

/**
 * The reconciliation screen: every difference between the ledger and the venue, each settled by the trader
 * (adopt, cancel, acknowledge, re-place); orders whose outcome is being resolved; and arming, which needs a
 * clean reconciliation and the account's name typed.
 */
export function Reconciliation({ onClose }: { onClose: () => void }) {
  const { status, busy, reconcile, resolve, arm, disarm } = useLive();
  const [confirm, setConfirm] = useState('');
  const [dryRun, setDryRun] = useState(false);
  if (!status) return null;
  const clear = status.gate === 'clear';
  return (
    <div className="modal-backdrop" role="dialog" aria-label="Reconciliation" data-testid="reconciliation">
      <div className="modal recon">
        <h3>
          Reconciliation — {status.accountName} <span className={`live-badge env-${status.environment}`}>{status.environment.toUpperCase()}</span>
        </h3>
        <div className="recon-meta">
          <span data-testid="recon-gate" className={`recon-gate gate-${status.gate}`}>{clear ? 'Consistent with the venue' : status.gate === 'blocked' ? 'Differences to settle' : status.gate === 'checking' ? 'Checking…' : 'Not checked yet'}</span>
          <span>last check {status.lastCheck ? fmtTime(status.lastCheck) : '—'}</span>
          <span>private data: {status.sync}</span>
          <button type="button" disabled={busy} onClick={() => void reconcile()} data-testid="recon-check">
            Check again
          </button>
        </div>
        {status.lastError && <div className="recon-error">The venue could not be reached: {status.lastError}</div>}
        {status.discrepancies.length === 0 ? (
          <p className="modal-body">{clear ? 'Every open order, fill, balance and position matches the ledger.' : 'No differences listed yet.'}</p>
        ) : (
          <table className="recon-table" data-testid="recon-list">
            <thead>
              <tr>
                <th>What</th>
                <th>Symbol</th>
                <th>Ledger</th>
                <th>Venue</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {status.discrepancies.map((d) => (
                <tr key={d.id} data-testid={`recon-item-${d.kind}`}>
                  <td title={d.summary}>
                    <strong>{KIND[d.kind]}</strong>
                    <div className="recon-summary">{d.summary}</div>
                  </td>
                  <td>{d.symbol}</td>
                  <td>{d.ledger ?? '—'}</td>
                  <td>{d.venue ?? '—'}</td>
                  <td className="recon-actions">
                    {d.actions.map((a) => (
                      <button type="button" key={a} disabled={busy} title={HINT[`${d.kind}:${a}`]} onClick={() => void resolve(d.id, a)} data-testid={`recon-${a}`}>
                        {LABEL[a]}
                      </button>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {status.unknownOrders.length > 0 && (
          <div className="recon-unknown" data-testid="recon-unknown">
            {status.unknownOrders.length} order(s) with an unknown outcome, being resolved by client order id (never resent):{' '}
            {status.unknownOrders.map((u) => `${u.clientOrderId} (${u.op}, ${u.checks} checks)`).join(', ')}
          </div>
        )}
        <div className="recon-arm">
          {status.armed ? (
            <>
              <span>
                Armed by {status.armedBy}
                {status.dryRun ? ' — dry-run: orders are built and signed, not sent' : ''}
              </span>
              <button type="button" className="danger" disabled={busy} onClick={() => void disarm()} data-testid="live-disarm">
                Disarm
              </button>
            </>
          ) : (
            <>
              <input aria-label="Type the account name to arm" placeholder={`type "${status.accountName}" to arm`} value={confirm} disabled={!clear} onChange={(e) => setConfirm(e.target.value)} data-testid="live-arm-confirm" />
              <label>
                <input type="checkbox" checked={dryRun} disabled={!clear} onChange={(e) => setDryRun(e.target.checked)} data-testid="live-dry-run" /> dry-run
              </label>
              <button type="button" className="primary" disabled={!clear || busy || confirm !== status.accountName} onClick={() => void arm(confirm, dryRun).then((ok) => ok && setConfirm(''))} data-testid="live-arm">
                Arm {status.environment}
              </button>
            </>
          )}
        </div>
        <div className="modal-actions">
          <button type="button" onClick={onClose} data-testid="recon-close">
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
