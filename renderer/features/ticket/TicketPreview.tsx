import { useEffect, useRef } from 'react';
import { fmtDecimal, fmtMoney } from '../../app/format.ts';
import { reasonValue } from '../risk/reason-units.ts';
import { Badge } from '../../app/ui/widgets.tsx';
import { useTicket } from '../../state/ticket.ts';
import { useTrading } from '../../state/trading.ts';

/** The preview and confirmation step: the risk gate's verdict, fees and what exactly will be sent. */
export function TicketPreview({ onBack }: { onBack(): void }) {
  const { stage, preview, reasons, issues, sent, error, form } = useTicket();
  const history = useTrading((s) => s.history);
  const currency = useTrading((s) => s.account?.currency);
  const sendRef = useRef<HTMLButtonElement>(null);
  const newRef = useRef<HTMLButtonElement>(null);
  const backRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    // A rejected order cannot be sent: focus goes to Back so Esc/Enter still lead somewhere.
    if (stage === 'preview') (sendRef.current && !sendRef.current.disabled ? sendRef.current : backRef.current)?.focus();
    if (stage === 'sent') newRef.current?.focus();
  }, [stage, preview]);

  if (stage === 'sent') {
    // The order as it is now (a fill, a cancel, the kill switch), not as it was when the reply came.
    const now = sent.map((x) => history.find((h) => h.clientOrderId === x.clientOrderId) ?? x);
    const o = now[0];
    const bad = o && ['canceled', 'rejected', 'expired'].includes(o.state);
    return (
      <div className={`ticket-confirm${bad ? ' gone' : ''}`} role="status" data-testid="ticket-sent">
        <div className="confirm-title">
          {bad ? '✗' : '✓'} Order {o?.state ?? 'sent'}
          {o?.reason ? <span className="muted small"> ({o.reason})</span> : null}
        </div>
        {now.map((x) => (
          <div key={x.clientOrderId} className="num small">
            {x.side.toUpperCase()} {x.qty} {x.symbol} {x.type}
            {x.price ? ` @ ${x.price}` : x.triggerPrice ? ` trigger ${x.triggerPrice}` : ''} · {x.clientOrderId}
          </div>
        ))}
        <button
          ref={newRef}
          className="wide"
          onClick={() => {
            useTicket.getState().cancel();
            onBack();
          }}
        >
          New order <kbd>Esc</kbd>
        </button>
      </div>
    );
  }
  if ((stage !== 'preview' && stage !== 'sending') || !preview) return null;
  const ok = preview.ok && reasons.length === 0 && issues.length === 0;
  return (
    <div className={`ticket-preview ${ok ? 'ok' : 'rejected'}`} data-testid="ticket-preview-pane" aria-live="polite">
      <div className="preview-verdict">
        <span>Risk gate</span>
        {ok ? <Badge kind="ok">PASS</Badge> : <Badge kind="bad">REJECTED</Badge>}
        <span className="muted small">trading {preview.tradingState}</span>
      </div>
      {(reasons.length > 0 || issues.length > 0) && (
        <ul className="reasons" data-testid="risk-reasons">
          {reasons.map((r, i) => (
            <li key={`r${i}`}>
              <strong>{r.message}</strong>
              {r.limit !== undefined && (
                <span className="muted">
                  {' '}
                  — limit {reasonValue(r.rule, r.limit, currency)}, this order {reasonValue(r.rule, r.actual, currency)}
                </span>
              )}
              <code className="muted"> {r.rule}</code>
            </li>
          ))}
          {issues.map((x, i) => (
            <li key={`i${i}`}>
              <strong>{x.message}</strong> <code className="muted">{x.path}</code>
            </li>
          ))}
        </ul>
      )}
      {preview.triggersNow && (
        <label className="confirm-trigger" data-testid="confirm-trigger-now">
          <input type="checkbox" checked={!!form.confirmTriggerNow} onChange={(e) => void useTicket.getState().confirmTriggerNow(e.target.checked)} />
          <span>
            <Badge kind="warn">TRIGGERS AT ONCE</Badge> The market is already through this trigger: send it anyway, to fill now
          </span>
        </label>
      )}
      <dl className="preview-grid">
        <dt>Side</dt>
        <dd className={preview.side === 'buy' ? 'pos' : 'neg'}>{preview.side.toUpperCase()} {preview.type}</dd>
        <dt>Quantity</dt>
        <dd className="num">{preview.qty}</dd>
        {preview.triggerPrice && (
          <>
            <dt>Trigger</dt>
            <dd className="num">{preview.triggerPrice}</dd>
          </>
        )}
        {preview.type !== 'oco' && (
          <>
            <dt>Price</dt>
            <dd className="num">{preview.price ?? `market (${preview.lastPrice ?? '—'})`}</dd>
          </>
        )}
        {preview.takeProfit && (
          <>
            <dt>Take profit</dt>
            <dd className="num">{preview.takeProfit}</dd>
          </>
        )}
        {preview.stopLoss && (
          <>
            <dt>Stop loss</dt>
            <dd className="num">{preview.stopLoss}</dd>
          </>
        )}
        {preview.stopLossLimit && (
          <>
            <dt>Stop-loss limit</dt>
            <dd className="num">{preview.stopLossLimit}</dd>
          </>
        )}
        <dt>Notional</dt>
        <dd className="num">{fmtMoney(preview.notional)}</dd>
        <dt>Est. fee</dt>
        <dd className="num" data-testid="preview-fee">
          {fmtDecimal(preview.estimatedFee, 4)} <span className="muted">({(Number(preview.feeRate) * 100).toFixed(3)}% {preview.liquidity})</span>
        </dd>
        <dt>Equity</dt>
        <dd className="num">{fmtMoney(preview.equity)}</dd>
      </dl>
      {preview.snapped && <div className="muted small">Prices were snapped to the tick.</div>}
      {error && <div className="error-text">{error}</div>}
      <div className="preview-actions">
        <button
          ref={backRef}
          onClick={() => {
            useTicket.getState().cancel();
            onBack();
          }}
        >
          Back <kbd>Esc</kbd>
        </button>
        <button ref={sendRef} className={`grow ${form.side}`} disabled={!ok || stage === 'sending'} onClick={() => void useTicket.getState().send()} data-testid="ticket-send">
          {stage === 'sending' ? 'Sending…' : `Send ${form.side} ${preview.qty}`} <kbd>Enter</kbd>
        </button>
      </div>
    </div>
  );
}
