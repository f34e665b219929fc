import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { TicketOrderType } from '../../../main/contract/trading.ts';
import { PanelHeader } from '../../app/EmptyState.tsx';
import { fmtDecimal, fmtMoney, fmtPrice, moneyDecimals, signed } from '../../app/format.ts';
import { Badge } from '../../app/ui/widgets.tsx';
import { useChart } from '../../state/chart.ts';
import { useTicket } from '../../state/ticket.ts';
import { useRisk } from '../../state/risk.ts';
import { useTrading } from '../../state/trading.ts';
import { isReplayAccount } from '../../../main/contract/replay.ts';
import { TradingStateBanner } from '../../app/TradingState.tsx';
import { fieldsFor, floorToLot, isDecimal, snapToTick, stepTicks, type TicketForm } from './logic.ts';
import { keepIfZero } from '../../state/ticket.ts';
import { TicketPreview } from './TicketPreview.tsx';
import { OneClickBar } from './OneClickBar.tsx';
import { LeverageChip, useSymbolMargin } from './LeverageChip.tsx';
import { ExitField } from './ExitField.tsx';
import { estimateQty, maxOrderQty, projectedPnl } from './exits.ts';
import { syntheticPrices, useQuote } from './use-quote.ts';

const TYPES: { id: TicketOrderType; label: string }[] = [
  { id: 'market', label: 'Market' },
  { id: 'limit', label: 'Limit' },
  { id: 'stop', label: 'Stop' },
  { id: 'stop-limit', label: 'Stop-limit' },
  { id: 'bracket', label: 'Bracket' },
  { id: 'oco', label: 'OCO' },
];

