import type { TradingState } from '../../main/contract/trading.ts';
import { useRisk } from '../state/risk.ts';
import { useApp } from '../state/app.ts';
import { useTrading } from '../state/trading.ts';

const LABEL: Record<TradingState, string> = { active: 'ACTIVE', 'reducing-only': 'REDUCING', halted: 'HALTED' };
const HINT: Record<TradingState, string> = {
  active: 'Orders pass the risk gate as usual.',
  'reducing-only': 'Only orders that reduce a position pass the risk gate.',
  halted: 'Every new order is refused by the risk gate until trading resumes.',
};

/**
 * The trading state of the account the Trade workspace shows (a market replay's own while one is shown), in the top
 * bar of every screen (each can place orders: ticket, hotkeys, strategies); it opens the Risk panel of that account.
 */
export function TradingStateBadge() {
  const status = useRisk((s) => s.status);
  const name = useTrading((s) => s.session?.accountName);
  if (!status) return null;
  const st = status.tradingState;
  return (
    <button
      className={`pill trading-state-pill state-${st}`}
      data-testid="trading-state"
      data-state={st}
      title={`${name ? `${name}: t` : 'T'}rading ${LABEL[st]}: ${HINT[st]}${status.stateReason ? ` (${status.stateReason})` : ''} · Risk panel (Alt+4)`}
      onClick={() => useApp.getState().setWorkspace('risk')}
    >
      {LABEL[st]}
    </button>
  );
}

/** A banner where orders are entered, when the state is not ACTIVE: what happens to an order sent now. */
export function TradingStateBanner() {
  const status = useRisk((s) => s.status);
  if (!status || status.tradingState === 'active') return null;
  const st = status.tradingState;
  return (
    <div className={`state-banner state-${st}`} role="alert" data-testid="trading-state-banner">
      <strong>Trading {LABEL[st]}</strong> {HINT[st]}
      {status.stateReason && <span className="muted"> Reason: {status.stateReason}</span>}
    </div>
  );
}
