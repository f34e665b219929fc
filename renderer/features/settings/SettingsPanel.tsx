import { useEffect, useState } from 'react';
import type { PaperSettings } from '../../../main/contract/trading.ts';
import { PanelHeader } from '../../app/EmptyState.tsx';
import { ConfirmDialog } from '../../app/ui/widgets.tsx';
import { call } from '../../ipc/client.ts';
import { useApp } from '../../state/app.ts';
import { useConnection } from '../../state/connection.ts';
import { useNotices } from '../../state/notices.ts';
import { useSettings } from '../../state/settings.ts';
import { forAccount, useTrading } from '../../state/trading.ts';
import { isReplayAccount } from '../../../main/contract/replay.ts';
import { isDecimal } from '../ticket/logic.ts';
import { ExchangeKeys } from './ExchangeKeys.tsx';
import { UpdatesSettings } from './UpdatesSettings.tsx';
import { VenuesAccounts } from './VenuesAccounts.tsx';
import { WorkstationSettings } from './WorkstationSettings.tsx';
import { HotkeySettings } from './HotkeySettings.tsx';
import { TimeZoneSetting } from './TimeZoneSetting.tsx';

export function SettingsPanel() {
  const connected = useConnection((s) => s.state === 'connected');
  const { theme, setTheme } = useSettings();
  const info = useApp((s) => s.info);
  const [paper, setPaper] = useState<PaperSettings | null>(null);
  const [draft, setDraft] = useState({ startingBalance: '', makerFee: '', takerFee: '' });
  const [confirmReset, setConfirmReset] = useState(false);
  // The account the Trade workspace shows, as the Risk panel and the ticket act on it. A market replay's has no
  // settings of its own (it trades with the paper defaults; the host refuses changes): the card says so.
  const session = useTrading((s) => s.session);
  const replay = isReplayAccount(session?.account);

  const load = async () => {
    if (replay) return setPaper(null);
    const p = await call('paper.settings', forAccount());
    if (p) {
      setPaper(p);
      setDraft({ startingBalance: p.startingBalance, makerFee: pct(p.makerFee), takerFee: pct(p.takerFee) });
    }
  };
  useEffect(() => {
    if (connected) void load();
  }, [connected, session?.account]);

  const invalid = (['startingBalance', 'makerFee', 'takerFee'] as const).filter((k) => !isDecimal(draft[k]) || (k !== 'startingBalance' && Number(draft[k]) >= 100));
  const save = async (resetAccount: boolean) => {
    if (replay) return;
    const p = await call('paper.setSettings', { startingBalance: draft.startingBalance, makerFee: fraction(draft.makerFee), takerFee: fraction(draft.takerFee), ...(resetAccount ? { resetAccount: true } : {}), ...forAccount() });
    if (!p) return;
    setPaper(p);
    useNotices.getState().push({ level: 'info', title: resetAccount ? 'Paper account reset' : 'Paper settings saved', message: resetAccount ? `Restarted with ${p.startingBalance} ${p.currency}.` : p.pendingReset ? 'They apply when you reset the account.' : 'Saved.' });
    if (resetAccount) void useTrading.getState().refresh();
  };

  return (
    <div className="panel-body" data-testid="panel-settings">
      <PanelHeader title="Settings" />
      <div className="settings scroll">
        <section className="card">
          <h3 className="section">Appearance</h3>
          <div className="seg" role="radiogroup" aria-label="Theme">
            {(['dark', 'light'] as const).map((t) => (
              <button key={t} role="radio" aria-checked={theme === t} className={theme === t ? 'active' : ''} onClick={() => setTheme(t)}>
                {t === 'dark' ? 'Dark' : 'Light'}
              </button>
            ))}
          </div>
          <TimeZoneSetting />
        </section>
        <section className="card">
          <h3 className="section">
            Paper account{' '}
            {session && (
              <span className={`pill ${replay ? 'replay' : ''}`} data-testid="paper-settings-account" title="The account these settings belong to: the one the Trade workspace shows">
                {session.accountName}
              </span>
            )}
          </h3>
          {replay ? (
            <div className="muted" data-testid="paper-settings-replay">
              The Trade workspace shows the market replay {session?.accountName}. A replay trades with the paper defaults, which cannot be changed for it. Leave the replay to change a paper account&apos;s settings.
            </div>
          ) : !paper ? (
            <div className="muted">Loading…</div>
          ) : (
            <div className="form-grid">
              <label className="field">
                <span>Starting balance ({paper.currency})</span>
                <input aria-label="Starting balance" value={draft.startingBalance} onChange={(e) => setDraft({ ...draft, startingBalance: e.target.value })} aria-invalid={invalid.includes('startingBalance')} />
              </label>
              <label className="field">
                <span>Maker fee (%)</span>
                <input aria-label="Maker fee" value={draft.makerFee} onChange={(e) => setDraft({ ...draft, makerFee: e.target.value })} aria-invalid={invalid.includes('makerFee')} />
              </label>
              <label className="field">
                <span>Taker fee (%)</span>
                <input aria-label="Taker fee" value={draft.takerFee} onChange={(e) => setDraft({ ...draft, takerFee: e.target.value })} aria-invalid={invalid.includes('takerFee')} />
              </label>
              {invalid.length > 0 && <div className="error-text">Enter plain numbers (fees below 100%).</div>}
              {paper.pendingReset && <div className="muted small">Saved settings differ from the running account: they apply on the next reset.</div>}
              <div className="toolbar">
                <button className="primary" disabled={invalid.length > 0} onClick={() => void save(false)}>
                  Save
                </button>
                <button className="danger-outline" disabled={invalid.length > 0} onClick={() => setConfirmReset(true)}>
                  Save and reset account…
                </button>
              </div>
            </div>
          )}
        </section>
        <section className="card wide">
          <h3 className="section">Venues and accounts</h3>
          <VenuesAccounts />
        </section>
        <section className="card" aria-label="Hotkeys">
          <h3 className="section">Hotkeys</h3>
          <HotkeySettings />
        </section>
        <section className="card">
          <h3 className="section">Exchange keys</h3>
          <ExchangeKeys />
        </section>
        <section className="card">
          <h3 className="section">Workstation</h3>
          <WorkstationSettings />
        </section>
        <section className="card">
          <h3 className="section">Updates</h3>
          <UpdatesSettings />
        </section>
        {info && (
          <section className="card">
            <h3 className="section">About</h3>
            <dl className="preview-grid about">
              <dt>Version</dt>
              <dd>{info.version}</dd>
              <dt>Mode</dt>
              <dd>{info.mode}</dd>
              <dt>Data</dt>
              <dd>{info.dataDir}</dd>
              <dt>Node</dt>
              <dd>{info.node}</dd>
            </dl>
          </section>
        )}
      </div>
      {confirmReset && (
        <ConfirmDialog
          title={`Reset ${session?.accountName ?? 'the paper account'}?`}
          confirmLabel="Reset account"
          danger
          onCancel={() => setConfirmReset(false)}
          onConfirm={() => {
            setConfirmReset(false);
            void save(true);
          }}
        >
          Every open order is cancelled and a new paper session starts from {draft.startingBalance} with these fees. The old session stays in the audit log.
        </ConfirmDialog>
      )}
    </div>
  );
}

/** "0.001" → "0.1" (percent) without float noise. */
function pct(fraction: string): string {
  return trim((Number(fraction) * 100).toFixed(6));
}
function fraction(percent: string): string {
  return trim((Number(percent) / 100).toFixed(8));
}
function trim(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}