export function TicketPanel() {
  const t = useTicket();
  const { form, stage, problems } = t;
  const instruments = useTrading((s) => s.instruments);
  const last = useTrading((s) => s.prices[form.symbol]);
  const equity = useTrading((s) => s.account?.equity);
  const cash = useTrading((s) => s.account?.cash);
  const holding = useTrading((s) => s.positions.find((p) => p.symbol === form.symbol && p.side !== 'flat'));
  const chartSymbol = useChart((s) => s.symbol);
  const inst = instruments.find((i) => i.symbol === form.symbol);
  const margin = useSymbolMargin(form.symbol);
  const marginUsed = useTrading((s) => s.account?.marginUsed);
  const qtyRef = useRef<HTMLInputElement>(null);
  const need = fieldsFor(form.type);
  const tradingState = useRisk((s) => s.status?.tradingState);


  // The ticket follows the chart's symbol (when the chart shows a tradable one).
  useEffect(() => {
    if (chartSymbol && instruments.some((i) => i.symbol === chartSymbol) && chartSymbol !== useTicket.getState().form.symbol) useTicket.getState().patch({ symbol: chartSymbol });
    else if (!useTicket.getState().form.symbol && instruments.length) useTicket.getState().patch({ symbol: instruments[0]!.symbol });
  }, [chartSymbol, instruments]);

  useEffect(() => {
    if (t.focusSeq > 0) qtyRef.current?.focus();
  }, [t.focusSeq]);

  // Notes on values the ticket moved onto the grid; dropped when the trader edits the field again.
  const [notes, setNotes] = useState<Partial<Record<keyof TicketForm, string>>>({});
  const setNote = (f: keyof TicketForm, text: string) => setNotes((n) => ({ ...n, [f]: text }));
  const clearNote = (f: keyof TicketForm) => notes[f] && setNotes((n) => ({ ...n, [f]: undefined }));

  const problem = (f: keyof TicketForm) => problems.find((p) => p.field === f)?.message;
  // The entry the exits are measured from, and the quantity (estimated while a % of equity is typed).
  const entry = (need.price && form.price) || last || '';
  const estQty = form.qtyMode === 'pct' && inst ? estimateQty(form.pct.trim(), equity, entry, inst.lotSize) : null;
  const qtyNow = form.qtyMode === 'qty' ? form.qty.trim() : (estQty ?? '');
  // The largest order the funds allow: spot buys from the free quote; a perpetual (either side) from the available
  // margin at the symbol's leverage, less the taker fee.
  const perpAvail = inst?.kind === 'perpetual' && equity !== undefined ? (Number(equity) - Number(marginUsed ?? 0)).toFixed(2) : undefined;
  const maxQty = !inst || !entry || !(Number(entry) > 0) ? null
    : perpAvail !== undefined ? (margin.view ? maxOrderQty({ available: perpAvail, price: entry, lot: inst.lotSize, perpetual: { leverage: margin.view.leverage, takerFee: inst.takerFee } }) : null)
      : form.side === 'buy' ? maxOrderQty({ available: cash, price: entry, lot: inst.lotSize }) : null;
  const pnlAt = (exit: string) => {
    const n = projectedPnl(form.side, entry, exit, qtyNow);
    return n === null ? null : signed(n.toFixed(moneyDecimals(inst?.quote)), moneyDecimals(inst?.quote));
  };
  const tpPnl = form.type === 'bracket' ? pnlAt(form.takeProfit) : null;
  const slPnl = form.type === 'bracket' ? pnlAt(form.stopLoss) : null;

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      t.cancel();
      if (stage === 'edit') (document.activeElement as HTMLElement | null)?.blur();
      else qtyRef.current?.focus();
    } else if (e.key === 'Enter' && stage === 'edit' && (e.target as HTMLElement).tagName !== 'BUTTON') {
      e.preventDefault();
      void t.requestPreview();
    }
  };

  const priceInput = (field: 'price' | 'trigger' | 'takeProfit' | 'stopLoss' | 'stopLimit', label: string, optional?: string) => (
    <label className="field">
      <span>
        {label}
        {optional && <em className="muted"> (optional: {optional})</em>}
      </span>
      <input
        inputMode="decimal"
        aria-label={label}
        aria-invalid={!!problem(field)}
        value={form[field]}
        placeholder={last ?? ''}
        onChange={(e) => {
          clearNote(field);
          t.patch({ [field]: e.target.value });
        }}
        onBlur={(e) => {
          if (!inst || !e.target.value) return;
          const typed = e.target.value.trim();
          const snapped = snapToTick(typed, inst.tickSize);
          // Snapped and SHOWN: the trader sees what moved and why.
          if (snapped !== typed && isDecimal(typed) && Number(typed) !== Number(snapped)) setNote(field, `${typed} → ${snapped}: snapped to the ${inst.tickSize} tick`);
          t.patch({ [field]: snapped });
        }}
        onKeyDown={(e) => {
          if (!inst || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
          e.preventDefault();
          t.patch({ [field]: stepTicks(form[field], inst.tickSize, (e.key === 'ArrowUp' ? 1 : -1) * (e.shiftKey ? 10 : 1), last ?? null) });
        }}
      />
      {problem(field) ? <small className="error-text">{problem(field)}</small> : notes[field] && <small className="muted snap-note" data-testid={`snap-note-${field}`}>{notes[field]}</small>}
    </label>
  );

  return (
    <div className={`panel-body ticket ticket-${form.side} ticket-state-${tradingState ?? 'unknown'}`} data-testid="panel-ticket" onKeyDown={onKeyDown}>
      <PanelHeader title="Order ticket">
        <span className="muted small">B / S · Enter · Esc · ? keys</span>
      </PanelHeader>
      <div className="ticket-body">
        <TradingStateBanner />
        {!instruments.length ? (
          <div className="empty-state">
            <div className="empty-title">No tradable instruments</div>
            <div className="empty-body">The trading session has not reported any yet.</div>
          </div>
        ) : (
          <>
            <div className="ticket-symbol">
              <select aria-label="Ticket symbol" value={form.symbol} onChange={(e) => t.patch({ symbol: e.target.value })}>
                {instruments.map((i) => (
                  <option key={i.symbol} value={i.symbol}>
                    {i.symbol}
                  </option>
                ))}
              </select>
              <span className="num last">{last ?? '—'}</span>
              {inst?.demo && <Badge kind="warn">DEMO</Badge>}
            </div>
            <QuoteRow symbol={form.symbol} tick={inst?.tickSize} onPick={need.price ? (price) => t.patch({ price }) : undefined} />
            <LeverageChip margin={margin} />
            <OneClickBar symbol={form.symbol} />
            <div className="side-toggle" role="radiogroup" aria-label="Side">
              <button role="radio" aria-checked={form.side === 'buy'} className={form.side === 'buy' ? 'buy' : ''} onClick={() => t.patch({ side: 'buy' })}>
                Buy
              </button>
              <button role="radio" aria-checked={form.side === 'sell'} className={form.side === 'sell' ? 'sell' : ''} onClick={() => t.patch({ side: 'sell' })}>
                Sell
              </button>
            </div>
            <div className="seg type-seg" role="radiogroup" aria-label="Order type">
              {TYPES.map((ty) => (
                <button key={ty.id} role="radio" aria-checked={form.type === ty.id} className={form.type === ty.id ? 'active' : ''} onClick={() => t.patch({ type: ty.id })}>
                  {ty.label}
                </button>
              ))}
            </div>
            <fieldset className="ticket-fields" disabled={stage === 'sending'}>
              <label className="field">
                <span className="qty-label">
                  {form.qtyMode === 'qty' ? `Quantity (${inst?.base ?? ''})` : '% of equity'}
                  <button type="button" className="link" onClick={() => t.patch({ qtyMode: form.qtyMode === 'qty' ? 'pct' : 'qty' })} title="Switch between a quantity and a share of equity" aria-label={form.qtyMode === 'qty' ? 'use % of equity' : 'use quantity'}>
                    {form.qtyMode === 'qty' ? 'use % of equity' : 'use quantity'}
                  </button>
                </span>
                <input
                  ref={qtyRef}
                  inputMode="decimal"
                  aria-label={form.qtyMode === 'qty' ? 'Quantity' : 'Percent of equity'}
                  aria-invalid={!!problem(form.qtyMode)}
                  value={form.qtyMode === 'qty' ? form.qty : form.pct}
                  onChange={(e) => {
                    clearNote('qty');
                    t.patch(form.qtyMode === 'qty' ? { qty: e.target.value } : { pct: e.target.value });
                  }}
                  onBlur={(e) => {
                    if (form.qtyMode !== 'qty' || !inst || !e.target.value) return;
                    const typed = e.target.value.trim();
                    const q = keepIfZero(typed, floorToLot(typed, inst.lotSize));
                    if (Number(q) !== Number(typed)) setNote('qty', `${typed} → ${q}: rounded down to the lot (${inst.lotSize})`);
                    t.patch({ qty: q });
                  }}
                  placeholder={form.qtyMode === 'qty' ? `lot ${inst?.lotSize ?? ''}` : `of ${fmtDecimal(equity, 2)} equity`}
                />
                {problem(form.qtyMode) ? <small className="error-text">{problem(form.qtyMode)}</small> : form.qtyMode === 'qty' && notes.qty && <small className="muted snap-note" data-testid="snap-note-qty">{notes.qty}</small>}
              </label>
              {estQty !== null && !problem('pct') && (
                <small className="muted" data-testid="pct-qty">
                  ≈ {estQty} {inst?.base} at {fmtDecimal(entry)} (the preview gives the exact quantity)
                </small>
              )}
              <small className="muted" data-testid="ticket-available">
                {perpAvail !== undefined
                  ? `Available margin ${fmtMoney(perpAvail, inst?.quote)} ${inst?.quote ?? ''}${margin.view ? ` at ${margin.view.leverage}×` : ''}`
                  : form.side === 'buy' ? `Available ${fmtMoney(cash, inst?.quote)} ${inst?.quote ?? ''}` : `Holding ${holding ? `${holding.qty} ${inst?.base ?? ''} (${holding.side})` : `no ${inst?.base ?? ''}`}`}
                {maxQty !== null ? ` · at most ≈ ${maxQty} ${inst?.base ?? ''}` : ''}
              </small>
              {form.qtyMode === 'pct' && (
                <div className="pct-quick">
                  {['5', '10', '25', '50'].map((p) => (
                    <button type="button" key={p} className="small" onClick={() => t.patch({ pct: p })}>
                      {p}%
                    </button>
                  ))}
                </div>
              )}
              {need.trigger && priceInput('trigger', 'Trigger price')}
              {need.price && priceInput('price', need.bracket ? 'Entry price' : 'Limit price', need.priceOptional ? 'market entry' : undefined)}
              {need.bracket && form.type === 'bracket' && inst ? (
                <>
                  <div className="two">
                    <ExitField field="takeProfit" label="Take profit" tick={inst.tickSize} entry={entry} qty={qtyNow} priceInput={priceInput('takeProfit', 'Take profit')} />
                    <ExitField field="stopLoss" label="Stop loss" tick={inst.tickSize} entry={entry} qty={qtyNow} priceInput={priceInput('stopLoss', 'Stop loss')} />
                  </div>
                  {(tpPnl || slPnl) && (
                    <div className="small projected" data-testid="projected-pnl">
                      {tpPnl && (
                        <span>
                          At take profit <b className={tpPnl.cls}>{tpPnl.text}</b>
                        </span>
                      )}
                      {slPnl && (
                        <span>
                          At stop loss <b className={slPnl.cls}>{slPnl.text}</b>
                        </span>
                      )}
                      <span className="muted">
                        {inst.quote}, before fees{form.qtyMode === 'pct' ? ', estimated quantity' : ''}
                      </span>
                    </div>
                  )}
                </>
              ) : (
                need.bracket && (
                  <div className="two">
                    {priceInput('takeProfit', 'Take profit')}
                    {priceInput('stopLoss', 'Stop loss')}
                  </div>
                )
              )}
              {need.bracket && priceInput('stopLimit', 'Stop-loss limit', 'stop-market when empty')}
              {form.type !== 'market' && form.type !== 'stop' && (
                <label className="field">
                  <span>Time in force</span>
                  <select aria-label="Time in force" value={form.tif} onChange={(e) => t.patch({ tif: e.target.value as TicketForm['tif'] })}>
                    <option value="GTC">GTC · good till cancelled</option>
                    <option value="IOC">IOC · immediate or cancel</option>
                    <option value="FOK">FOK · fill or kill</option>
                  </select>
                </label>
              )}
              {inst && (
                <div className="muted small">
                  Tick {inst.tickSize} · lot {inst.lotSize} · min notional {inst.minNotional} {inst.quote} · ↑/↓ step a price by one tick
                </div>
              )}
            </fieldset>
            {stage === 'edit' && (
              <button className={`wide ${form.side}`} onClick={() => void t.requestPreview()} data-testid="ticket-preview">
                Preview {form.side} order <kbd>Enter</kbd>
              </button>
            )}
            {t.error && stage === 'edit' && <div className="error-text">{t.error}</div>}
            <TicketPreview onBack={() => qtyRef.current?.focus()} />
          </>
        )}
      </div>
    </div>
  );
}

