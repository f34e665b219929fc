/**
 * The ticket's margin chip for a perpetual ("Isolated 20×", as a futures venue shows it next to the symbol): opens
 * a dialog that sets the symbol's margin mode and leverage on the account (trading.setMargin; a live account's change
 * is sent to its venue). The host applies the venue's rules (max leverage from its brackets, the notional a leverage allows, no mode change with a position or
 * working orders) and its refusal is shown in the dialog in the venue's words; nothing changes then.
 */
import { useEffect, useState } from 'react';
import type { SymbolMarginView } from '../../../main/contract/trading.ts';
import { fmtMoney } from '../../app/format.ts';
import { call, getClient } from '../../ipc/client.ts';
import { forAccount, useTrading } from '../../state/trading.ts';

/** The largest position notional the venue's brackets allow at `lev` (null: no bound), as the host's rule computes it. */
function capAt(brackets: SymbolMarginView['brackets'], lev: number): string | null {
  let cap: string | null = '0';
  for (const b of brackets) {
    if (b.maxLeverage < lev) continue;
    if (b.maxNotional === '0') return null;
    if (Number(b.maxNotional) > Number(cap)) cap = b.maxNotional;
  }
  return cap;
}

const modeLabel = (m: 'cross' | 'isolated') => (m === 'cross' ? 'Cross' : 'Isolated');

/**
 * A perpetual's margin on the selected account (trading.margin), asked again when the symbol, the session or the
 * position's pushed leverage changes (a change made elsewhere: another window, the CLI); null for spot. The ticket
 * reads it for its chip and its "at most ≈" size; `set` takes what a change answered.
 */
export function useSymbolMargin(symbol: string): { view: SymbolMarginView | null; set(v: SymbolMarginView): void } {
  const perp = useTrading((s) => s.instruments.find((i) => i.symbol === symbol)?.kind === 'perpetual');
  const session = useTrading((s) => s.session?.sessionId);
  const pushed = useTrading((s) => s.positions.find((p) => p.symbol === symbol)?.leverage);
  const [view, setView] = useState<SymbolMarginView | null>(null);
  useEffect(() => {
    if (!perp || !symbol) return setView(null);
    let live = true;
    void call('trading.margin', { symbol, ...forAccount() }, { quiet: true }).then((v) => live && setView(v ?? null));
    return () => {
      live = false;
    };
  }, [perp, symbol, session, pushed]);
  return { view: view && view.symbol === symbol ? view : null, set: setView };
}

export function LeverageChip({ margin }: { margin: ReturnType<typeof useSymbolMargin> }) {
  const { view } = margin;
  const [open, setOpen] = useState(false);
  const ccy = useTrading((s) => s.account?.currency);
  // Only where it can be set here (perpetual paper and live accounts: a live one's change goes to the venue).
  if (!view || !view.editable) return null;
  const symbol = view.symbol;
  const text = `${modeLabel(view.mode)} ${view.leverage}×`;
  return (
    <>
      <div className="ticket-margin">
        <button type="button" className="small ghost margin-chip" data-testid="margin-chip" onClick={() => setOpen(true)} title={`Margin mode and leverage of ${symbol} on this account`} aria-label={`Margin ${text}`}>
          {text}
        </button>
        <span className="muted">max {view.maxLeverage}×{view.maxNotional ? ` · up to ${fmtMoney(view.maxNotional, ccy)} at ${view.leverage}×` : ''}</span>
      </div>
      {open && <MarginDialog view={view} onClose={(v) => (setOpen(false), v && margin.set(v))} />}
    </>
  );
}

function MarginDialog({ view, onClose }: { view: SymbolMarginView; onClose(v?: SymbolMarginView): void }) {
  const [mode, setMode] = useState(view.mode);
  const [lev, setLev] = useState(String(view.leverage));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ccy = useTrading((s) => s.account?.currency);
  // Where the tiers and the mark come from (the venue's brackets and stream, or a stated fallback / polling).
  const sources = useTrading((s) => s.session?.perpetual);
  const n = Number(lev);
  const valid = Number.isInteger(n) && n >= 1 && n <= view.maxLeverage;
  const cap = valid ? capAt(view.brackets, n) : null;
  const apply = async () => {
    setBusy(true);
    setError(null);
    try {
      const v = await getClient().call('trading.setMargin', { symbol: view.symbol, leverage: n, mode, ...forAccount() });
      void useTrading.getState().refresh();
      onClose(v);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), onClose())}>
      <div className="modal margin-dialog" role="dialog" aria-modal="true" aria-label={`Margin of ${view.symbol}`}>
        <h3>{view.symbol}: margin</h3>
        <div className="modal-body">
          <div className="seg" role="radiogroup" aria-label="Margin mode">
            {(['cross', 'isolated'] as const).map((m) => (
              <button key={m} type="button" role="radio" aria-checked={mode === m} className={mode === m ? 'active' : ''} onClick={() => setMode(m)}>
                {modeLabel(m)}
              </button>
            ))}
          </div>
          <label className="margin-lev">
            <span>Leverage</span>
            <input type="range" min={1} max={view.maxLeverage} step={1} value={valid ? n : view.leverage} onChange={(e) => setLev(e.target.value)} aria-label="Leverage slider" />
            <input className="num" value={lev} onChange={(e) => setLev(e.target.value.replace(/[^0-9]/g, ''))} aria-label="Leverage" inputMode="numeric" autoFocus
              onKeyDown={(e) => e.key === 'Enter' && valid && !busy && void apply()} />
            <span>×</span>
          </label>
          <div className="muted margin-note">
            {valid ? `Up to ${view.maxLeverage}× on this venue; at ${n}× a position of ${cap === null ? 'any size' : `at most ${fmtMoney(cap, ccy)} ${ccy ?? ''}`}.` : `A whole number from 1 to ${view.maxLeverage}.`}
            {' '}The mode changes only with no position and no working order.
          </div>
          {sources && (
            <div className="muted margin-note" data-testid="margin-sources">
              Tiers: {sources.tiers}. Mark: {sources.marks}.
            </div>
          )}
          {error && <div className="error-text margin-error" role="alert" data-testid="margin-error">{error}</div>}
        </div>
        <div className="modal-actions">
          <button onClick={() => onClose()}>Cancel</button>
          <button className="primary" disabled={!valid || busy} onClick={() => void apply()} data-testid="margin-apply">
            Confirm
          </button>
        </div>
      </div>
    </div>
  );
}
