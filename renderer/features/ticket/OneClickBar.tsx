import { useState } from 'react';
import { ConfirmDialog } from '../../app/ui/widgets.tsx';
import { useOneClick } from '../../state/oneclick.ts';
import { useTrading } from '../../state/trading.ts';

/**
 * One-click trading (MT5's one-click panel): a market order of a set quantity per click. Off by default and
 * per account; turning it on is confirmed; each order may ask again, and on a live account it always does.
 */
export function OneClickBar({ symbol }: { symbol: string }) {
  const oc = useOneClick();
  const me = oc.mine();
  const session = useTrading((s) => s.session);
  const last = useTrading((s) => s.prices[symbol]);
  const base = useTrading((s) => s.instruments.find((i) => i.symbol === symbol)?.base);
  const [asking, setAsking] = useState(false);
  if (!session) return null;

  if (!me.enabled)
    return (
      <div className="oneclick off">
        <span className="muted small">One-click trading is off</span>
        <button type="button" className="link" onClick={() => setAsking(true)}>
          Turn on…
        </button>
        {oc.problem && (
          <small className="error-text" data-testid="oneclick-problem">
            {oc.problem}
          </small>
        )}
        {asking && (
          <ConfirmDialog title="Turn on one-click trading?" confirmLabel="Turn on" danger={me.live} onCancel={() => setAsking(false)} onConfirm={() => (oc.set({ enabled: true }), setAsking(false))}>
            <p>
              For the account <b>{session.accountName}</b> only. A click on Buy or Sell (or Shift+B / Shift+S) sends a market order of the quantity you set, without the
              ticket's preview. The risk gate still checks every order.
            </p>
            {me.live ? <p className="error-text">This is a LIVE account: real money. Each one-click order will still ask you to confirm it.</p> : <p className="muted">You can choose whether each order asks for a confirmation.</p>}
          </ConfirmDialog>
        )}
      </div>
    );

  const pending = oc.pending;
  return (
    <div className="oneclick" data-testid="oneclick">
      <div className="oneclick-row">
        <button type="button" className="sell" disabled={oc.sending} onClick={() => void oc.click('sell', symbol)} aria-label="One-click sell">
          SELL
          <small className="num">{last ?? '—'}</small>
        </button>
        <input inputMode="decimal" aria-label="One-click quantity" value={me.qty} placeholder={`qty ${base ?? ''}`} onChange={(e) => oc.set({ qty: e.target.value })} size={8} />
        <button type="button" className="buy" disabled={oc.sending} onClick={() => void oc.click('buy', symbol)} aria-label="One-click buy">
          BUY
          <small className="num">{last ?? '—'}</small>
        </button>
      </div>
      <div className="oneclick-row small">
        <label className="check" title={me.live ? 'Always on for a live account' : undefined}>
          <input type="checkbox" checked={me.confirm} disabled={me.live} onChange={(e) => oc.set({ confirm: e.target.checked })} /> Confirm each order
        </label>
        <button type="button" className="link" onClick={() => oc.set({ enabled: false })}>
          Turn off one-click
        </button>
      </div>
      {pending && (
        <div className="oneclick-confirm" role="alertdialog" aria-label="Confirm one-click order">
          <span>
            {pending.side === 'buy' ? 'Buy' : 'Sell'} {pending.qty} {pending.symbol} at market?
          </span>
          <button type="button" className={pending.side} onClick={() => void oc.confirm()} autoFocus>
            Send
          </button>
          <button type="button" onClick={() => oc.dismiss()}>
            Cancel
          </button>
        </div>
      )}
      {oc.problem && (
        <small className="error-text" data-testid="oneclick-problem">
          {oc.problem}
        </small>
      )}
    </div>
  );
}