/** Best bid and ask on the account's venue, live; a click puts that price in the limit field. */
function QuoteRow({ symbol, tick, onPick }: { symbol: string; tick: string | undefined; onPick: ((price: string) => void) | undefined }) {
  const q = useQuote(symbol);
  const synthetic = useTrading((s) => syntheticPrices(s.session?.feed));
  const replayed = useTrading((s) => isReplayAccount(s.session?.account));
  const dp = tick?.includes('.') ? tick.split('.')[1]!.length : 2;
  const text = (n: number | null | undefined) => (n === null || n === undefined ? null : n.toFixed(dp));
  const bid = text(q?.bid);
  const ask = text(q?.ask);
  const spread = q?.bid != null && q.ask != null ? (q.ask - q.bid).toFixed(dp) : null;
  const side = (label: string, v: string | null, cls: string) => (
    <button type="button" className={`link quote-${cls}`} disabled={!v || !onPick} onClick={() => v && onPick?.(v)} title={onPick ? `Use the ${label.toLowerCase()} as the limit price` : undefined} data-testid={`ticket-${cls}`}>
      {label} <b className="num">{v ? fmtPrice(v, tick) : '—'}</b>
    </button>
  );
  return (
    <div className="ticket-quote small" data-testid="ticket-quote">
      {side('Bid', bid, 'bid')}
      <span className="muted num" data-testid="ticket-spread" title={synthetic ? 'The demo feed prints trades only: orders fill at the last price' : undefined}>
        {spread !== null ? `spread ${fmtPrice(spread, tick)}` : synthetic ? 'no book: demo prices' : replayed ? 'no book: replayed candles' : 'no book yet'}
      </span>
      {side('Ask', ask, 'ask')}
    </div>
  );
}
